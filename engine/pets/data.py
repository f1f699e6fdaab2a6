"""Load a folder of cat and dog photos into arrays, with an on-disk cache so the second load is instant.

Layouts understood (folder names are case-insensitive, "cats"/"dogs" also work):

    DIR/train/cat/*.jpg, DIR/train/dog/*.jpg, DIR/test/… (or validation/…)   split folders
    DIR/train/cat.123.jpg, DIR/train/dog.45.jpg                               Kaggle's flat layout
    DIR/Cat/*.jpg, DIR/Dog/*.jpg (or DIR/PetImages/Cat …)                     Microsoft's PetImages

Without a labelled test folder, a seeded ``test_fraction`` of the training photos is held out as
the test set. Labels: y = 1 is dog, y = 0 is cat. Files that fail to decode are skipped and counted.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import images
from ..errors import DatasetError, ImageError

ENV_DATA = "NEURONLAB_PETS_DATA"
ENV_CACHE = "NEURONLAB_CACHE"
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "pets"
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
LABELS = {"cat": 0, "cats": 0, "dog": 1, "dogs": 1}
CACHE_VERSION = 1

Progress = Callable[[int, int], None]


@dataclass
class PetData:
    """Photos as uint8 pictures (n, S, S, C) and labels y (n,) with 1 = dog, 0 = cat."""

    images_train: np.ndarray
    y_train: np.ndarray
    images_test: np.ndarray
    y_test: np.ndarray
    paths_train: list[str]
    paths_test: list[str]
    size: int
    colour: str
    source: str
    skipped: list[tuple[str, str]] = field(default_factory=list)
    from_cache: bool = False

    @property
    def X_train(self) -> np.ndarray:
        """Training rows X (n, S·S·C), float32 in [0, 1]."""
        return _features(self.images_train)

    @property
    def X_test(self) -> np.ndarray:
        """Test rows X (n, S·S·C), float32 in [0, 1]."""
        return _features(self.images_test)

    def description(self) -> dict:
        """What a model file records of its data, with no machine's path in it: {"name": the folder's name,
        "photos": how many were read, "fingerprint": the first 16 hex digits of SHA-256 over the sorted
        list of "split/relative path/label" lines}. The same photos give the same fingerprint anywhere."""
        lines = sorted(f"{split}/{path}/{int(y)}"
                       for split, paths, ys in (("train", self.paths_train, self.y_train),
                                                ("test", self.paths_test, self.y_test))
                       for path, y in zip(paths, ys))
        return {"name": Path(self.source).name, "photos": len(lines),
                "fingerprint": hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]}

    def summary(self) -> str:
        """One line: counts per split and class, and how many files were skipped."""
        n_dog_tr, n_dog_te = int(self.y_train.sum()), int(self.y_test.sum())
        return (f"train {len(self.y_train)} ({len(self.y_train) - n_dog_tr} cats, {n_dog_tr} dogs), "
                f"test {len(self.y_test)} ({len(self.y_test) - n_dog_te} cats, {n_dog_te} dogs), "
                f"{self.size}×{self.size} {self.colour}, {len(self.skipped)} bad files skipped")


def configured_root() -> Path | None:
    """The data folder named by $NEURONLAB_PETS_DATA if it exists, else None."""
    value = os.environ.get(ENV_DATA, "").strip()
    root = Path(value).expanduser()
    return root if value and root.is_dir() else None


def find_photos(root: str | Path, test_fraction: float = 0.2, seed: int = 0,
                max_per_class: int | None = None) -> dict[str, list[tuple[Path, int]]]:
    """{"train": [(path, y), …], "test": […]} for one of the layouts above, sorted, optionally capped."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DatasetError(f"The data folder {str(root)!r} does not exist. Set {ENV_DATA} or --data "
                           "to a folder with train/cat and train/dog inside.")
    train_dir = _child(root, "train")
    test_dir = _child(root, "test") or _child(root, "validation")
    train = _labelled(train_dir) if train_dir else []
    test = _labelled(test_dir) if test_dir else []
    if not train:
        pet_root = _child(root, "PetImages") or root
        train = _labelled(pet_root)
    if not train:
        raise DatasetError(f"No labelled cat/dog photos found in {str(root)!r}. Expected train/cat/ and "
                           "train/dog/ folders, Kaggle's train/cat.1.jpg names, or Cat/ and Dog/ folders.")
    if not test:
        if not 0 < test_fraction < 1:
            raise DatasetError("This folder has no test set; give a test_fraction between 0 and 1.")
        keep, held = holdout(len(train), test_fraction, seed)
        test = sorted(train[i] for i in held)
        train = sorted(train[i] for i in keep)
    if max_per_class is not None:
        train, test = _cap(train, max_per_class), _cap(test, max_per_class)
    return {"train": train, "test": test}


def holdout(n: int, fraction: float, seed: int, name: str = "fraction") -> tuple[np.ndarray, np.ndarray]:
    """(kept indices, held-out indices), both sorted: a seeded random ``fraction`` of range(n),
    at least one, is held out. ``name`` is the parameter named in the error message."""
    if not 0 < fraction < 1:
        raise ValueError(f"{name} must be between 0 and 1; got {fraction}.")
    order = np.random.default_rng(seed).permutation(n)
    n_held = max(1, int(round(fraction * n)))
    return np.sort(order[n_held:]), np.sort(order[:n_held])


