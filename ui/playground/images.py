"""Pictures drawn with Pillow for the playground's figures: the network graph's edges and unit tiles (one
image a live chart swaps in a few milliseconds; hover data and axes stay in ``ui.playground.figures``), and
P(dog) over the input plane with the decision boundary. The browser draws the live boundary itself from
the grid of P (``ui/live_frames_frontend/live_frames.js``, ``drawBinary``) with this palette and rule;
``probability_png`` is the reference its drawing is checked against (tests/e2e/test_live_frames.py)."""

from __future__ import annotations

import base64
import functools
import io

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from ui import style

BOUNDARY_UPSCALE = 6    # the probability image is drawn at 6× the grid resolution (smooth, with a crisp ŷ = 0.5 line)
BOUNDARY_LINE = (34, 34, 34)
HEATMAP_OPACITY = 0.85  # how strongly P(dog) tints the white plot (points stay readable on top)


@functools.cache
def probability_palette() -> list[int]:
    """256 palette entries: index i < 255 is the colour of P(dog) = i / 254 (cat orange ↔ white ↔ dog
    blue, tinted onto the white plot at HEATMAP_OPACITY); index 255 is the boundary line."""
    white = np.full(3, 255.0)
    tint = white + HEATMAP_OPACITY * (colour(2 * np.arange(255) / 254 - 1).astype(float) - white)
    return np.vstack([np.round(tint), BOUNDARY_LINE]).astype(np.uint8).ravel().tolist()


@functools.cache
def value_palette() -> list[int]:
    """256 palette entries for a regression's numbers: index i < 255 is Viridis at i / 254 (safe for
    colour-blind viewers, light to dark reads as high to low in grey too), tinted onto the white plot at
    HEATMAP_OPACITY; index 255 is unused (no line)."""
    from plotly.colors import sample_colorscale, unlabel_rgb
    rgb = np.array([unlabel_rgb(c) for c in sample_colorscale("Viridis", list(np.arange(255) / 254))], dtype=float)
    white = np.full(3, 255.0)
    tint = white + HEATMAP_OPACITY * (rgb - white)
    return np.vstack([np.round(tint), BOUNDARY_LINE]).astype(np.uint8).ravel().tolist()


def probability_png(P: np.ndarray, upscale: int = BOUNDARY_UPSCALE) -> str:
    """P(dog) over the plane as a PNG data URI: the cat ↔ white ↔ dog colour scale, upsampled
    bilinearly by ``upscale`` with the ŷ = 0.5 decision boundary drawn in as a dark line.

    P is (r, r) with rows following y (``lessons.grid.plane``); the image's top row is the largest y.
    A palette image (P quantised to 255 levels, one entry for the line) keeps this at a few ms a frame.
    """
    size = (P.shape[0] * upscale,) * 2
    P = np.clip(np.nan_to_num(P, nan=0.5), 0, 1)[::-1]
    levels = np.round(P * 254).astype(np.uint8)
    q = np.array(Image.fromarray(levels, "L").resize(size, Image.Resampling.BILINEAR))
    # The line follows P itself, not the 255 colour levels: where P stays near 0.5 (logistic
    # regression on XOR) the levels are flat steps and the line would come out as a staircase.
    dog = np.asarray(Image.fromarray(P.astype(np.float32), "F").resize(size, Image.Resampling.BILINEAR)) >= 0.5
    line = np.zeros_like(dog)
    line[:, 1:] |= dog[:, 1:] != dog[:, :-1]
    line[1:, :] |= dog[1:, :] != dog[:-1, :]
    for _ in range(2):  # widen to ~5 image pixels: still a clear line when the chart is drawn small
        line[:, :-1] |= line[:, 1:].copy()
        line[:-1, :] |= line[1:, :].copy()
        line[:, 1:] |= line[:, :-1].copy()
        line[1:, :] |= line[:-1, :].copy()
    q[line] = 255
    image = Image.fromarray(q, "P")
    image.putpalette(probability_palette())
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


GRAPH_PX_PER_UNIT = 64  # image pixels per tile width, less when a big network would make the image huge
GRAPH_MAX_PX = (1400, 1100)  # (width, height) cap of the graph image: about its size on screen
_CAT_RGB, _DOG_RGB = ImageColor.getrgb(style.CAT), ImageColor.getrgb(style.DOG)
_CAT, _DOG = np.array(_CAT_RGB, dtype=float), np.array(_DOG_RGB, dtype=float)


