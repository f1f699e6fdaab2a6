"""What a trained network says over a plane of two of its inputs: per-class probabilities (the class
regions) or a surface of numbers. For 2-D data the plane is the whole input; for a table of n inputs it
is two chosen inputs with the other n − 2 held at their means over the training rows.

    m = feature_map(net, prepared, i=0, j=2)     # m.values (r, r, k) or (r, r); m.xs, m.ys in the data's units
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import Network


@dataclass
class PlaneMap:
    """``values[a, b]`` is the network's output at (xs[b], ys[a]) (rows follow y, as a heatmap's z): class
    probabilities (r, r, k) for a classifier (a sigmoid's P(class 1) becomes k = 2 columns), or numbers
    (r, r) for a regression. ``i``, ``j`` are the input columns on the x and y axes."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    i: int = 0
    j: int = 1

    @property
    def classifier(self) -> bool:
        return self.values.ndim == 3

    @property
    def winner(self) -> np.ndarray:
        """(r, r) the most probable class at each point."""
        return self.values.argmax(axis=-1)

    @property
    def confidence(self) -> np.ndarray:
        """(r, r) the winning class's probability, from 1/k (undecided) to 1."""
        return self.values.max(axis=-1)


def outputs(net: Network, X_in: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The network's outputs for the rows X_in (r_y·r_x, n), reshaped to ``shape`` (r_y, r_x): class
    probabilities → (r_y, r_x, k), with a sigmoid's ŷ as [1 − ŷ, ŷ]; numbers → (r_y, r_x)."""
    A = np.asarray(net.forward(X_in), dtype=np.float64)
    if net.output.name == "sigmoid":
        A = np.column_stack([1 - A[:, 0], A[:, 0]])
    if not net.output.classifier:
        return A[:, 0].reshape(shape)
    return A.reshape(*shape, A.shape[1])


def plane_rows(xs: np.ndarray, ys: np.ndarray, n: int, i: int = 0, j: int = 1,
               held: np.ndarray | None = None) -> np.ndarray:
    """The grid's points as network inputs (r_y·r_x, n): column i takes xs, column j takes ys, every other
    column its value in ``held`` (n,) (default 0: the mean of a standardised input)."""
    if i == j or not (0 <= i < n and 0 <= j < n):
        raise ValueError(f"Choose two different inputs among the n = {n}; got {i} and {j}.")
    gx, gy = np.meshgrid(xs, ys)
    rows = np.tile(np.zeros(n) if held is None else np.asarray(held, dtype=float), (gx.size, 1))
    rows[:, i], rows[:, j] = gx.ravel(), gy.ravel()
    return rows


def axis(values: np.ndarray, resolution: int, margin: float = 0.05) -> np.ndarray:
    """``resolution`` points spanning the values' range plus ``margin`` of it on each side."""
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = (hi - lo) * margin or 0.5
    return np.linspace(lo - pad, hi + pad, int(resolution))


def feature_map(net: Network, prepared, i: int, j: int, resolution: int = 60) -> PlaneMap:
    """Inputs i and j of a table (``lessons.tables.Prepared``) over their range in the data's own units,
    every other input held at its mean over the training rows (0 once standardised; for a one-hot
    column, the share of training rows with that value). A regression's numbers are in the target's units."""
    mean, std = prepared.mean, prepared.std
    X = np.r_[prepared.X_train, prepared.X_test] * std + mean
    xs, ys = axis(X[:, i], resolution), axis(X[:, j], resolution)
    scaled_x, scaled_y = (xs - mean[i]) / std[i], (ys - mean[j]) / std[j]
    values = outputs(net, plane_rows(scaled_x, scaled_y, len(mean), i, j), (len(ys), len(xs)))
    if not net.output.classifier:
        values = prepared.numbers(values)
    return PlaneMap(xs, ys, values, i, j)


def points(prepared, i: int, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train[:, [i, j]], X_test[:, [i, j]], y_train, y_test) in the data's own units, for the map's dots."""
    mean, std = prepared.mean[[i, j]], prepared.std[[i, j]]
    return (prepared.X_train[:, [i, j]] * std + mean, prepared.X_test[:, [i, j]] * std + mean,
            prepared.y_train, prepared.y_test)


def strongest_inputs(net: Network, prepared, candidates: list[int] | None = None, steps: int = 21) -> list[int]:
    """The inputs (indices, strongest first) the network's output moves most with: each input swept over its
    range with every other at its training mean, the output's spread measured (the largest change of any
    class's probability, or of the number, in standardised units). ``candidates`` limits the choice."""
    n = len(prepared.mean)
    X = np.r_[prepared.X_train, prepared.X_test]
    spread = {}
    for i in (range(n) if candidates is None else candidates):
        sweep = np.zeros((steps, n))
        sweep[:, i] = np.linspace(X[:, i].min(), X[:, i].max(), steps)
        out = np.asarray(net.forward(sweep), dtype=np.float64)
        spread[i] = float(np.max(out.max(axis=0) - out.min(axis=0)))
    return sorted(spread, key=lambda i: -spread[i])
