"""engine.pets.data: both folder layouts on tiny generated photos, bad files skipped, the cache reused."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.errors import DatasetError
from engine.pets import data as pet_data

CAT_RGB, DOG_RGB = (230, 150, 20), (10, 90, 200)


def jpeg(colour, size=(24, 16)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def folder_layout(root: Path, n_train=3, n_test=2) -> Path:
    for split, n in (("train", n_train), ("test", n_test)):
        for label, colour in (("cat", CAT_RGB), ("dog", DOG_RGB)):
            for i in range(n):
                write(root / split / label / f"{label}.{i}.jpg", jpeg(colour))
    return root


def flat_layout(root: Path, n=5) -> Path:
    for label, colour in (("cat", CAT_RGB), ("dog", DOG_RGB)):
        for i in range(n):
            write(root / "train" / f"{label}.{i}.jpg", jpeg(colour))
    write(root / "test1" / "1.jpg", jpeg(CAT_RGB))  # Kaggle's unlabelled test folder is ignored
    return root


def test_folder_layout_loads_labels_from_folder_names(tmp_path):
    d = pet_data.load(folder_layout(tmp_path / "pets"), size=8, cache_dir=tmp_path / "cache")
    assert d.images_train.shape == (6, 8, 8, 3) and d.images_train.dtype == np.uint8
    assert d.images_test.shape == (4, 8, 8, 3)
    assert sorted(d.y_train.tolist()) == [0, 0, 0, 1, 1, 1]
    # Every dog picture is blue, every cat orange: labels match the pixels.
    blue = d.images_train[..., 2].mean(axis=(1, 2)) > 128
    np.testing.assert_array_equal(blue, d.y_train == 1)
    assert d.X_train.shape == (6, 192) and d.X_train.max() <= 1.0
    assert d.skipped == []


def test_plural_and_capitalised_folder_names_work(tmp_path):
    for split in ("train", "validation"):
        write(tmp_path / split / "Cats" / "a.jpg", jpeg(CAT_RGB))
        write(tmp_path / split / "Dogs" / "b.jpg", jpeg(DOG_RGB))
    d = pet_data.load(tmp_path, size=8, cache_dir=tmp_path / "cache")
    assert d.y_train.tolist() == [0, 1] and d.y_test.tolist() == [0, 1]


def test_kaggle_flat_layout_labels_by_file_name_and_holds_out_a_test_split(tmp_path):
    d = pet_data.load(flat_layout(tmp_path / "kaggle"), size=8, cache_dir=tmp_path / "cache",
                      test_fraction=0.2)
    assert len(d.y_train) == 8 and len(d.y_test) == 2
    assert not set(d.paths_train) & set(d.paths_test)
    for path, y in zip(d.paths_train + d.paths_test, np.r_[d.y_train, d.y_test]):
        assert Path(path).name.startswith("dog" if y == 1 else "cat")


def test_petimages_layout_without_split_is_found(tmp_path):
    for i in range(4):
        write(tmp_path / "PetImages" / "Cat" / f"{i}.jpg", jpeg(CAT_RGB))
        write(tmp_path / "PetImages" / "Dog" / f"{i}.jpg", jpeg(DOG_RGB))
    d = pet_data.load(tmp_path, size=8, cache_dir=tmp_path / "cache", test_fraction=0.25)
    assert len(d.y_train) + len(d.y_test) == 8 and len(d.y_test) == 2


def test_bad_files_are_skipped_and_counted_not_fatal(tmp_path):
    root = folder_layout(tmp_path / "pets")
    write(root / "train" / "cat" / "broken.jpg", b"not a photo at all")
    write(root / "train" / "dog" / "empty.jpg", b"")
    write(root / "train" / "dog" / "cut.jpg", jpeg(DOG_RGB, (200, 200))[:300])
    (root / "train" / "dog" / "notes.txt").write_text("ignored: not a photo extension")
    d = pet_data.load(root, size=8, cache_dir=tmp_path / "cache")
    assert len(d.y_train) == 6
    assert sorted(Path(p).name for p, _ in d.skipped) == ["broken.jpg", "cut.jpg", "empty.jpg"]
    assert "3 bad files skipped" in d.summary()


def test_second_load_comes_from_the_cache_without_decoding(tmp_path, monkeypatch):
    root = folder_layout(tmp_path / "pets")
    calls = []
    first = pet_data.load(root, size=8, cache_dir=tmp_path / "cache",
                          progress=lambda done, total: calls.append((done, total)))
    assert not first.from_cache and calls[-1] == (10, 10)
    assert pet_data.is_cached(root, 8, cache_dir=tmp_path / "cache")

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded a photo although the cache should have been used")

    monkeypatch.setattr(pet_data.images, "decode", no_decoding)
    second = pet_data.load(root, size=8, cache_dir=tmp_path / "cache")
    assert second.from_cache
    np.testing.assert_array_equal(second.images_train, first.images_train)
    assert second.paths_test == first.paths_test


def test_cache_is_keyed_by_size_colour_and_files(tmp_path):
    root = folder_layout(tmp_path / "pets")
    cache = tmp_path / "cache"
    rgb8 = pet_data.load(root, size=8, cache_dir=cache)
    grey8 = pet_data.load(root, size=8, colour="grey", cache_dir=cache)
    assert grey8.images_train.shape[-1] == 1 and rgb8.images_train.shape[-1] == 3
    write(root / "train" / "dog" / "new.jpg", jpeg(DOG_RGB))
    assert not pet_data.is_cached(root, 8, cache_dir=cache)
    assert len(pet_data.load(root, size=8, cache_dir=cache).y_train) == 7
    assert len(list(cache.glob("pets_8_*.npz"))) == 3


def test_max_per_class_caps_each_class(tmp_path):
    d = pet_data.load(folder_layout(tmp_path / "pets", n_train=5), size=8, cache_dir=tmp_path / "c",
                      max_per_class=2)
    assert sorted(d.y_train.tolist()) == [0, 0, 1, 1]


def test_folder_without_photos_raises_dataset_error(tmp_path):
    (tmp_path / "train").mkdir()
    with pytest.raises(DatasetError, match="No labelled cat/dog photos"):
        pet_data.load(tmp_path, size=8, cache_dir=tmp_path / "cache")
    with pytest.raises(DatasetError, match="does not exist"):
        pet_data.load(tmp_path / "missing", size=8)


def test_configured_root_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(pet_data.ENV_DATA, str(tmp_path))
    assert pet_data.configured_root() == tmp_path
    monkeypatch.setenv(pet_data.ENV_DATA, str(tmp_path / "nope"))
    assert pet_data.configured_root() is None
    monkeypatch.delenv(pet_data.ENV_DATA)
    assert pet_data.configured_root() is None
