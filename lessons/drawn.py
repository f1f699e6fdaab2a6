"""A data set placed point by point on the plane (for the playground's "points you place"), and its compact
text form for a page's link, so a lecturer can share "this exact data set".

    X, y = add_point(X, y, 1.2, -0.5, label=2)       # a point of class 2 (or a number, for a regression)
    X, y = remove_near(X, y, 1.25, -0.45)            # the nearest point within ``radius`` goes
    text = encode(X, y, "classes")                   # "c" + base64url: 3 bytes a point, ≤ 801 characters
    X, y, kind = decode(text)                        # ValueError for anything encode would not write

Each point is stored as 3 bytes: x1 and x2 on a grid of GRID over [LO, HI] (256 steps), and its class (0 … 7)
or its number on a grid over [−VALUE_LIMIT, VALUE_LIMIT]. So a decoded set equals the drawn one to within half
a grid step, and encoding it again gives the same text.
"""

from __future__ import annotations

import base64
import binascii
import re

import numpy as np

MAX_POINTS = 200
LO, GRID = -6.4, 0.05                 # coordinates LO, LO + GRID, …, LO + 255·GRID = 6.35
HI = LO + 255 * GRID
MAX_CLASSES = 8
VALUE_LIMIT = 5.0                     # numbers from −5 to 5, in 255 steps
KINDS = {"c": "classes", "r": "regression"}
MAX_CHARS = 1 + 4 * MAX_POINTS        # kind letter + base64 of 3 bytes a point
_TEXT = re.compile(r"^[cr][A-Za-z0-9_-]*$")


def _grid(values: np.ndarray, lo: float, step: float) -> np.ndarray:
    return np.clip(np.round((np.asarray(values, dtype=float) - lo) / step), 0, 255).astype(np.uint8)


def encode(X, y, kind: str = "classes") -> str:
    """The points X (m, 2) with labels y (m,) as link text: "c…" (classes 0 … 7) or "r…" (numbers)."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y).reshape(-1)
    if len(X) != len(y) or len(X) > MAX_POINTS:
        raise ValueError(f"Give at most {MAX_POINTS} points, one label each; got {len(X)} points, {len(y)} labels.")
    if kind == "classes":
        if len(y) and (np.any(y < 0) or np.any(y >= MAX_CLASSES) or np.any(y != np.round(y))):
            raise ValueError(f"Classes are whole numbers 0 … {MAX_CLASSES - 1}.")
        labels = y.astype(np.uint8)
    elif kind == "regression":
        labels = _grid(y, -VALUE_LIMIT, 2 * VALUE_LIMIT / 255)
    else:
        raise ValueError(f"kind is 'classes' or 'regression'; got {kind!r}.")
    payload = np.column_stack([_grid(X[:, 0], LO, GRID), _grid(X[:, 1], LO, GRID), labels]).astype(np.uint8)
    letter = "c" if kind == "classes" else "r"
    return letter + base64.urlsafe_b64encode(payload.tobytes()).decode().rstrip("=")


def decode(text: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(X (m, 2), y (m,), kind) from ``encode``'s text; ValueError for anything else (too long, other
    characters, a broken length, a class beyond 7). y holds ints for classes, floats for numbers."""
    if not isinstance(text, str) or len(text) > MAX_CHARS or not _TEXT.match(text):
        raise ValueError("Not a drawn data set.")
    body = text[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("Not a drawn data set.") from None
    if len(raw) % 3 or len(raw) // 3 > MAX_POINTS:
        raise ValueError("Not a drawn data set.")
    points = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
    X = LO + GRID * points[:, :2].astype(float)
    kind = KINDS[text[0]]
    if kind == "classes":
        if np.any(points[:, 2] >= MAX_CLASSES):
            raise ValueError("Not a drawn data set.")
        return X, points[:, 2].astype(int), kind
    return X, -VALUE_LIMIT + (2 * VALUE_LIMIT / 255) * points[:, 2].astype(float), kind


def add_point(X, y, x1: float, x2: float, label) -> tuple[np.ndarray, np.ndarray]:
    """The set with one more point at (x1, x2), clipped to the plane [LO, HI]²; unchanged when it already
    holds MAX_POINTS."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y).reshape(-1)
    if len(X) >= MAX_POINTS:
        return X, y
    point = np.clip([float(x1), float(x2)], LO, HI)
    return np.vstack([X, point]), np.append(y, label)


def remove_near(X, y, x1: float, x2: float, radius: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """The set without its point nearest to (x1, x2), if that one is within ``radius``; else unchanged."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y).reshape(-1)
    if not len(X):
        return X, y
    d = np.hypot(X[:, 0] - x1, X[:, 1] - x2)
    i = int(np.argmin(d))
    if d[i] > radius:
        return X, y
    keep = np.arange(len(X)) != i
    return X[keep], y[keep]