def load(root: str | Path, size: int = images.DEFAULT_SIZE, colour: str = "rgb",
         cache_dir: str | Path | None = None, progress: Progress | None = None,
         max_per_class: int | None = None, test_fraction: float = 0.2, seed: int = 0) -> PetData:
    """Decode every photo under ``root`` to (S, S, C) pictures, or read them from the cache.

    The cache file is keyed by the folder, its file names, sizes and modification times, ``size``
    and ``colour``; ``progress(done, total)`` is called as photos are decoded.
    """
    channels = images._check_colour(colour)
    root = Path(root).expanduser()
    photos = find_photos(root, test_fraction, seed, max_per_class)
    cache_file = cache_path(root, photos, size, colour, cache_dir)
    if cache_file.exists():
        try:
            return _read_cache(cache_file, size, colour, str(root))
        except (OSError, ValueError, KeyError):
            pass  # a damaged or stale cache is rebuilt below
    total = len(photos["train"]) + len(photos["test"])
    done = 0
    every = max(1, total // 100)
    arrays: dict[str, np.ndarray] = {}
    skipped: list[tuple[str, str]] = []
    for split, items in photos.items():
        pics, ys, names = [], [], []
        for path, y in items:
            rel = path.relative_to(root).as_posix()
            try:
                x = images.decode(path.read_bytes(), size, colour)
            except (ImageError, OSError) as exc:
                skipped.append((rel, str(exc)))
            else:
                pics.append(np.round(x * 255).astype(np.uint8))
                ys.append(y)
                names.append(rel)
            done += 1
            if progress and (done % every == 0 or done == total):
                progress(done, total)
        arrays[f"images_{split}"] = (np.stack(pics) if pics else
                                     np.zeros((0, size, size, channels), np.uint8))
        arrays[f"y_{split}"] = np.array(ys, dtype=np.uint8)
        arrays[f"paths_{split}"] = np.array(names, dtype=str)
    if len(arrays["y_train"]) == 0 or len(arrays["y_test"]) == 0:
        raise DatasetError(f"No photo in {str(root)!r} could be decoded ({len(skipped)} bad files).")
    arrays["skipped"] = np.array([f"{p}\t{r}" for p, r in skipped], dtype=str)
    _write_cache(cache_file, arrays)
    return _from_arrays(arrays, size, colour, str(root))


def cache_path(root: Path, photos: dict, size: int, colour: str, cache_dir=None) -> Path:
    """Where ``load`` keeps the decoded pictures: <cache>/pets_<S>_<colour>_<hash>.npz."""
    listing = []
    for split, items in photos.items():
        for path, y in items:
            st = path.stat()
            listing.append((split, path.relative_to(root).as_posix(), y, st.st_size, st.st_mtime_ns))
    key = json.dumps([CACHE_VERSION, str(root.resolve()), size, colour, listing])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = Path(cache_dir or os.environ.get(ENV_CACHE) or DEFAULT_CACHE)
    return folder / f"pets_{size}_{colour}_{digest}.npz"


def is_cached(root: str | Path, size: int = images.DEFAULT_SIZE, colour: str = "rgb",
              cache_dir=None, **find_kwargs) -> bool:
    """True when ``load`` with these arguments would read the cache instead of decoding."""
    root = Path(root).expanduser()
    return cache_path(root, find_photos(root, **find_kwargs), size, colour, cache_dir).exists()


def _features(pictures: np.ndarray) -> np.ndarray:
    return images.to_features(pictures).astype(np.float32) / np.float32(255)


def _child(folder: Path, name: str) -> Path | None:
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if entry.is_dir() and entry.name.lower() == name.lower():
            return entry
    return None


def _labelled(folder: Path) -> list[tuple[Path, int]]:
    """Photos in cat/ and dog/ sub-folders, or named cat.N.ext / dog.N.ext directly in ``folder``."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and entry.name.lower() in LABELS:
            found += [(p, LABELS[entry.name.lower()]) for p in sorted(entry.iterdir()) if _is_photo(p)]
        elif _is_photo(entry):
            prefix = entry.name.split(".", 1)[0].lower()
            if prefix in LABELS:
                found.append((entry, LABELS[prefix]))
    return found


def _is_photo(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith(".")


def _cap(items: list[tuple[Path, int]], n: int) -> list[tuple[Path, int]]:
    counts = {0: 0, 1: 0}
    kept = []
    for path, y in items:
        if counts[y] < n:
            kept.append((path, y))
            counts[y] += 1
    return kept


def _write_cache(path: Path, arrays: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # One temporary file per process and thread: a class's sessions decode the same photos at once.
    tmp = path.with_suffix(f".tmp{os.getpid()}_{threading.get_ident()}.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def _read_cache(path: Path, size: int, colour: str, source: str) -> PetData:
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    data = _from_arrays(arrays, size, colour, source)
    data.from_cache = True
    return data


def _from_arrays(arrays: dict, size: int, colour: str, source: str) -> PetData:
    skipped = [tuple(s.split("\t", 1)) for s in arrays["skipped"].tolist()]
    return PetData(images_train=arrays["images_train"], y_train=arrays["y_train"].astype(int),
                   images_test=arrays["images_test"], y_test=arrays["y_test"].astype(int),
                   paths_train=arrays["paths_train"].tolist(), paths_test=arrays["paths_test"].tolist(),
                   size=size, colour=colour, source=source, skipped=skipped)
