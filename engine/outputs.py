"""The output layer's three kinds, looked up by name: what A[L] is, which cost J it pairs with, and how
labels y become the matrix Y that dZ[L] = A[L] − Y needs.

    kind       units k   A[L] = ŷ                     J                                     y given as
    sigmoid    1         σ(Z[L]): P(class 1)          −(1/m) Σ [y log ŷ + (1−y) log(1−ŷ)]   (m,) of 0/1
    softmax    k ≥ 2     softmax(Z[L]): P(class k)    −(1/m) Σ_i Σ_k y_ik log ŷ_ik          (m,) class indices 0 … k−1,
                                                                                             or (m, k) one-hot
    linear     k ≥ 1     Z[L]: the numbers            (1/2m) Σ_i Σ_k (ŷ_ik − y_ik)²         (m,) or (m, k) numbers

Each pair is chosen so that ∂J/∂Z[L] = (1/m)(A[L] − Y): the same backward pass serves all three. Every
cost is computed from the logits Z[L], so nothing overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import losses
from .activations import sigmoid

#: The most classes a network (or a model file) may have; a file claiming more is refused before anything
#: is allocated.
MAX_CLASSES = 1000


@dataclass(frozen=True)
class OutputSpec:
    """Everything the engine knows about one output kind, in one place.

    ``activate(Z)`` is A[L]; ``cost_and_output(Y, Z)`` returns (J, A[L]) sharing the work;
    ``cost_from_logits(Y, Z)`` is J alone. ``cost_name`` and ``cost_formula`` label a cost curve.
    """

    name: str
    label: str
    cost_name: str
    cost_formula: str          # plain text, for a chart's title or a tooltip
    cost_latex: str            # for st.latex / Markdown
    activate: Callable[[np.ndarray], np.ndarray]
    cost_and_output: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]
    cost_from_logits: Callable[[np.ndarray, np.ndarray], float]
    min_units: int
    classifier: bool

    def check_units(self, units: int) -> None:
        """Raise a ValueError a student can act on when this kind cannot have ``units`` output units."""
        if self.name == "sigmoid" and units != 1:
            raise ValueError(f"A sigmoid output has 1 unit (two classes: ŷ = P(class 1)); got {units}. "
                             "For k classes use output='softmax' with k units.")
        if units < self.min_units:
            raise ValueError(f"A {self.name} output needs at least {self.min_units} units; got {units}.")
        if self.name == "softmax" and units > MAX_CLASSES:
            raise ValueError(f"A softmax output has one unit per class, at most {MAX_CLASSES}; got {units}.")

    def labels(self, y, m: int, k: int, dtype) -> np.ndarray:
        """y as the (m, k) matrix Y of ``dtype`` that J and dZ[L] = A[L] − Y use; a ValueError that says
        what was expected otherwise. (The sigmoid kind is ``Network.check_labels``'s own path.)"""
        if self.name == "softmax":
            return _one_hot(y, m, k, dtype)
        Y = np.asarray(y, dtype=dtype)
        if Y.size != m * k or Y.ndim > 2 or (Y.ndim == 2 and Y.shape != (m, k)):
            shape = f"({m},)" if k == 1 else f"({m}, {k})"
            raise ValueError(f"y must hold {k} number{'s' if k > 1 else ''} per example, shape {shape}"
                             f"{f' or ({m}, 1)' if k == 1 else ''}, to match X; got {Y.shape}.")
        if not np.all(np.isfinite(Y)):
            raise ValueError("y contains NaN or infinite values; drop those examples first.")
        return Y.reshape(m, k)

    def correct(self, Z: np.ndarray, Y: np.ndarray) -> float:
        """How many of the rows of logits Z the classifier gets right against Y (both (m, k))."""
        if self.name == "sigmoid":
            return float(np.sum((Z >= 0) == (Y >= 0.5)))  # ŷ ≥ 0.5 exactly when z ≥ 0
        return float(np.sum(Z.argmax(axis=1) == Y.argmax(axis=1)))


def _one_hot(y, m: int, k: int, dtype) -> np.ndarray:
    """Class indices (m,) or (m, 1) in 0 … k−1, or one-hot rows (m, k) → one-hot (m, k) of ``dtype``."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape == (m, k) and k > 1:
        Y = y.astype(dtype)
        if not (np.all(np.isfinite(Y)) and np.all(Y >= 0) and np.allclose(Y.sum(axis=1), 1.0, atol=1e-6)):
            raise ValueError("A (m, k) y must hold one-hot rows (or class probabilities): each ≥ 0, summing to 1.")
        return Y
    if y.size != m or y.ndim > 2:
        raise ValueError(f"y must hold one class index per example, shape ({m},), or one-hot rows ({m}, {k}); "
                         f"got {y.shape}.")
    flat = y.reshape(m)
    if flat.dtype.kind == "f":
        if not np.all(np.isfinite(flat)) or np.any(flat != np.round(flat)):
            raise ValueError("Class indices must be whole numbers 0 … k−1.")
    elif flat.dtype.kind not in "iub":
        raise ValueError(f"Class indices must be whole numbers 0 … {k - 1}; got values of type {flat.dtype}.")
    index = flat.astype(np.int64)
    if m and (index.min() < 0 or index.max() >= k):
        raise ValueError(f"Class indices must lie in 0 … {k - 1} (this network has k = {k} output units); "
                         f"got {index.min()} … {index.max()}.")
    Y = np.zeros((m, k), dtype=dtype)
    Y[np.arange(m), index] = 1
    return Y


REGISTRY: dict[str, OutputSpec] = {spec.name: spec for spec in (
    OutputSpec("sigmoid", "one sigmoid unit: 2 classes", "cross-entropy",
               "J = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]",
               r"J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y_i \log \hat y_i + (1 - y_i) \log (1 - \hat y_i) \right]",
               sigmoid, losses.cost_and_sigmoid_from_logits, losses.cost_from_logits, 1, True),
    OutputSpec("softmax", "k softmax units: k classes", "categorical cross-entropy",
               "J = −(1/m) Σᵢ Σₖ yₖ log ŷₖ",
               r"J = -\frac{1}{m} \sum_{i=1}^{m} \sum_{k} y_{ik} \log \hat y_{ik}",
               losses.softmax, losses.cost_and_softmax_from_logits, losses.categorical_cost_from_logits, 2, True),
    OutputSpec("linear", "linear units: numbers (regression)", "squared error",
               "J = (1/2m) Σ (ŷ − y)²",
               r"J = \frac{1}{2m} \sum_{i=1}^{m} (\hat y_i - y_i)^2",
               lambda Z: np.asarray(Z), losses.cost_and_identity,
               lambda Y, Z: losses.cost_and_identity(Y, Z)[0], 1, False),
)}

#: The output kinds ``Network(output=...)`` accepts.
NAMES: tuple[str, ...] = tuple(REGISTRY)


def spec(name: str) -> OutputSpec:
    """The registry entry for an output kind: "sigmoid", "softmax" or "linear"."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown output {name!r}. Choose one of: {', '.join(REGISTRY)}.") from None


def class_indices(y, m: int) -> np.ndarray:
    """Class indices (m,) from indices (m,) / (m, 1) or one-hot rows (m, k)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[0] == m and y.shape[1] > 1:
        return y.argmax(axis=1)
    if y.size != m:
        raise ValueError(f"y must hold one class per example ({m}); got shape {y.shape}.")
    return y.reshape(m).astype(np.int64)
