"""What a trained 2-D network computes over the whole input plane, for heatmaps, all vectorised.

The plane is sampled on an r × r grid; every function pushes all r² points through the network in
one forward pass, so a redraw costs one matrix product per layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.network import Network
from lessons import diagnostics, features


def plane(lo: float, hi: float, resolution: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An r × r grid on [lo, hi]²: returns xs (r,), ys (r,) and the points G (r², 2).

    G[i·r + j] = (xs[j], ys[i]), so ``values.reshape(r, r)[i, j]`` sits at (xs[j], ys[i]): the layout
    a heatmap's z expects (rows follow y).
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise ValueError(f"The plane needs finite bounds lo < hi; got lo={lo}, hi={hi}.")
    if int(resolution) < 2:
        raise ValueError(f"resolution must be at least 2; got {resolution}.")
    xs = np.linspace(lo, hi, int(resolution))
    gx, gy = np.meshgrid(xs, xs)
    return xs, xs.copy(), np.column_stack([gx.ravel(), gy.ravel()])


def bounds(*Xs: np.ndarray, margin: float = 0.5) -> tuple[float, float]:
    """One symmetric square [lo, hi] that holds every point of every X (m, 2), plus ``margin``."""
    extent = max(float(np.max(np.abs(X))) for X in Xs if len(X)) + margin
    return -extent, extent


def probability(net: Network, G: np.ndarray, feature_names: Sequence[str] = ()) -> np.ndarray:
    """ŷ = P(dog | x) at every grid point; G (r², 2) → (r, r) when r² points, else (m,)."""
    p = net.forward(features.expand(G, feature_names))[:, 0]
    r = int(round(np.sqrt(len(G))))
    return p.reshape(r, r) if r * r == len(G) else p


def outputs(net: Network, G: np.ndarray, feature_names: Sequence[str] = ()) -> np.ndarray:
    """ŷ = A[L] at every grid point, one plane per output unit: G (r², 2) → (u[L], r, r) (P(class k) for a
    softmax output, the predicted number for a linear one)."""
    r = int(round(np.sqrt(len(G))))
    if r * r != len(G):
        raise ValueError(f"outputs needs a square grid of r² points; got {len(G)} points.")
    A = net.forward(features.expand(G, feature_names))
    return A.T.reshape(A.shape[1], r, r)


def class_map(net: Network, G: np.ndarray, feature_names: Sequence[str] = ()
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At every grid point of G (r², 2), each (r, r): the predicted class argmax_k ŷ_k, its probability
    max_k ŷ_k, and its margin over the runner-up (ŷ_first − ŷ_second, 0 on a border between two classes).
    What a k-class map colours (class), shades (probability) and where it draws borders (margin)."""
    P = outputs(net, G, feature_names)
    top = np.sort(P, axis=0)
    return P.argmax(axis=0), top[-1], top[-1] - top[-2]


def unit_maps(net: Network, G: np.ndarray, feature_names: Sequence[str] = ()) -> list[np.ndarray]:
    """Each unit's output over the plane, layer by layer: [A[0], A[1], …, A[L]], A[l] of shape (u_l, r, r).

    A[0] holds the input columns (x1, x2 and the chosen features); A[L] is ŷ. G has r² rows.
    """
    r = int(round(np.sqrt(len(G))))
    if r * r != len(G):
        raise ValueError(f"unit_maps needs a square grid of r² points; got {len(G)} points.")
    X_in = features.expand(G, feature_names)
    maps = [X_in]
    maps += [A for _, A in net.layer_outputs(X_in)]
    return [A.T.reshape(A.shape[1], r, r) for A in maps]


def saturated_share(net: Network, X_in: np.ndarray) -> list[float]:
    """Per hidden layer l, the share of the n·u_l entries of A[l] that are saturated.

    The rule is ``lessons.diagnostics.saturated`` (e.g. σ < 0.01 or σ > 0.99), the same one the
    neuron page uses. X_in (m, n) are the network's inputs (features included); one float in [0, 1]
    per hidden layer.
    """
    outputs = net.layer_outputs(X_in)[:-1]
    return [diagnostics.saturation_share(Z, A, name) for (Z, A), name in zip(outputs, net.activation_names)]
