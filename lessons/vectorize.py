"""Why we vectorize: the same forward pass as Python loops and as one NumPy matrix product per layer.

    loop:        for each example i, each unit j:  z_j = b_j + Σ_k W[j, k]·a_k   (Python floats)
    vectorized:  Z = A_prev @ W.T + b                                          (one call per layer)

Both give the same ŷ (to rounding: the sums are added in a different order).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from engine import activations
from engine.network import Network


def forward_loop(net: Network, X) -> np.ndarray:
    """ŷ for X (m, n) → (m, 1), computing every z_j = b_j + Σ_k W[j, k]·a_k with Python loops.

    Same maths as ``Network.forward``, one example and one unit at a time; the activation is the
    engine's own g applied to each scalar z.
    """
    X = net.check_inputs(X)
    # Python lists of floats: indexing NumPy arrays element by element would time NumPy's
    # per-call overhead rather than the loop itself.
    weights = [W.tolist() for W in net.weights]
    biases = [b[0].tolist() for b in net.biases]
    gs = [activations.get(name)[0] for name in net.activation_names] + [activations.sigmoid]
    out = np.empty((len(X), 1), dtype=np.float64)
    for i, row in enumerate(X.tolist()):
        a = row
        for W, b, g in zip(weights, biases, gs):
            z = []
            for j in range(len(W)):
                total = b[j]
                w_j = W[j]
                for k in range(len(a)):
                    total += w_j[k] * a[k]
                z.append(total)
            a = g(np.array(z)).tolist()
        out[i, 0] = a[0]
    return out


def forward_vectorized(net: Network, X) -> np.ndarray:
    """ŷ = σ(Z[L]) with Z[l] = A[l−1] @ W[l].T + b[l] for all m examples at once; X (m, n) → (m, 1)."""
    return net.forward(X)


@dataclass
class Timing:
    """Seconds for one forward pass over m examples, each way, and the biggest difference in ŷ."""

    m: int
    loop_seconds: float
    vectorized_seconds: float
    max_abs_difference: float

    @property
    def speed_up(self) -> float:
        """loop time / vectorized time."""
        return self.loop_seconds / max(self.vectorized_seconds, 1e-12)


def time_forward(net: Network, X, repeats: int = 3) -> Timing:
    """Best of ``repeats`` wall-clock times of ``forward_loop`` and ``forward_vectorized`` on X (m, n).

    The loop runs once when it takes over 0.2 s, to keep large m affordable.
    """
    X = net.check_inputs(X)
    if repeats < 1:
        raise ValueError(f"repeats must be ≥ 1; got {repeats}.")
    y_loop, t_loop = _best_time(lambda: forward_loop(net, X), repeats, budget=0.2)
    y_vec, t_vec = _best_time(lambda: forward_vectorized(net, X), max(repeats, 5), budget=0.2)
    return Timing(m=len(X), loop_seconds=t_loop, vectorized_seconds=t_vec,
                  max_abs_difference=float(np.max(np.abs(y_loop - y_vec))))


def sweep(net: Network, ms: Sequence[int], seed: int | np.random.Generator = 0,
          repeats: int = 3) -> Iterator[Timing]:
    """Yield ``time_forward`` for each m in ``ms`` on standard-normal X of shape (m, layer_sizes[0]).

    A generator, so a page can move a progress bar between sizes.
    """
    ms = [int(m) for m in ms]
    if not ms or min(ms) < 1:
        raise ValueError(f"Every m must be a whole number ≥ 1; got {list(ms)}.")
    rng = np.random.default_rng(seed)  # a Generator passes through unchanged
    for m in ms:
        X = rng.standard_normal((m, net.layer_sizes[0]))
        yield time_forward(net, X, repeats)


def _best_time(fn, repeats: int, budget: float):
    best = np.inf
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        if elapsed > budget:
            break
    return result, best
