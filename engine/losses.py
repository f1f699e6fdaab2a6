"""The losses L(ŷ, y) and the costs J = (1/m) Σ L of the three output kinds (``engine.outputs``).

Two classes, one sigmoid unit (the logistic or binary cross-entropy loss):
    L(ŷ, y) = −[y·log ŷ + (1 − y)·log(1 − ŷ)],            ŷ = σ(z)
k classes, k softmax units (the categorical cross-entropy), y one-hot:
    L(ŷ, y) = −Σ_k y_k log ŷ_k,                          ŷ_k = e^(z_k) / Σ_j e^(z_j)
numbers (regression), linear units (the squared error, with the ½ that makes dZ[L] = A[L] − Y):
    L(ŷ, y) = ½ Σ_k (ŷ_k − y_k)²,                        ŷ = z
and J = (1/m) Σ_i L(ŷ_i, y_i) for each. The ½ is scikit-learn's convention too (its ``squared_error``
is ((y − ŷ)²).mean() / 2), so the numbers can be compared.

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


# -- k classes: softmax and the categorical cross-entropy ---------------------------------------------

def softmax(z):
    """ŷ_k = e^(z_k) / Σ_j e^(z_j) along each row, computed as e^(z_k − max_j z_j) so nothing overflows.

    z (m, k) → ŷ (m, k), rows summing to 1; with k = 2, ŷ_1 = σ(z_1 − z_2).
    """
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    """log ŷ_k = z_k − log Σ_j e^(z_j) (the log-sum-exp taken about max_j z_j); exact for any z, (m, k) → (m, k)."""
    z = np.asarray(z)
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def categorical_loss_from_logits(Y, Z):
    """L = −Σ_k y_k log ŷ_k = log Σ_j e^(z_j) − Σ_k y_k z_k per example, from logits; exact for any z.

    Y (m, k) one-hot (or any rows of probabilities), Z (m, k) → (m,).
    """
    Z = np.asarray(Z)
    Y = _match(Y, Z)
    return -np.sum(Y * log_softmax(Z), axis=1)


def cost_and_softmax_from_logits(Y, Z) -> tuple[float, np.ndarray]:
    """(J, ŷ) with J = −(1/m) Σ_i Σ_k y_ik log ŷ_ik and ŷ = softmax(Z), sharing one e^(Z − max Z).

    The forward pass of a softmax output needs both; Z (m, k), Y (m, k) one-hot → (float, (m, k)).
    """
    Z = np.asarray(Z)
    Y = _match(Y, Z)
    shifted = Z - Z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    log_p = shifted - np.log(total)
    return float(-np.sum(Y * log_p)) / len(Z), e / total


def categorical_cost_from_logits(Y, Z) -> float:
    """J = −(1/m) Σ_i Σ_k y_ik log ŷ_ik, computed from the logits Z (m, k); Y (m, k) one-hot."""
    return float(np.mean(categorical_loss_from_logits(Y, Z)))


def categorical_cost(Y, Y_hat) -> float:
    """J = −(1/m) Σ_i Σ_k y_ik log ŷ_ik from probabilities ŷ (m, k), clipped to [1e-15, 1] as ``cost`` does."""
    Y_hat = np.asarray(Y_hat, dtype=np.float64)
    Y = _match(Y, Y_hat)
    return float(-np.sum(Y * np.log(np.clip(Y_hat, EPS, 1.0))) / len(Y_hat))


# -- numbers: the squared error ------------------------------------------------------------------------

def squared_error(y, y_hat):
    """L = ½ Σ_k (ŷ_k − y_k)² per example; y_hat (m,) or (m, k), y with as many values → (m,)."""
    y_hat = np.asarray(y_hat)
    y = _match(y, y_hat)
    d = (y_hat - y).reshape(len(y_hat), -1)
    return 0.5 * np.sum(d * d, axis=1)


def squared_error_cost(y, y_hat) -> float:
    """J = (1/2m) Σ_i Σ_k (ŷ_ik − y_ik)², the mean of ``squared_error`` over the m examples.

    For one output this is scikit-learn's ``squared_error`` loss, ((y − ŷ)²).mean() / 2.
    """
    return float(np.mean(squared_error(y, y_hat)))


def cost_and_identity(Y, Z) -> tuple[float, np.ndarray]:
    """(J, ŷ) for a linear output: ŷ = Z and J = (1/2m) Σ (ŷ − y)²; Z (m, k), Y (m, k)."""
    Z = np.asarray(Z)
    Y = _match(Y, Z)
    d = Z - Y
    return float(np.sum(d * d)) / (2 * len(Z)), Z


def r2_score(y, y_hat) -> float:
    """R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)², pooled over every output column (ȳ per column); 1 is a perfect fit,
    0 is no better than always predicting the mean. y, y_hat (m,) or (m, k). For one output it is
    scikit-learn's ``r2_score``; with y constant it is 0 (or 1 for an exact fit)."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = _match(y, y_hat).astype(np.float64).reshape(len(y_hat), -1)
    y_hat = y_hat.reshape(y.shape)
    residual = float(np.sum((y - y_hat) ** 2))
    total = float(np.sum((y - y.mean(axis=0)) ** 2))
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return 1.0 - residual / total


def _match(y, like: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.size != like.size:
        raise ValueError(f"y has {y.size} values but the predictions have {like.size}; they must match.")
    dtype = like.dtype if np.issubdtype(like.dtype, np.floating) else np.float64
    return y.reshape(like.shape).astype(dtype, copy=False)
