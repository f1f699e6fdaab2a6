"""Data augmentation for the conv net, and the distortions of the hard test set.

Training sees each photo differently every epoch: a random part of it (a random resized crop of a
larger copy, so the crop keeps its detail), turned by a small angle, mirrored half the time, with
its brightness, contrast and saturation jittered and now and then drained of colour. A cat stays a cat
under all of these, so the network has to learn what does not change.

    pictures = augment_epoch(source, size=64, rng=rng, settings=Augmentation())   # (n, 64, 64, 3) in [0, 1]

``DISTORTIONS`` are the hard test: what a user's camera and upload do to a photo (a tighter crop, a
tilt, a colour cast, heavy JPEG compression, greyscale, darkness, blur, noise), applied to the full
photo before the app's own decoding. They are never used to train or to choose anything.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter


@dataclass(frozen=True)
class Augmentation:
    """How strongly each epoch's pictures are changed.

    crop_area: the crop covers a random share of the source's area in [crop_area, 1], with an aspect
    ratio in [3/4, 4/3]; rotate: degrees, uniform in ±rotate; jitter: brightness, contrast and
    saturation factors uniform in [1 − jitter, 1 + jitter]; grey: probability of a grey picture.
    """

    crop_area: float = 0.35
    rotate: float = 12.0
    jitter: float = 0.3
    grey: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


def augment_epoch(source: np.ndarray, size: int, rng: np.random.Generator,
                  settings: Augmentation = Augmentation()) -> np.ndarray:
    """One epoch's pictures: source uint8 (n, S₀, S₀, 3) → float32 (n, size, size, 3) in [0, 1].

    Each picture is a random resized crop of its source, rotated and mirrored (one affine map, bilinear),
    then colour-jittered. With a source larger than ``size`` the crops keep their detail.
    """
    n = source.shape[0]
    out = np.empty((n, size, size, source.shape[3]), dtype=np.float32)
    for i in range(n):
        out[i] = _crop(source[i], size, rng, settings)
    out *= np.float32(1 / 255)
    return colour_jitter(out, rng, settings.jitter, settings.grey)


def _crop(picture: np.ndarray, size: int, rng: np.random.Generator, s: Augmentation) -> np.ndarray:
    """A random resized crop of one uint8 picture (S₀, S₀, C), rotated by ±rotate° and mirrored half
    the time: Pillow's affine map from output pixels to source pixels, bilinear."""
    S0 = picture.shape[0]
    area = rng.uniform(s.crop_area, 1.0) * S0 * S0
    ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
    w = min(S0, math.sqrt(area * ratio))
    h = min(S0, math.sqrt(area / ratio))
    cx = rng.uniform(w / 2, S0 - w / 2)
    cy = rng.uniform(h / 2, S0 - h / 2)
    angle = math.radians(rng.uniform(-s.rotate, s.rotate))
    flip = -1.0 if rng.random() < 0.5 else 1.0
    # Output pixel (u, v), centred at size/2, maps to the source: centre + R(angle)·(flip·u·w/size, v·h/size).
    sx, sy = flip * w / size, h / size
    cos, sin = math.cos(angle), math.sin(angle)
    a, b = cos * sx, -sin * sy
    d, e = sin * sx, cos * sy
    c = cx - a * size / 2 - b * size / 2
    f = cy - d * size / 2 - e * size / 2
    image = Image.fromarray(picture.squeeze(-1) if picture.shape[2] == 1 else picture)
    moved = image.transform((size, size), Image.Transform.AFFINE, (a, b, c, d, e, f),
                            resample=Image.Resampling.BILINEAR, fillcolor=_edge_colour(picture))
    return np.asarray(moved, dtype=np.float32).reshape(size, size, -1)


def _edge_colour(picture: np.ndarray) -> tuple[int, ...] | int:
    """The mean colour of the picture's border: what a rotation uncovers is filled with it."""
    edge = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]]).mean(axis=0)
    values = tuple(int(v) for v in np.round(edge))
    return values[0] if len(values) == 1 else values


