"""The logistic (binary cross-entropy) loss and the cost J.

    L(ŷ, y) = −[y·log ŷ + (1 − y)·log(1 − ŷ)]
    J = (1/m) Σ L(ŷ_i, y_i)

Two ways in: from probabilities ŷ (clipped, so ŷ = 0 or 1 gives a large finite number, not inf),
or from logits z = w·x + b, which is exact for any z and what the network uses internally.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid_from_exp

# Same clipping as scikit-learn's log_loss for float64: log(1e-15) ≈ −34.5 at worst.
EPS = 1e-15


def logistic_loss(y, y_hat):
    """L = −[y·log ŷ + (1 − y)·log(1 − ŷ)] per example.

    Parameters
    ----------
    y : array, shape (m,) or (m, 1), values in {0, 1}
    y_hat : array, same number of elements as y, values in [0, 1]; clipped to [1e-15, 1 − 1e-15]

    Returns
    -------
    array, shape of ``y_hat``
    """
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = _match(y, y_hat)
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return -(y * np.log(p) + (1.0 - y) * np.log1p(-p))


def logistic_loss_from_logits(y, z):
    """L = log(1 + e^z) − y·z, the same loss written with the logit z (ŷ = σ(z)); exact for any z.

    Uses log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)) so nothing overflows.

    Parameters
    ----------
    y : array, shape (m,) or (m, 1), values in {0, 1}
    z : array, same number of elements as y

    Returns
    -------
    array, shape of ``z``
    """
    z = np.asarray(z)
    y = _match(y, z)
    return np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))


def cost_and_sigmoid_from_logits(y, z) -> tuple[float, np.ndarray]:
    """(J, ŷ) with J = (1/m) Σ [log(1 + e^z) − y·z] and ŷ = σ(z), sharing one e^(−|z|).

    The forward pass of a network's output unit needs both; z (m, 1), y (m,) or (m, 1) → (float, (m, 1)).
    """
    z = np.asarray(z)
    y = _match(y, z)
    e = np.exp(-np.abs(z))
    y_hat = sigmoid_from_exp(z, e)
    L = np.maximum(z, 0)
    L -= y * z
    L += np.log1p(e)
    return float(L.sum()) / L.size, y_hat  # .sum()/size: np.mean's dispatch dominates at small m


def cost(y, y_hat) -> float:
    """J = −(1/m) Σ [y·log ŷ + (1 − y)·log(1 − ŷ)], the mean logistic loss over m examples."""
    return float(np.mean(logistic_loss(y, y_hat)))


def cost_from_logits(y, z) -> float:
    """J = (1/m) Σ [log(1 + e^z) − y·z], the same cost computed from logits z."""
    return float(np.mean(logistic_loss_from_logits(y, z)))


def _match(y, like: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.size != like.size:
        raise ValueError(f"y has {y.size} values but the predictions have {like.size}; they must match.")
    dtype = like.dtype if np.issubdtype(like.dtype, np.floating) else np.float64
    return y.reshape(like.shape).astype(dtype, copy=False)
