"""Gradient checking: compare backprop with centred finite differences.

    ∂J/∂θ_i ≈ (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε)
    relative error = ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖)

Below about 1e-7 (float64) the backprop gradients are right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass
class GradCheck:
    """Analytic and numeric gradients, flattened in ``parameters()`` order, and their relative error."""

    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: float
    names: list[str]  # one label per entry, such as "W[1][1,2]" or "b[2][0,0]" (layers l = 1 … L)


def numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """(f(x + ε e_i) − f(x − ε e_i)) / 2ε for every entry i of the array x, which f reads; x is changed
    in place and restored. Same shape as x, float64."""
    g = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        f_plus = f()
        x[idx] = old - eps
        f_minus = f()
        x[idx] = old
        g[idx] = (f_plus - f_minus) / (2 * eps)
    return g


def numeric_gradients(net: Network, X, y, eps: float = 1e-6) -> list[np.ndarray]:
    """Centred differences of J for every parameter; same shapes as ``parameters()``."""
    return [numeric_gradient(lambda: net.cost(X, y), p, eps) for p in net.parameters()]


def check(net: Network, X, y, eps: float = 1e-6) -> GradCheck:
    """Backprop vs centred differences for all of ``net``'s parameters (use float64 and small nets).

    The network must be deterministic in training mode (no dropout), or the two would differ.
    """
    net.backprop(X, y)
    analytic = [g.copy() for g in net.grads()]
    numeric = numeric_gradients(net, X, y, eps)
    names = []
    weighted = [layer for layer in net.layers if layer.param_names]
    for l, layer in enumerate(weighted, start=1):
        for kind, g in zip(layer.param_names, layer.grads()):
            names += [f"{kind}[{l}][{','.join(map(str, i))}]" for i in np.ndindex(g.shape)]
    a = np.concatenate([g.ravel() for g in analytic]).astype(np.float64)
    n = np.concatenate([g.ravel() for g in numeric])
    return GradCheck(a, n, relative_error(a, n), names)


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), and 0 when both are zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)
