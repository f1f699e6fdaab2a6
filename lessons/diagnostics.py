"""Looking inside a network: per-layer activations, how many units are saturated, gradient norms.

A unit is *saturated* on an example when its activation sits where the slope g'(z) almost vanishes,
so almost no gradient flows back through it. Each activation's rule lives in its registry entry
(``engine.activations.REGISTRY[name].saturation_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import activations
from engine.network import Network


def saturated(Z, A, activation: str) -> np.ndarray:
    """Boolean mask of saturated entries (each activation's rule is in ``engine.activations``);
    Z, A (m, u) → (m, u)."""
    return np.asarray(activations.spec(activation).saturated(np.asarray(Z), np.asarray(A)))


def saturation_share(Z, A, activation: str) -> float:
    """Share in [0, 1] of the m·u entries of A (m, u) that are saturated."""
    mask = saturated(Z, A, activation)
    return float(mask.mean()) if mask.size else 0.0


def histogram(A, bins: int = 30, value_range: tuple[float, float] | None = None):
    """Counts of the entries of A in ``bins`` equal bins; returns (counts (bins,), edges (bins + 1,)).

    ``value_range`` defaults to the range of A (widened by 0.5 each way when A is constant).
    """
    A = np.asarray(A, dtype=np.float64).ravel()
    if bins < 1:
        raise ValueError(f"bins must be ≥ 1; got {bins}.")
    if value_range is None:
        lo, hi = (float(A.min()), float(A.max())) if A.size else (0.0, 1.0)
        value_range = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    return np.histogram(A, bins=bins, range=value_range)


@dataclass
class LayerReport:
    """One layer l = 1 … L of a network on a batch X (m, n)."""

    layer: int                 # 1-based, as in A[1] … A[L]
    activation: str            # the output layer is always "sigmoid"
    Z: np.ndarray              # (m, u[l])
    A: np.ndarray              # (m, u[l])
    saturation: float          # share of saturated entries of A
    grad_norm: float           # ‖dW[l]‖ (Frobenius) of the cost on (X, y)
    counts: np.ndarray         # histogram of A, (bins,)
    edges: np.ndarray          # (bins + 1,)

    @property
    def shares(self) -> np.ndarray:
        """counts / (m·u): the share of A's entries in each bin, (bins,)."""
        return self.counts / max(self.A.size, 1)

    @property
    def shape(self) -> tuple[int, int]:
        """(m examples, u[l] units)."""
        return self.A.shape


def inspect(net: Network, X, y, bins: int = 30) -> list[LayerReport]:
    """Per layer: A[l], Z[l], saturated share, ‖dW[l]‖ = ‖∂J/∂W[l]‖ and a histogram of A[l].

    X (m, n), y (m,) or (m, 1); returns L reports, hidden layers first, the output layer last.
    """
    outputs = net.layer_outputs(X)
    norms = gradient_norms(net, X, y)
    names = list(net.activation_names) + ["sigmoid"]
    reports = []
    for l, ((Z, A), name, norm) in enumerate(zip(outputs, names, norms), start=1):
        counts, edges = histogram(A, bins, activations.spec(name).output_range)
        reports.append(LayerReport(layer=l, activation=name, Z=Z, A=A,
                                   saturation=saturation_share(Z, A, name),
                                   grad_norm=norm, counts=counts, edges=edges))
    return reports


def gradient_norms(net: Network, X, y) -> list[float]:
    """‖∂J/∂W[l]‖ (Frobenius) for l = 1 … L on the batch X (m, n), y (m,)."""
    dW, _ = net.gradients(X, y)
    return [float(np.linalg.norm(g)) for g in dW]