def colour(v: np.ndarray) -> np.ndarray:
    """v in [−1, 1] → RGB: cat orange ↔ white ↔ dog blue (the DIVERGING scale), shape (..., 3) uint8."""
    v = np.clip(np.nan_to_num(v), -1, 1)[..., None]
    white = np.full(3, 255.0)
    rgb = np.where(v < 0, white + (-v) * (_CAT - white), white + v * (_DOG - white))
    return rgb.astype(np.uint8)


def _scaled(maps: np.ndarray, centred_at_half: bool) -> np.ndarray:
    """Each unit's map to [−1, 1] for colouring: probabilities around 0.5, others by their own max |a|."""
    if centred_at_half:
        return 2 * maps - 1
    peak = np.max(np.abs(maps), axis=(1, 2), keepdims=True)
    return maps / np.where(peak > 0, peak, 1)


def graph_image(unit_maps, weights, activation_names, xs, ys, extent, output: str = "sigmoid") -> str:
    """Edges, then the unit tiles on top, as one JPEG data URI (white background) covering ``extent``
    (left, right, bottom, top in graph units). Edges are drawn at twice the size and scaled down,
    which smooths them, unless the image is large. The output tiles are probabilities around 0.5 (a
    sigmoid), around 1/k (a softmax of k units) or numbers scaled by their own max |ŷ| (a linear output)."""
    left, right, bottom, top = extent
    scale = min(GRAPH_PX_PER_UNIT, GRAPH_MAX_PX[0] / (right - left), GRAPH_MAX_PX[1] / (top - bottom))
    width, height = int(round((right - left) * scale)), int(round((top - bottom) * scale))
    ss = 2 if width * height <= 600_000 else 1
    edges = Image.new("RGB", (width * ss, height * ss), "white")
    draw = ImageDraw.Draw(edges, "RGBA")  # RGBA fills blend onto the white: overlapping edges stay visible
    peak = max((float(np.max(np.abs(W))) for W in weights if W.size), default=1.0) or 1.0
    lines = []
    for l, W in enumerate(weights):
        x0, x1 = (xs[l] + 0.5 - left) * scale * ss, (xs[l + 1] - 0.5 - left) * scale * ss
        for (i, j), w in np.ndenumerate(W):
            lines.append((abs(w) / peak, w >= 0, x0, (top - ys[l][j]) * scale * ss, x1,
                          (top - ys[l + 1][i]) * scale * ss))
    thickness = ss * max(scale / GRAPH_PX_PER_UNIT, 0.5)
    for strength, positive, ax, ay, bx, by in sorted(lines, key=lambda e: e[0]):  # strongest on top
        rgb = _DOG_RGB if positive else _CAT_RGB
        draw.line([(ax, ay), (bx, by)], fill=(*rgb, int(255 * (0.45 + 0.5 * strength))),
                  width=max(1, int(round((1 + 7 * strength) * thickness))))
    if ss > 1:
        edges = edges.resize((width, height), Image.Resampling.BOX)
    canvas = np.array(edges)
    tile = max(2, int(round(scale)))
    r = unit_maps[0].shape[1]
    idx = (np.arange(tile) * r // tile).astype(int)  # nearest-neighbour upscaling r → tile pixels
    n_layers = len(unit_maps)
    for l, maps in enumerate(unit_maps):
        last = l == n_layers - 1
        centred = (last and output == "sigmoid") or (0 < l < n_layers - 1 and activation_names[l - 1] == "sigmoid")
        if last and output == "softmax":   # P(class k) around the uniform 1/k: white where undecided
            k = maps.shape[0]
            scaled = np.where(maps >= 1 / k, (maps - 1 / k) / (1 - 1 / k), (maps - 1 / k) * k)
        else:
            scaled = _scaled(maps, centred)
        tiles = colour(scaled)[:, ::-1][:, idx][:, :, idx]  # rows top-down, y bottom-up
        col = int(round((xs[l] - 0.5 - left) * scale))
        for u in range(maps.shape[0]):
            row = int(round((top - (ys[l][u] + 0.5)) * scale))
            block = canvas[row:row + tile, col:col + tile]
            block[...] = tiles[u][:block.shape[0], :block.shape[1]]
            block[:, [0, -1]] = 90  # a thin frame
            block[[0, -1], :] = 90
    buf = io.BytesIO()
    # JPEG at full colour resolution: 3 ms and ~120 kB for an 8-8 network, where PNG takes 22 ms.
    Image.fromarray(canvas, "RGB").save(buf, format="JPEG", quality=90, subsampling=0)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


