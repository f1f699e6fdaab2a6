"""engine.images: every format and mode becomes an S×S RGB picture in [0, 1]; every bad input a named error."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from engine import images
from engine.errors import ImageError


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def halves(width=40, height=40, left=(255, 0, 0), right=(0, 0, 255)) -> Image.Image:
    """Left half one colour, right half another."""
    a = np.zeros((height, width, 3), np.uint8)
    a[:, : width // 2] = left
    a[:, width // 2:] = right
    return Image.fromarray(a)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims width × height (its pixels are never decoded)."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = 8 + 8  # signature, then chunk length and type
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:ihdr + 13]))
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF"])
def test_every_format_decodes_to_a_float_picture_in_0_1(fmt):
    x = images.decode(encode(halves(50, 30), fmt), size=16)
    assert x.shape == (16, 16, 3) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    # Left half red, right half blue survive the round trip (lossy formats: approximately).
    assert x[8, 2, 0] > 0.8 and x[8, 2, 2] < 0.2
    assert x[8, 13, 2] > 0.8 and x[8, 13, 0] < 0.2


def test_grey_mode_gives_one_channel_with_luma_weights():
    x = images.decode(encode(Image.new("RGB", (20, 20), (255, 0, 0)), "PNG"), size=8, colour="grey")
    assert x.shape == (8, 8, 1)
    assert x[0, 0, 0] == pytest.approx(round(0.299 * 255) / 255, abs=1 / 255)


def test_transparent_pixels_are_composited_on_white():
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (0, 0, 10, 20))
    x = images.decode(encode(img, "PNG"), size=10)
    np.testing.assert_allclose(x[:, 7:], 1.0, atol=0.01)  # transparent right half → white
    np.testing.assert_allclose(x[:, :3], 0.0, atol=0.01)  # opaque black left half stays black


def test_palette_with_transparency_is_composited_on_white():
    img = Image.new("P", (20, 20), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.info["transparency"] = 0
    x = images.decode(encode(img, "PNG", transparency=0), size=8)
    np.testing.assert_allclose(x, 1.0)


def test_cmyk_jpeg_is_converted_to_rgb():
    x = images.decode(encode(Image.new("CMYK", (20, 20), (0, 255, 255, 0)), "JPEG"), size=8)
    assert x.shape == (8, 8, 3)
    assert x[4, 4, 0] > 0.8 and x[4, 4, 1] < 0.2  # C = 0, M = Y = 100 % is red


def test_16_bit_grey_png_is_scaled_not_clipped():
    a = np.full((20, 20), 32768, dtype=np.uint16)
    x = images.decode(encode(Image.fromarray(a), "PNG"), size=8)
    assert x[0, 0, 0] == pytest.approx(0.5, abs=0.01)


def test_exif_orientation_is_applied():
    img = halves(40, 20)  # red left, blue right, landscape
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    x = images.decode(encode(img, "JPEG", exif=exif.tobytes(), quality=95), size=16)
    # After a clockwise quarter turn the red half is on top and blue at the bottom.
    assert x[1, 8, 0] > 0.8 and x[14, 8, 2] > 0.8


def test_first_frame_of_an_animated_gif():
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    x = images.decode(data, size=8)
    assert x[4, 4, 0] > 0.9 and x[4, 4, 2] < 0.1


def test_centre_crop_keeps_the_middle_of_a_wide_photo():
    a = np.zeros((20, 60, 3), np.uint8)
    a[:, 20:40] = 255  # a white middle third, black sides
    x = images.decode(encode(Image.fromarray(a), "PNG"), size=10)
    np.testing.assert_allclose(x[:, 1:-1], 1.0, atol=0.01)
    assert x.min() > 0.9  # the black sides were cropped away (the filter only grazes them)


def test_large_jpeg_uses_draft_mode_and_still_gives_size_by_size():
    x = images.decode(encode(halves(2000, 1500), "JPEG"), size=64)
    assert x.shape == (64, 64, 3)


@pytest.mark.parametrize("data, kind", [
    (b"", "empty"),
    (b"this is a text file renamed .jpg\n", "not_image"),
    (encode(halves(200, 200), "JPEG")[:600], "truncated"),
    (png_claiming_size(8000, 6000), "too_large"),
    (png_claiming_size(20000, 20000), "too_large"),  # beyond Pillow's own bomb limit too
    (encode(Image.new("RGB", (7, 50)), "PNG"), "too_small"),
])
def test_bad_input_raises_image_error_of_its_kind(data, kind):
    with pytest.raises(ImageError) as info:
        images.decode(data)
    assert info.value.kind == kind
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) > 20


def test_features_and_images_round_trip_row_major():
    pics = np.arange(2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)
    X = images.to_features(pics)
    assert X.shape == (2, 48)
    assert X[1, 3] == pics[1, 0, 1, 0]  # pixel by pixel, channel last
    np.testing.assert_array_equal(images.to_images(X, 4), pics)
