"""Benchmark: "Your own classes" (chapter 6) trains on 3 classes × 15 photos in ≤ 5 s, feature extraction
included (target from issue #25).

Run: python benchmarks/own_classes.py [--repeats 5] [--per-class 15] [--side 480] [--fine-tune]

The photos are generated (lessons.transfer.sample_photos: stripes, discs, checks) as side × side JPEGs,
about a webcam frame's pixels. Timed, each repeat: decoding the photos to the 64×64 pictures the conv net
sees (the page does this once per photo, when it is added), the frozen features of every training photo,
its mirror image and every held-out photo through the bundled conv net, and training the softmax head
(default settings: 60 full-batch Adam epochs) with the held-out photos scored every epoch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import images  # noqa: E402
from engine.pets.models import load_bundled  # noqa: E402
from lessons import transfer  # noqa: E402


def one_run(backbone: transfer.Backbone, photos: list[tuple[int, bytes]], settings: transfer.Settings) -> dict:
    model = backbone.model
    start = time.perf_counter()
    pictures = np.stack([images.decode(data, model.size, model.colour) for _, data in photos])
    y = np.array([k for k, _ in photos])
    decoded = time.perf_counter()
    run = transfer.OwnClasses.start(backbone, pictures, y, list(transfer.KINDS)[:y.max() + 1], settings)
    extracted = time.perf_counter()
    for _ in run.training:
        pass
    trained = time.perf_counter()
    return {"decode": decoded - start, "features": extracted - decoded, "train": trained - extracted,
            "total": trained - start, "held-out accuracy": run.held_out().accuracy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-class", type=int, default=15)
    parser.add_argument("--classes", type=int, default=3, choices=(2, 3))
    parser.add_argument("--side", type=int, default=480, help="side of the generated JPEGs, in pixels")
    parser.add_argument("--fine-tune", action="store_true", help="also train the last conv block")
    args = parser.parse_args()
    backbone = transfer.Backbone(load_bundled("cnn"))
    settings = transfer.Settings(fine_tune=args.fine_tune)
    photos = [(k, data) for k, kind in enumerate(transfer.KINDS[:args.classes])
              for data in transfer.sample_photos(kind, args.per_class, seed=1, size=args.side)]
    one_run(backbone, photos[::3], settings)  # warm-up: imports, work buffers
    runs = [one_run(backbone, photos, settings) for _ in range(args.repeats)]
    print(f"{args.classes} classes × {args.per_class} photos ({args.side}×{args.side} JPEG), "
          f"{'fine-tuning the last block' if args.fine_tune else 'frozen features'}, {settings.epochs} epochs, "
          f"{args.repeats} runs; load average {os.getloadavg()[0]:.2f} at the end")
    for key in ("decode", "features", "train", "total"):
        values = [r[key] for r in runs]
        print(f"  {key:9s} median {statistics.median(values):.2f} s   (min {min(values):.2f}, max {max(values):.2f})")
    print(f"  held-out accuracy {statistics.mean(r['held-out accuracy'] for r in runs):.3f}; target: total ≤ 5 s "
          f"→ {'met' if statistics.median(r['total'] for r in runs) <= 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
