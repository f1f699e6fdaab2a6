"""Small seeded two-class data sets for teaching.

Every generator returns ``(X, y)`` with X of shape (m, 2) (or (m, 1) for ``one_feature``) and y of
shape (m,) holding 0 and 1; the classes are balanced (m // 2 of class 0, the rest class 1).
``noise`` is the standard deviation of Gaussian jitter in the data's own units.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(seed)  # returns a Generator it is given unchanged


def _labels(m: int) -> np.ndarray:
    return np.r_[np.zeros(m // 2, dtype=int), np.ones(m - m // 2, dtype=int)]


def _check_m(m: int, minimum: int = 2) -> int:
    if int(m) < minimum:
        raise ValueError(f"Need at least {minimum} points; got {m}.")
    return int(m)


def linear(m: int = 200, noise: float = 0.3, seed=0):
    """Two classes either side of the line x2 = x1 (points uniform in [−3, 3]², label x2 > x1)."""
    m = _check_m(m)
    rng = _rng(seed)
    y = _labels(m)
    # Place each point on its own side, then jitter: noise controls how much the classes cross.
    t = rng.uniform(-3, 3, m)
    d = rng.uniform(0.2, 2.0, m) * np.where(y == 1, 1, -1)
    X = np.c_[t - d / np.sqrt(2), t + d / np.sqrt(2)] + rng.normal(0, noise, (m, 2))
    return X, y


def gaussians(m: int = 200, noise: float = 1.0, seed=0):
    """Two round Gaussian blobs centred at (−1.5, −1.5) and (1.5, 1.5) with std ``noise``."""
    m = _check_m(m)
    rng = _rng(seed)
    y = _labels(m)
    centres = np.where(y[:, None] == 1, 1.5, -1.5)
    return centres + rng.normal(0, noise, (m, 2)), y


def circles(m: int = 200, noise: float = 0.1, seed=0):
    """A ring (class 0, radius 2.5) around a disc (class 1, radius up to 1.2)."""
    m = _check_m(m)
    rng = _rng(seed)
    y = _labels(m)
    angle = rng.uniform(0, 2 * np.pi, m)
    radius = np.where(y == 1, rng.uniform(0, 1.2, m), rng.uniform(2.0, 3.0, m))
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return X + rng.normal(0, noise * 3, (m, 2)), y


def xor(m: int = 200, noise: float = 0.1, seed=0):
    """Four quadrants: class 1 where x1·x2 > 0 (points uniform in [−3, 3]², kept off the axes)."""
    m = _check_m(m)
    rng = _rng(seed)
    X = rng.uniform(0.3, 3, (m, 2)) * rng.choice([-1, 1], (m, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + rng.normal(0, noise * 3, (m, 2)), y


def moons(m: int = 200, noise: float = 0.1, seed=0):
    """Two interleaving half circles (as scikit-learn's make_moons, scaled by 2)."""
    m = _check_m(m)
    rng = _rng(seed)
    y = _labels(m)
    t = rng.uniform(0, np.pi, m)
    X = np.where(y[:, None] == 0,
                 np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X = (X - [0.5, 0.25]) * 2
    return X + rng.normal(0, noise * 2, (m, 2)), y


def spiral(m: int = 200, noise: float = 0.1, seed=0, turns: float = 1.75):
    """Two interleaved spiral arms of ``turns`` revolutions each, radius up to 3."""
    m = _check_m(m)
    rng = _rng(seed)
    y = _labels(m)
    r = rng.uniform(0.05, 1, m)
    angle = 2 * np.pi * turns * r + np.pi * y
    X = 3 * np.c_[r * np.cos(angle), r * np.sin(angle)]
    return X + rng.normal(0, noise, (m, 2)), y


TWO_D: dict[str, Callable] = {
    "linear": linear,
    "gaussians": gaussians,
    "circles": circles,
    "xor": xor,
    "moons": moons,
    "spiral": spiral,
}


def make(name: str, m: int = 200, noise: float = 0.1, seed=0):
    """Build a 2-D set by name: one of ``TWO_D``."""
    try:
        return TWO_D[name](m=m, noise=noise, seed=seed)
    except KeyError:
        raise ValueError(f"Unknown data set {name!r}. Choose one of: {', '.join(TWO_D)}.") from None


def one_feature(m: int = 100, overlap: float = 0.5, seed=0, separation: float = 2.0):
    """A single feature x with two classes: x ~ N(−s/2, σ²) for y = 0 and N(+s/2, σ²) for y = 1.

    ``overlap`` in [0, 1] sets σ = overlap·s (0 gives fully separable data, whose logistic cost
    has no finite minimum). Returns X of shape (m, 1) and y of shape (m,).
    """
    m = _check_m(m)
    if not 0 <= overlap <= 1:
        raise ValueError(f"overlap must be between 0 and 1; got {overlap}.")
    rng = _rng(seed)
    y = _labels(m)
    sigma = max(overlap * separation, 1e-3 * separation)
    x = np.where(y == 1, separation / 2, -separation / 2) + rng.normal(0, sigma, m)
    return x.reshape(-1, 1), y


def train_test_split(X, y, test_size: float = 0.25, seed=0):
    """Shuffle with ``seed`` and split; returns X_train, X_test, y_train, y_test.

    ``test_size`` is a share in (0, 1); both parts keep at least one example.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}.")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1; got {test_size}.")
    m = len(X)
    if m < 2:
        raise ValueError("Need at least 2 examples to split into train and test.")
    n_test = min(max(int(round(m * test_size)), 1), m - 1)
    order = _rng(seed).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
