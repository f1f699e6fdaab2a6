"""The second test: photos as users upload them, and pictures with no animal at all.

    python benchmarks/pets_hard_test.py --data DIR [--model cnn|FILE] [--extra DIR]

1. **Distorted test photos.** Every test photo of DIR (never used to train or choose anything) under each
   distortion of ``engine.pets.augment.DISTORTIONS`` (a tighter or off-centre crop, a tilt, a quarter turn,
   colour casts, JPEG quality 20, greyscale, darkness, low contrast, blur, noise), applied to the full photo
   and then decoded by the app's own ``engine.images.decode``: accuracy, ECE, how many are called unsure.
2. **Other photos** (``--extra DIR`` or $NEURONLAB_PETS_EXTRA, laid out as train/test or cat/dog folders):
   the same scores, if such a folder exists. Its photos are never committed.
3. **No animal**: the generated pictures of ``engine.pets.nonpets`` (and scikit-learn's two sample
   photos, a temple and a flower, if scikit-learn is installed): how many the model calls unsure.

Prints Markdown tables; nothing here chooses anything for the model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import images  # noqa: E402
from engine.pets import calibration, nonpets  # noqa: E402
from engine.pets import data as pet_data  # noqa: E402
from engine.pets.augment import DISTORTIONS, distort  # noqa: E402
from engine.pets.models import resolve  # noqa: E402

ENV_EXTRA = "NEURONLAB_PETS_EXTRA"


def scores(model, pictures: np.ndarray, y: np.ndarray | None) -> dict:
    said = model.assess(pictures)
    p = np.array([a.p_dog for a in said])
    unsure = np.array([a.verdict.startswith("unsure") for a in said])
    novel = np.array([a.novel for a in said])
    out = {"n": len(p), "unsure": unsure.mean(), "novel": novel.mean()}
    if y is not None:
        right = (p >= 0.5).astype(int) == y
        out.update(accuracy=right.mean(), ece=calibration.ece(y, p),
                   sure_accuracy=right[~unsure].mean() if (~unsure).any() else float("nan"))
    return out


def distorted_test(model, root: Path) -> list[tuple[str, str, dict]]:
    photos = pet_data.find_photos(root)["test"]
    blobs = [(path.read_bytes(), y) for path, y in photos]
    y = np.array([label for _, label in blobs])
    rows = []
    for name, (what, _) in DISTORTIONS.items():
        start = time.perf_counter()
        pictures = np.stack([images.decode(distort(data, name), model.size, model.colour) for data, _ in blobs])
        rows.append((name, what, scores(model, pictures, y)))
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return rows


def no_animal(model) -> list[tuple[str, dict]]:
    generated = nonpets.generate(per_kind=5, seed=0)
    kinds: dict[str, list[np.ndarray]] = {}
    for kind, picture in generated:
        kinds.setdefault(kind, []).append(images.decode(nonpets.as_png(picture), model.size, model.colour))
    rows = [(kind, scores(model, np.stack(pics), None)) for kind, pics in kinds.items()]
    rows.append(("all generated", scores(model, np.stack([p for pics in kinds.values() for p in pics]), None)))
    try:
        from sklearn.datasets import load_sample_images
    except ImportError:
        return rows
    photos = [images.decode(nonpets.as_png(pic), model.size, model.colour) for pic in load_sample_images().images]
    rows.append(("scikit-learn's photos (temple, flower)", scores(model, np.stack(photos), None)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get(pet_data.ENV_DATA))
    parser.add_argument("--model", default="cnn")
    parser.add_argument("--extra", default=os.environ.get(ENV_EXTRA))
    args = parser.parse_args()
    model = resolve(args.model)
    print(f"model: {model.describe()}; T = {model.temperature:.3f}, unsure band {model.unsure_band}\n")
    if args.data:
        print("| distortion | what | accuracy | ECE | called unsure | accuracy of the rest | novel |")
        print("|---|---|---|---|---|---|---|")
        for name, what, s in distorted_test(model, Path(args.data)):
            print(f"| {name} | {what} | {s['accuracy']:.1%} | {s['ece']:.3f} | {s['unsure']:.0%} | "
                  f"{s['sure_accuracy']:.1%} | {s['novel']:.0%} |")
        print()
    if args.extra and Path(args.extra).is_dir():
        found = pet_data.find_photos(args.extra, test_fraction=0.5)
        items = found["train"] + found["test"]
        pictures = np.stack([images.decode(path.read_bytes(), model.size, model.colour) for path, _ in items])
        s = scores(model, pictures, np.array([y for _, y in items]))
        print(f"other photos ({len(items)}): accuracy {s['accuracy']:.1%}, ECE {s['ece']:.3f}, "
              f"unsure {s['unsure']:.0%}, accuracy of the rest {s['sure_accuracy']:.1%}\n")
    else:
        print(f"no folder of other photos (--extra or ${ENV_EXTRA}): skipped\n")
    print("| pictures with no animal | n | called unsure | of which far from anything seen |")
    print("|---|---|---|---|")
    for kind, s in no_animal(model):
        print(f"| {kind} | {s['n']} | {s['unsure']:.0%} | {s['novel']:.0%} |")
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
