"""Small seeded data sets for teaching.

Two classes (``TWO_D``): every generator returns ``(X, y)`` with X of shape (m, 2) (or (m, 1) for
``one_feature``) and y of shape (m,) holding 0 and 1; the classes are balanced (m // 2 of class 0, the
rest class 1). k classes (``K_CLASSES``): y holds 0 … k−1, as balanced as m allows. Numbers
(``REGRESSION``): y holds real numbers, a smooth function of x plus noise. ``noise`` is the standard
deviation of Gaussian jitter in the data's own units.
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


# -- k classes --------------------------------------------------------------------------------------

MAX_K = 10  # the generators' own limit; a page offers fewer


def _class_labels(m: int, k: int) -> np.ndarray:
    """0, 0, …, 1, 1, …, k−1: m labels in k runs whose lengths differ by at most one."""
    if not (isinstance(k, (int, np.integer)) and 2 <= k <= MAX_K):
        raise ValueError(f"k (the number of classes) must be a whole number from 2 to {MAX_K}; got {k!r}.")
    return (np.arange(m) * int(k)) // m


def spiral_arms(m: int = 300, k: int = 3, noise: float = 0.1, seed=0, turns: float = 1.0):
    """k interleaved spiral arms, one per class, of ``turns`` revolutions each, radius up to 3.

    Arm c starts at angle 2π·c/k; with k = 2 it is ``spiral`` with another turn count.
    """
    m = _check_m(m, 2 * k if isinstance(k, int) else 2)
    rng = _rng(seed)
    y = _class_labels(m, k)
    r = rng.uniform(0.05, 1, m)
    angle = 2 * np.pi * turns * r + 2 * np.pi * y / k
    X = 3 * np.c_[r * np.cos(angle), r * np.sin(angle)]
    return X + rng.normal(0, noise, (m, 2)), y


def blobs(m: int = 300, k: int = 4, noise: float = 0.6, seed=0):
    """k round Gaussian blobs of std ``noise``, their centres evenly spaced on a circle of radius 2."""
    m = _check_m(m, 2 * k if isinstance(k, int) else 2)
    rng = _rng(seed)
    y = _class_labels(m, k)
    angle = 2 * np.pi * y / k + np.pi / 4
    centres = 2.0 * np.c_[np.cos(angle), np.sin(angle)]
    return centres + rng.normal(0, noise, (m, 2)), y


K_CLASSES: dict[str, Callable] = {
    "spiral_arms": spiral_arms,
    "blobs": blobs,
}


def make_classes(name: str, k: int, m: int = 300, noise: float = 0.1, seed=0):
    """Build a k-class 2-D set by name: one of ``K_CLASSES``; y holds 0 … k−1."""
    try:
        make_set = K_CLASSES[name]
    except KeyError:
        raise ValueError(f"Unknown k-class data set {name!r}. Choose one of: {', '.join(K_CLASSES)}.") from None
    return make_set(m=m, k=k, noise=noise, seed=seed)


# -- numbers (regression) --------------------------------------------------------------------------

PLANE = (0.8, -0.5, 0.3)  # y = a·x1 + b·x2 + c


def plane(m: int = 200, noise: float = 0.1, seed=0):
    """y = 0.8·x1 − 0.5·x2 + 0.3 + N(0, noise²), points uniform in [−3, 3]²: what a linear output fits exactly."""
    m = _check_m(m)
    rng = _rng(seed)
    X = rng.uniform(-3, 3, (m, 2))
    a, b, c = PLANE
    return X, a * X[:, 0] + b * X[:, 1] + c + rng.normal(0, noise, m)


BUMPS = ((-1.5, -1.0, 2.0, 1.0), (1.5, 1.0, 1.5, 0.8), (1.0, -1.8, -1.5, 0.7))  # (x1, x2, height, width)


def bumps(m: int = 200, noise: float = 0.1, seed=0):
    """y = Σ_j h_j·exp(−‖x − c_j‖² / 2s_j²) + N(0, noise²): two hills and a dip (``BUMPS``), points
    uniform in [−3, 3]². A network needs hidden units to fit it."""
    m = _check_m(m)
    rng = _rng(seed)
    X = rng.uniform(-3, 3, (m, 2))
    return X, bump_surface(X) + rng.normal(0, noise, m)


def bump_surface(X) -> np.ndarray:
    """The noise-free surface of ``bumps`` at points X (m, 2) → (m,)."""
    X = np.asarray(X, dtype=float)
    y = np.zeros(len(X))
    for cx, cy, h, s in BUMPS:
        y += h * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * s * s))
    return y


REGRESSION: dict[str, Callable] = {
    "plane": plane,
    "bumps": bumps,
}


def make_regression(name: str, m: int = 200, noise: float = 0.1, seed=0):
    """Build a 2-D regression set by name: one of ``REGRESSION``; y holds numbers."""
    try:
        make_set = REGRESSION[name]
    except KeyError:
        raise ValueError(f"Unknown regression data set {name!r}. Choose one of: {', '.join(REGRESSION)}.") from None
    return make_set(m=m, noise=noise, seed=seed)


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


def train_test_split(X, y, test_size: float = 0.25, seed=0, stratify: bool = False):
    """Shuffle with ``seed`` and split; returns X_train, X_test, y_train, y_test.

    ``test_size`` is a share in (0, 1); both parts keep at least one example. With ``stratify`` (y holds
    classes) each class is split on its own, round(share × its count) to test but at least one of every
    class with two or more examples, so a small set keeps every class on both sides (``stratified_split``).
    """
    if stratify:
        X, y = np.asarray(X), np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)}.")
        train, test = stratified_split(y, test_size, seed)
        return X[train], X[test], y[train], y[test]
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


def stratified_split(y, test_size: float = 0.25, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (train, test) that hold out about ``test_size`` of each class of y (m,), shuffled with
    ``seed``: round(share × count) of a class, at least 1 when the class has 2 or more examples and never
    all of them. Both index arrays come back sorted."""
    y = np.asarray(y)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be between 0 and 1; got {test_size}.")
    if len(y) < 2:
        raise ValueError("Need at least 2 examples to split into train and test.")
    rng = _rng(seed)
    test = []
    for value in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == value))
        n_test = min(max(int(round(len(rows) * test_size)), 1 if len(rows) >= 2 else 0), len(rows) - 1)
        test.append(rows[:n_test])
    test = np.sort(np.concatenate(test)).astype(int)
    train = np.setdiff1d(np.arange(len(y)), test)
    if len(test) == 0:
        raise ValueError("Every class has a single example, so none can be held out for testing.")
    return train, test
