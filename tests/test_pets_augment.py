"""engine.pets.augment and engine.pets.nonpets: each epoch's random crops and colours, the hard test's
distortions, and the generated pictures with no animal."""

import io

import numpy as np
import pytest
from PIL import Image

from engine import images
from engine.pets import nonpets
from engine.pets.augment import DISTORTIONS, Augmentation, augment_epoch, colour_jitter, distort
from tests.photos import jpeg


def _source(n=6, side=96, seed=0):
    """Smooth pictures with a bright square top-left on a dark ground, so where a crop looks can be seen."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side] / side
    ramp = np.stack([x, y, (x + y) / 2], axis=-1) * 60
    pics = np.repeat(ramp[None], n, axis=0) + rng.uniform(0, 30, (n, 1, 1, 3))
    pics[:, 8:40, 8:40] = 230
    return pics.astype(np.uint8)


def test_an_epoch_is_random_crops_in_range_and_the_same_for_the_same_seed():
    source = _source()
    a = augment_epoch(source, 64, np.random.default_rng(1))
    b = augment_epoch(source, 64, np.random.default_rng(1))
    c = augment_epoch(source, 64, np.random.default_rng(2))
    assert a.shape == (6, 64, 64, 3) and a.dtype == np.float32
    assert 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).mean() > 0.01
    assert len({pic.tobytes() for pic in a}) == 6  # each picture its own crop


def test_without_cropping_turning_or_jitter_the_picture_is_the_source_resized_or_its_mirror():
    source = _source(n=8)
    plain = Augmentation(crop_area=1.0, rotate=0.0, jitter=0.0, grey=0.0)
    out = augment_epoch(source, 48, np.random.default_rng(3), plain)
    resized = np.stack([np.asarray(Image.fromarray(p).resize((48, 48), Image.Resampling.BILINEAR)) for p in source])
    for pic, ref in zip(out, resized / 255):
        # Either way round; bilinear sampling at slightly different pixel centres, so allow a little.
        assert min(np.abs(pic - ref).mean(), np.abs(pic - ref[:, ::-1]).mean()) < 0.05
    bright_left = [pic[:, :24].mean() > pic[:, 24:].mean() for pic in out]
    assert 0 < sum(bright_left) < len(out)  # mirrored about half the time


def test_colour_jitter_keeps_grey_pictures_grey_and_greys_out_at_the_asked_rate():
    rng = np.random.default_rng(4)
    pictures = rng.random((400, 4, 4, 3)).astype(np.float32)
    out = colour_jitter(pictures.copy(), rng, jitter=0.3, grey=0.25)
    grey = np.all(np.ptp(out, axis=-1) < 1e-6, axis=(1, 2))
    assert 0.18 < grey.mean() < 0.32
    flat = np.repeat(rng.random((5, 4, 4, 1)), 3, axis=-1).astype(np.float32)
    jittered = colour_jitter(flat, rng, jitter=0.3, grey=0.0)
    assert np.ptp(jittered, axis=-1).max() < 1e-6  # saturation has nothing to stretch in a grey picture


@pytest.mark.parametrize("name", sorted(DISTORTIONS))
def test_each_distortion_gives_a_file_the_app_decodes(name):
    data = jpeg((180, 120, 60), size=(120, 90), seed=5)
    out = distort(data, name)
    picture = images.decode(out, 32)
    original = images.decode(data, 32)
    assert picture.shape == (32, 32, 3)
    if name == "none":
        np.testing.assert_array_equal(picture, original)
    elif name == "grey":
        assert np.ptp(picture, axis=-1).max() < 1e-6
    with Image.open(io.BytesIO(out)) as image:
        assert image.format == ("JPEG" if name in ("jpeg_20", "none") else "BMP")


def test_generated_pictures_with_no_animal_come_from_the_seed():
    first, again = nonpets.generate(per_kind=2, seed=0), nonpets.generate(per_kind=2, seed=0)
    assert [k for k, _ in first] == [k for k, _ in again]
    assert len(first) == 2 * len(nonpets.KINDS)
    for (_, a), (_, b) in zip(first, again):
        assert a.shape == (nonpets.SIDE, nonpets.SIDE, 3) and a.dtype == np.uint8
        np.testing.assert_array_equal(a, b)
    assert images.decode(nonpets.as_png(first[0][1]), 16).shape == (16, 16, 3)
