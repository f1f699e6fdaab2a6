"""Photos the tests make themselves (never the licensed data set): JPEG bytes and small labelled folders."""

import io
import re
import os
from pathlib import Path

import numpy as np
from PIL import Image

CAT_ORANGE, DOG_BLUE = (220, 140, 40), (30, 80, 210)

# The development photos sit in shared/ beside the repository (never inside it). A fresh clone has no
# shared/, and NEURONLAB_HIDE_SHARED=1 makes the tests take that path here too (.ci/run runs both).
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cats_and_dogs_filtered"
HIDE_SHARED = "NEURONLAB_HIDE_SHARED"


# A verdict as the pages write it: the model's unsure band and its "far from anything seen" test may say
# unsure (engine.pets.models.verdict).
VERDICT = re.compile(r"^(Cat|Dog|Unsure, leans cat|Unsure, leans dog|Unsure: unlike the photos it learned from)"
                     r" · P\(dog\) = (0\.\d\d|1\.00)$")


def leans_right_way(label: str, p: float) -> bool:
    """A cat or dog verdict (sure or leaning) is on the side of 0.5 its P(dog) is; a novel photo has none."""
    if label.startswith("Unsure: unlike"):
        return True
    return label.lower().endswith("dog") == (p >= 0.5) or abs(p - 0.5) < 0.006


def shared_photos() -> Path | None:
    """The shared development photo set, or None on a fresh clone (or with $NEURONLAB_HIDE_SHARED=1)."""
    if os.environ.get(HIDE_SHARED, "") not in ("", "0") or not SHARED.is_dir():
        return None
    return SHARED


def photo_like(path: Path, seed: int = 0, colour=(120, 90, 60), size=(500, 375)) -> Path:
    """A photo-like JPEG (default 500×375) at ``path``: a coloured disc on seeded noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    a = np.clip(rng.normal(120, 40, (h, w, 3)), 0, 255)
    y, x = np.mgrid[0:h, 0:w]
    a[(x - w / 2) ** 2 + (y - h / 2) ** 2 < (0.32 * h) ** 2] = colour
    Image.fromarray(a.astype(np.uint8)).save(path, "JPEG")
    return path


def jpeg(colour, size=(60, 40), seed=None) -> bytes:
    """A size[0]×size[1] JPEG of one colour, with ±30 of seeded noise when ``seed`` is given."""
    a = np.full((size[1], size[0], 3), colour, np.uint8)
    if seed is not None:
        noise = np.random.default_rng(seed).integers(-30, 30, a.shape)
        a = np.clip(a.astype(int) + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG")
    return buf.getvalue()


def photo_folder(root: Path, n_train: int = 10, n_test: int = 5, size=(60, 40)) -> Path:
    """root/{train,test}/{cat,dog}/*.jpg: noisy orange cats and blue dogs, n per class and split."""
    seed = 0
    for split, n in (("train", n_train), ("test", n_test)):
        for label, colour in (("cat", CAT_ORANGE), ("dog", DOG_BLUE)):
            folder = root / split / label
            folder.mkdir(parents=True)
            for i in range(n):
                seed += 1
                (folder / f"{label}.{i}.jpg").write_bytes(jpeg(colour, size, seed=seed))
    return root