def colour_jitter(pictures: np.ndarray, rng: np.random.Generator, jitter: float, grey: float) -> np.ndarray:
    """In place on float pictures (n, S, S, 3) in [0, 1]: x ← b·x (brightness), then each picture's
    contrast c·(x − mean) + mean, saturation s·(x − luma) + luma, with b, c, s ~ U[1 − jitter, 1 + jitter],
    and with probability ``grey`` x ← luma; clipped to [0, 1]. Luma = 0.299 R + 0.587 G + 0.114 B."""
    n = len(pictures)
    if pictures.shape[3] != 3:
        jitter_b = rng.uniform(1 - jitter, 1 + jitter, (n, 1, 1, 1)).astype(np.float32)
        pictures *= jitter_b
        return np.clip(pictures, 0, 1, out=pictures)
    b, c, s = (rng.uniform(1 - jitter, 1 + jitter, (3, n, 1, 1, 1))).astype(np.float32)
    pictures *= b
    mean = pictures.mean(axis=(1, 2, 3), keepdims=True)
    pictures -= mean
    pictures *= c
    pictures += mean
    luma = pictures @ np.array([0.299, 0.587, 0.114], np.float32)
    luma = luma[..., None]
    s = np.where(rng.random((n, 1, 1, 1)) < grey, np.float32(0), s)
    pictures -= luma
    pictures *= s
    pictures += luma
    return np.clip(pictures, 0, 1, out=pictures)


# -- the hard test: distortions of the full photo, before the app decodes it ----------------------------

def _crop_centre(image: Image.Image, share: float) -> Image.Image:
    w, h = image.size
    cw, ch = w * math.sqrt(share), h * math.sqrt(share)
    return image.crop((round((w - cw) / 2), round((h - ch) / 2), round((w + cw) / 2), round((h + ch) / 2)))


def _crop_corner(image: Image.Image) -> Image.Image:
    """The top-left 70 % × 70 %: the animal is no longer centred."""
    w, h = image.size
    return image.crop((0, 0, round(0.7 * w), round(0.7 * h)))


def _rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.convert("RGB").rotate(degrees, resample=Image.Resampling.BILINEAR, expand=False,
                                       fillcolor=(128, 128, 128))


def _tint(image: Image.Image, gains: tuple[float, float, float]) -> Image.Image:
    a = np.asarray(image.convert("RGB"), dtype=np.float32) * np.array(gains, np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def _noise(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    a = np.asarray(image.convert("RGB"), dtype=np.float32)
    a += np.random.default_rng(seed).normal(0, sigma, a.shape).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


#: name → (what it does, image → image). Each is applied to the photo as a user would upload it.
DISTORTIONS: dict[str, tuple[str, Callable[[Image.Image], Image.Image]]] = {
    "none": ("the photo as it is", lambda im: im),
    "crop_centre_50": ("the central half of the photo (zoomed in)", lambda im: _crop_centre(im, 0.5)),
    "crop_corner": ("the top-left 70 % × 70 % (animal off centre)", _crop_corner),
    "rotate_20": ("turned 20° (grey corners)", lambda im: _rotate(im, 20)),
    "rotate_90": ("turned a quarter (a phone held sideways)", lambda im: im.convert("RGB").transpose(
        Image.Transpose.ROTATE_90)),
    "warm_cast": ("a warm colour cast (R ×1.25, B ×0.7)", lambda im: _tint(im, (1.25, 1.0, 0.7))),
    "cool_cast": ("a cool colour cast (R ×0.7, B ×1.25)", lambda im: _tint(im, (0.7, 1.0, 1.25))),
    "jpeg_20": ("saved again as JPEG at quality 20", lambda im: im.convert("RGB")),
    "grey": ("greyscale", lambda im: im.convert("L").convert("RGB")),
    "dark": ("underexposed (brightness ×0.45)", lambda im: ImageEnhance.Brightness(im.convert("RGB")).enhance(0.45)),
    "low_contrast": ("low contrast (×0.5)", lambda im: ImageEnhance.Contrast(im.convert("RGB")).enhance(0.5)),
    "blur": ("out of focus (Gaussian blur, radius 2 % of the width)",
             lambda im: im.convert("RGB").filter(ImageFilter.GaussianBlur(0.02 * im.size[0]))),
    "noise": ("sensor noise (σ = 25 of 255)", lambda im: _noise(im, 25, 0)),
}


def distort(data: bytes, name: str) -> bytes:
    """The photo file ``data`` with distortion ``name`` applied, as file bytes the app's decoder reads
    exactly as an upload: JPEG at quality 20 for "jpeg_20", else lossless (BMP); "none" is ``data`` itself."""
    if name == "none":
        return data
    _, apply = DISTORTIONS[name]
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        out = apply(image)
    buf = io.BytesIO()
    if name == "jpeg_20":
        out.save(buf, "JPEG", quality=20)
    else:
        out.convert("RGB").save(buf, "BMP")
    return buf.getvalue()
