"""Chapter 7's first tab: softmax and the categorical cross-entropy for one example, every number shown.

    s = softmax_step([1.2, -0.3], true=0)
    s.y_hat, s.loss, s.dz            # softmax(z), −log ŷ_true, ŷ − y
    s.sigmoid_of_difference          # σ(z₁ − z₂): equals s.y_hat[0] when k = 2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import losses
from engine.activations import sigmoid


@dataclass
class SoftmaxStep:
    """One example's output layer: logits z (k,), e^(z_k), their sum, ŷ = softmax(z), the one-hot y of
    class ``true``, L = −Σ_k y_k log ŷ_k = −log ŷ_true and dZ = ŷ − y; for the first two logits, σ(z₁ − z₂)."""

    z: np.ndarray
    exp: np.ndarray
    total: float
    y_hat: np.ndarray
    y: np.ndarray
    loss: float
    dz: np.ndarray
    sigmoid_of_difference: float
    pair: np.ndarray   # softmax of (z₁, z₂) alone


def softmax_step(z, true: int) -> SoftmaxStep:
    """Every number of softmax and its cost for logits z (k ≥ 2) and the true class index ``true``."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1 or len(z) < 2:
        raise ValueError(f"Give k ≥ 2 logits; got {z.shape}.")
    if not 0 <= true < len(z):
        raise ValueError(f"The true class must be one of 0 … {len(z) - 1}; got {true}.")
    y = np.eye(len(z))[true]
    y_hat = losses.softmax(z[None])[0]
    loss = float(losses.categorical_loss_from_logits(y[None], z[None])[0])
    return SoftmaxStep(z, np.exp(z), float(np.exp(z).sum()), y_hat, y, loss, y_hat - y,
                       float(sigmoid(z[0] - z[1])), losses.softmax(z[None, :2])[0])
