"""Benchmark: bytes of a 12-megapixel JPEG → P(dog), for every bundled model (target ≤ 100 ms).

Run: python benchmarks/pet_predict.py [--repeats 20]

The photo is a real pet photo from $NEURONLAB_PETS_DATA (or the shared development set) scaled up
to 4000×3000, else a smooth synthetic picture; it is JPEG-encoded once, then each timed call does the
whole path: decode (JPEG draft mode) → centre-crop → 64×64 → standardise → forward pass. For the conv
net that is what the Predict tab does: ``assess`` (calibrated P(dog), the mirror image, the novelty test).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.pets.models import load_bundled  # noqa: E402

# The development photos sit in shared/ beside the repository (never inside it).
CANDIDATES = [os.environ.get("NEURONLAB_PETS_DATA", ""),
              str(Path(__file__).resolve().parents[2] / "shared" / "data" / "cats_and_dogs_filtered")]


def twelve_megapixel_jpeg() -> tuple[bytes, str]:
    for folder in filter(None, CANDIDATES):
        photos = sorted(Path(folder).rglob("*.jpg"))
        if photos:
            img = Image.open(photos[0]).convert("RGB")
            source = f"{photos[0].name} scaled up"
            break
    else:
        y, x = np.mgrid[0:300, 0:400]
        a = np.stack([128 + 100 * np.sin(x / 30), 128 + 100 * np.cos(y / 25), 128 + 60 * np.sin((x + y) / 40)], -1)
        img = Image.fromarray(a.astype(np.uint8))
        source = "synthetic picture"
    # Sensor-like noise gives the file the size and detail of a real 12 MP photo (a few MB).
    big = np.asarray(img.resize((4000, 3000), Image.Resampling.BICUBIC), dtype=np.int16)
    big = big + np.random.default_rng(0).integers(-12, 13, big.shape, dtype=np.int16)
    buf = io.BytesIO()
    Image.fromarray(np.clip(big, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=90)
    return buf.getvalue(), source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    data, source = twelve_megapixel_jpeg()
    print(f"input: 4000×3000 JPEG ({len(data) / 1e6:.1f} MB, {source}); {args.repeats} timed calls per model "
          f"on {os.cpu_count()} cores")
    for name in ("logistic", "mlp", "cnn"):
        model = load_bundled(name)

        def predict() -> float:
            return model.assess(model.picture(data)[None])[0].p_dog

        predict()  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            p = predict()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:8s}: median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms "
              f"(P(dog) = {p:.3f}); target ≤ 100 ms: {'met' if statistics.median(times) <= 100 else 'MISSED'}")
    print("reproduce: python benchmarks/pet_predict.py")


if __name__ == "__main__":
    main()
