"""Photos the tests make themselves (never the licensed data set): JPEG bytes and small labelled folders."""

import io
from pathlib import Path

import numpy as np
from PIL import Image

CAT_ORANGE, DOG_BLUE = (220, 140, 40), (30, 80, 210)


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
