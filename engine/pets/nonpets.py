"""Pictures with no animal in them, drawn from a seed: what the pets model should call "unsure".

    pictures = nonpets.generate(seed=0)      # [(kind, uint8 (256, 256, 3)), …], 5 of each kind

Kinds: noise, smooth noise (clouds), gradients, radial gradients, shapes, text, checkerboards,
stripes, flat colours, a sky with clouds, grass, bricks. Nothing is downloaded; no licence applies.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIDE = 256


def _smooth(rng: np.random.Generator, cells: int, channels: int = 3) -> np.ndarray:
    """Random values on a coarse grid, enlarged smoothly to SIDE × SIDE: (SIDE, SIDE, channels) in [0, 1]."""
    coarse = (rng.random((cells, cells, channels)) * 255).astype(np.uint8)
    image = Image.fromarray(coarse.squeeze(-1) if channels == 1 else coarse)
    return np.asarray(image.resize((SIDE, SIDE), Image.Resampling.BICUBIC), dtype=np.float64).reshape(
        SIDE, SIDE, channels) / 255


def _noise(rng):
    return rng.random((SIDE, SIDE, 3))


def _clouds(rng):
    return sum(_smooth(rng, c) / 2 ** i for i, c in enumerate((4, 8, 16, 32))) / 1.875


def _gradient(rng):
    y, x = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1)
    t = np.cos(rng.uniform(0, np.pi)) * x + np.sin(rng.uniform(0, np.pi)) * y
    t = (t - t.min()) / (np.ptp(t) or 1)
    a, b = rng.random(3), rng.random(3)
    return a + t[..., None] * (b - a)


def _radial(rng):
    y, x = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1)
    r = np.hypot(x - rng.uniform(0.2, 0.8), y - rng.uniform(0.2, 0.8))
    t = (r / r.max())[..., None]
    a, b = rng.random(3), rng.random(3)
    return a + t * (b - a)


def _draw(rng, paint) -> np.ndarray:
    image = Image.new("RGB", (SIDE, SIDE), tuple(int(v) for v in rng.integers(0, 256, 3)))
    paint(ImageDraw.Draw(image), rng)
    return np.asarray(image, dtype=np.float64) / 255


def _colour(rng) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def _shapes(rng):
    def paint(draw, rng):
        for _ in range(rng.integers(3, 9)):
            x0, y0 = rng.integers(0, SIDE - 40, 2)
            x1, y1 = x0 + rng.integers(20, 140), y0 + rng.integers(20, 140)
            box = [int(x0), int(y0), int(x1), int(y1)]
            if rng.random() < 0.5:
                draw.rectangle(box, fill=_colour(rng))
            else:
                draw.ellipse(box, fill=_colour(rng))
    return _draw(rng, paint)


def _text(rng):
    font = ImageFont.load_default(size=int(rng.integers(18, 40)))
    words = ["Neuron Lab", "gradient", "z = w·x + b", "sigmoid", "2 + 2 = 4", "hello", "cost J", "ReLU"]

    def paint(draw, rng):
        for row in range(int(rng.integers(3, 7))):
            draw.text((int(rng.integers(0, 60)), 10 + row * 42), str(rng.choice(words)), fill=_colour(rng), font=font)
    return _draw(rng, paint)


def _checkerboard(rng):
    y, x = np.mgrid[0:SIDE, 0:SIDE]
    n = int(rng.integers(4, 17))
    on = ((x * n // SIDE + y * n // SIDE) % 2)[..., None]
    a, b = rng.random(3), rng.random(3)
    return np.where(on, a, b)


def _stripes(rng):
    y, x = np.mgrid[0:SIDE, 0:SIDE] / SIDE
    angle = rng.uniform(0, np.pi)
    t = np.cos(angle) * x + np.sin(angle) * y
    on = ((t * rng.integers(4, 20)) % 1 < 0.5)[..., None]
    return np.where(on, rng.random(3), rng.random(3))


def _flat(rng):
    return np.broadcast_to(rng.random(3), (SIDE, SIDE, 3)).copy()


def _sky(rng):
    y = np.linspace(0, 1, SIDE)[:, None, None]
    blue = np.array([0.25, 0.5, 0.9]) * (1 - 0.4 * y) + np.array([0.7, 0.8, 0.95]) * 0.4 * y
    cloud = np.clip(_smooth(rng, 8, 1) * 1.8 - 0.9, 0, 1)
    return blue * (1 - cloud) + cloud


def _grass(rng):
    base = np.array([0.2, 0.5, 0.15]) * (0.6 + 0.5 * _smooth(rng, 64, 1))
    return np.clip(base + rng.normal(0, 0.05, (SIDE, SIDE, 3)), 0, 1)


def _bricks(rng):
    brick, mortar = np.array([0.6, 0.25, 0.15]) * rng.uniform(0.8, 1.2), np.array([0.8, 0.78, 0.72])
    y, x = np.mgrid[0:SIDE, 0:SIDE]
    h, w = int(rng.integers(16, 32)), int(rng.integers(40, 70))
    row = y // h
    joint = ((y % h) < 3) | (((x + (row % 2) * w // 2) % w) < 3)
    return np.where(joint[..., None], mortar, brick * (0.85 + 0.3 * _smooth(rng, 16, 1)))


KINDS = {"noise": _noise, "clouds": _clouds, "gradient": _gradient, "radial gradient": _radial,
         "shapes": _shapes, "text": _text, "checkerboard": _checkerboard, "stripes": _stripes,
         "flat colour": _flat, "sky": _sky, "grass": _grass, "bricks": _bricks}


def generate(per_kind: int = 5, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """``per_kind`` pictures of every kind: [(kind, uint8 (SIDE, SIDE, 3))], all from ``seed``."""
    rng = np.random.default_rng(seed)
    out = []
    for kind, make in KINDS.items():
        for _ in range(per_kind):
            out.append((kind, np.round(np.clip(make(rng), 0, 1) * 255).astype(np.uint8)))
    return out


def as_png(picture: np.ndarray) -> bytes:
    """A picture as PNG bytes, so it reaches a model through the app's own decoder, like an upload."""
    buf = io.BytesIO()
    Image.fromarray(picture).save(buf, "PNG")
    return buf.getvalue()
