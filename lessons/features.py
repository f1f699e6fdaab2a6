"""Optional input features for 2-D data: x1², x2², x1·x2, sin x1, sin x2 (as in TensorFlow Playground).

A network given extra features can draw a curved boundary with fewer (or no) hidden layers:
logistic regression on x1·x2 alone solves XOR. Raw inputs are always the first two columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Callable

import numpy as np

# key -> (label shown to students, f(x1, x2)); keys are what the UI stores and the URL carries.
FEATURES: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "x1_sq": ("x1²", lambda x1, x2: x1 * x1),
    "x2_sq": ("x2²", lambda x1, x2: x2 * x2),
    "x1x2": ("x1·x2", lambda x1, x2: x1 * x2),
    "sin_x1": ("sin x1", lambda x1, x2: np.sin(x1)),
    "sin_x2": ("sin x2", lambda x1, x2: np.sin(x2)),
}


def check(names: Sequence[str]) -> list[str]:
    """The feature keys in ``FEATURES`` order, each once; raises ValueError for an unknown key."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown input feature(s) {unknown}. Choose from: {', '.join(FEATURES)}.")
    return [n for n in FEATURES if n in set(names)]


def expand(X, names: Sequence[str]) -> np.ndarray:
    """X_in = [x1, x2, f_1(x1, x2), …, f_k(x1, x2)]; X (m, 2) → X_in (m, 2 + k).

    ``names`` are keys of ``FEATURES``; they are added in ``FEATURES`` order whatever order is given,
    so a saved model and the page agree on what each input column means.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Input features are defined for 2-D points, X of shape (m, 2); got {X.shape}.")
    names = check(names)
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2] + [FEATURES[n][1](x1, x2) for n in names])


def input_labels(names: Sequence[str]) -> list[str]:
    """Labels of the network's input columns: ["x1", "x2", then each chosen feature's label]."""
    return ["x1", "x2"] + [FEATURES[n][0] for n in check(names)]
