"""Photos to arrays: decode any image Pillow opens into a small S×S picture with values in [0, 1].

    x = decode(data, size=64)              # (64, 64, 3) float32, RGB
    X = to_features(x[None])               # (1, 12288): one row per photo, as the network wants

Every problem with the input (empty, not an image, truncated, a decompression bomb, too small)
raises ``ImageError`` with a plain message and a ``kind``.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ImageError

DEFAULT_SIZE = 64
# A 12 MP phone photo is fine; anything over ~40 MP is refused before its pixels are decoded.
MAX_PIXELS = 40_000_000
MIN_SIDE = 8
COLOURS = {"rgb": 3, "grey": 1}
WHITE = (255, 255, 255)


def decode(data: bytes, size: int = DEFAULT_SIZE, colour: str = "rgb") -> np.ndarray:
    """Bytes of an image file → centre-cropped S×S picture x with x[i, j, c] ∈ [0, 1].

    Applies the EXIF orientation, composites transparency on white, converts every mode (CMYK,
    16-bit, palette, grey, …) to RGB (or grey: L = 0.299 R + 0.587 G + 0.114 B), crops the
    central square and resizes it to ``size`` × ``size``. Only the first frame of an animation.

    Returns
    -------
    float32 array (size, size, 3) for colour="rgb", (size, size, 1) for colour="grey"
    """
    channels = _check_colour(colour)
    if not isinstance(size, (int, np.integer)) or size < MIN_SIDE:
        raise ValueError(f"size must be a whole number ≥ {MIN_SIDE}; got {size!r}.")
    img = open_image(data)
    try:
        img = _to_rgb(_load_oriented(img, size))
        img = _centre_square(img, size)
        if channels == 1:
            img = img.convert("L")
        x = np.asarray(img, dtype=np.float32) / np.float32(255)
    finally:
        img.close()
    return x.reshape(size, size, channels)


def open_image(data: bytes) -> Image.Image:
    """Open (but do not decode) an image, refusing empty data, non-images and bombs; (W, H) ≥ 8×8."""
    if data is None or len(data) == 0:
        raise ImageError("The file is empty (0 bytes). Choose a photo file.", "empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(bytes(data)))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except UnidentifiedImageError:
        raise ImageError("This file is not an image Pillow can read (JPEG, PNG, WebP, BMP, TIFF "
                         "or GIF). Is it a photo?", "not_image") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"The image is damaged or truncated and cannot be read ({exc}).",
                         "truncated") from None
    width, height = img.size
    if width * height > MAX_PIXELS:
        img.close()
        raise _too_large(width, height)
    if width < MIN_SIDE or height < MIN_SIDE:
        img.close()
        raise ImageError(f"The image is only {width}×{height} pixels; it needs at least "
                         f"{MIN_SIDE}×{MIN_SIDE}.", "too_small")
    return img


def to_features(images: np.ndarray) -> np.ndarray:
    """Flatten pictures to rows: (n, S, S, C) → X (n, S·S·C), row-major (pixel by pixel, channel last)."""
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (n, S, S, C); got {images.shape}.")
    return images.reshape(len(images), -1)


def to_images(X: np.ndarray, size: int, colour: str = "rgb") -> np.ndarray:
    """Undo ``to_features``: X (n, S·S·C) → (n, S, S, C)."""
    channels = _check_colour(colour)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != size * size * channels:
        raise ValueError(f"X must have shape (n, {size * size * channels}) for {size}×{size} "
                         f"{colour} pictures; got {X.shape}.")
    return X.reshape(len(X), size, size, channels)


def _check_colour(colour: str) -> int:
    try:
        return COLOURS[colour]
    except KeyError:
        raise ValueError(f"colour must be one of {sorted(COLOURS)}; got {colour!r}.") from None


def _too_large(width: int | None = None, height: int | None = None) -> ImageError:
    what = f"{width}×{height} = {width * height / 1e6:.0f} megapixels" if width else "too many pixels"
    return ImageError(f"The image is too large ({what}); the limit is {MAX_PIXELS / 1e6:.0f} "
                      "megapixels. Resize it first.", "too_large")


def _load_oriented(img: Image.Image, size: int) -> Image.Image:
    """Decode the pixels (first frame only) and apply the EXIF orientation.

    JPEG draft mode lets libjpeg decode at 1/2, 1/4 or 1/8 scale while both sides stay ≥ size,
    which makes a 12 MP photo ~20× cheaper to decode.
    """
    if img.format == "JPEG" and img.mode in ("RGB", "L", "CMYK"):
        img.draft(img.mode, (size, size))
    try:
        img.seek(0)
        img.load()
        oriented = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"The image is damaged or truncated and cannot be read ({exc}).",
                         "truncated") from None
    return oriented if oriented is not None else img


def _centre_square(img: Image.Image, size: int) -> Image.Image:
    """Crop the largest central square and resize it to size × size (antialiased)."""
    width, height = img.size
    side = min(width, height)
    left, top = (width - side) / 2, (height - side) / 2
    return img.resize((size, size), Image.Resampling.LANCZOS, box=(left, top, left + side, top + side),
                      reducing_gap=3.0)


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any Pillow mode → RGB, alpha composited on white, 16/32-bit and float scaled to 0…255."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        peak = a.max(initial=0)
        top = 1.0 if img.mode == "F" and peak <= 1.0 else (255.0 if peak <= 255 else 65535.0)
        img = Image.fromarray(np.clip(a / top * 255.0, 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "La", "RGBa", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, WHITE + (255,))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")
