"""Looking inside a network: per-layer activations, how many units are saturated, gradient norms.

A unit is *saturated* on an example when its activation sits where the slope g'(z) almost vanishes,
so almost no gradient flows back through it:

    sigmoid:     a < 0.01 or a > 0.99        (σ'(z) < 0.0099, against a maximum of 0.25)
    tanh:        |a| > 0.99                  (tanh'(z) < 0.02, against a maximum of 1)
    relu:        z ≤ 0                       (ReLU'(z) = 0: the unit is off)
    leaky_relu:  z ≤ 0                       (slope 0.01)
    linear:      never
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network

SATURATION_LOW, SATURATION_HIGH = 0.01, 0.99


def saturated(Z, A, activation: str) -> np.ndarray:
    """Boolean mask of saturated entries (rules in the module docstring); Z, A (n, u) → (n, u)."""
    Z, A = np.asarray(Z), np.asarray(A)
    if activation == "sigmoid":
        return (A < SATURATION_LOW) | (A > SATURATION_HIGH)
    if activation == "tanh":
        return np.abs(A) > SATURATION_HIGH
    if activation in ("relu", "leaky_relu"):
        return Z <= 0
    if activation == "linear":
        return np.zeros(A.shape, dtype=bool)
    raise ValueError(f"Unknown activation {activation!r}; expected sigmoid, tanh, relu, leaky_relu or linear.")


def saturation_share(Z, A, activation: str) -> float:
    """Share in [0, 1] of the n·u entries of A (n, u) that are saturated."""
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


# The range each activation's output can take, so histograms of different layers line up.
OUTPUT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


@dataclass
class LayerReport:
    """One layer l = 1 … L of a network on a batch X (n, m)."""

    layer: int                 # 1-based, as in A[1] … A[L]
    activation: str            # the output layer is always "sigmoid"
    Z: np.ndarray              # (n, u_l)
    A: np.ndarray              # (n, u_l)
    saturation: float          # share of saturated entries of A
    grad_norm: float           # ‖dW[l]‖ (Frobenius) of the cost on (X, y)
    counts: np.ndarray         # histogram of A, (bins,)
    edges: np.ndarray          # (bins + 1,)

    @property
    def shares(self) -> np.ndarray:
        """counts / (n·u): the share of A's entries in each bin, (bins,)."""
        return self.counts / max(self.A.size, 1)

    @property
    def shape(self) -> tuple[int, int]:
        """(n observations, u units)."""
        return self.A.shape


def inspect(net: Network, X, y, bins: int = 30) -> list[LayerReport]:
    """Per layer: A[l], Z[l], saturated share, ‖dW[l]‖ = ‖∂J/∂W[l]‖ and a histogram of A[l].

    X (n, m), y (n,) or (n, 1); returns L reports, hidden layers first, the output layer last.
    """
    outputs = net.layer_outputs(X)
    norms = gradient_norms(net, X, y)
    names = list(net.activation_names) + ["sigmoid"]
    reports = []
    for l, ((Z, A), name, norm) in enumerate(zip(outputs, names, norms), start=1):
        counts, edges = histogram(A, bins, OUTPUT_RANGE.get(name))
        reports.append(LayerReport(layer=l, activation=name, Z=Z, A=A,
                                   saturation=saturation_share(Z, A, name),
                                   grad_norm=norm, counts=counts, edges=edges))
    return reports


def gradient_norms(net: Network, X, y) -> list[float]:
    """‖∂J/∂W[l]‖ (Frobenius) for l = 1 … L on the batch X (n, m), y (n,)."""
    dW, _ = net.gradients(X, y)
    return [float(np.linalg.norm(g)) for g in dW]
