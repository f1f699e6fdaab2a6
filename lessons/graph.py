"""Computation graphs with their forward and backward numbers, for drawing step by step.

Two graphs:

* the warm-up J = 3(a + b·c), as u = b·c, v = a + u, J = 3v, with dJ/d(every node);
* one neuron on one example, x, w, b → z = w·x + b → a = σ(z) → L(a, y), with
  dL/da, dz = a − y, dw = x·dz, db = dz; and the same for m examples at once
  (dZ = A − Y, dW = (1/m) dZ.T @ X, db = mean(dZ)).

The neuron's forward numbers come from ``Network.layer_outputs``, so what the page shows is what the
engine computes; the tests check that dw and db here equal ``Network.gradients``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import activations
from engine.losses import logistic_loss_from_logits
from engine.network import Network


@dataclass
class WarmUp:
    """Forward values and backward derivatives of J = 3(a + b·c) for scalar a, b, c."""

    a: float
    b: float
    c: float
    u: float      # u = b·c
    v: float      # v = a + u
    J: float      # J = 3v
    dv: float     # dJ/dv = 3
    du: float     # dJ/du = dJ/dv · dv/du = 3
    da: float     # dJ/da = dJ/dv · dv/da = 3
    db: float     # dJ/db = dJ/du · du/db = 3c
    dc: float     # dJ/dc = dJ/du · du/dc = 3b


def warm_up(a: float, b: float, c: float) -> WarmUp:
    """J = 3(a + b·c) forward (u = b·c, v = a + u, J = 3v) and backward by the chain rule; scalars in and out."""
    a, b, c = (float(t) for t in (a, b, c))
    if not all(np.isfinite([a, b, c])):
        raise ValueError("a, b and c must be finite numbers.")
    u = b * c
    v = a + u
    J = 3.0 * v
    dv = 3.0
    du = dv * 1.0
    return WarmUp(a, b, c, u, v, J, dv=dv, du=du, da=dv * 1.0, db=du * c, dc=du * b)


@dataclass
class NeuronGraph:
    """One neuron on one example: forward values and backward derivatives of L.

    Shapes: x, w and dw are (m,) for m input features; everything else is a float.
    """

    x: np.ndarray
    w: np.ndarray
    b: float
    y: float
    z: float      # z = w·x + b
    a: float      # a = σ(z)
    L: float      # L = −[y log a + (1 − y) log(1 − a)]
    da: float     # dL/da = −y/a + (1 − y)/(1 − a)
    dz: float     # dL/dz = dL/da · a(1 − a) = a − y
    dw: np.ndarray  # dL/dw = x·dz
    db: float     # dL/db = dz


def neuron_graph(net: Network, x, y) -> NeuronGraph:
    """Forward z = w·x + b, a = σ(z), L(a, y) and backward dz = a − y, dw = x·dz, db = dz for one example.

    ``net`` must be a single neuron, ``Network([m, 1])``; x has shape (m,), y is 0 or 1.
    """
    w, b = _single_neuron(net)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.shape != w.shape:
        raise ValueError(f"x must have {w.size} values, one per input of the neuron; got {x.size}.")
    y = _check_label(y)
    (Z, A), = net.layer_outputs(x.reshape(1, -1))
    z, a = float(Z[0, 0]), float(A[0, 0])
    L = float(logistic_loss_from_logits(y, z))
    # 1 − a written as σ(−z): stays > 0 where 1 − a would round to 0, so dL/da is finite.
    one_minus_a = float(activations.sigmoid(-z))
    # dL/da = −y/a + (1 − y)/(1 − a); one of the two terms is 0 since y is 0 or 1.
    # Only for |z| > 745, where a or 1 − a underflows to 0, is the slope infinite.
    if y == 1:
        da = -1.0 / a if a > 0 else -np.inf
    else:
        da = 1.0 / one_minus_a if one_minus_a > 0 else np.inf
    dz = a - y
    return NeuronGraph(x=x, w=w, b=b, y=y, z=z, a=a, L=L, da=float(da), dz=dz, dw=x * dz, db=dz)


@dataclass
class BatchGraph:
    """One neuron on m examples at once (vectorized).

    Shapes: X (m, n), Y (m, 1), W (1, n), Z, A, L, dZ (m, 1), dW (1, n); b, J, db floats.
    """

    X: np.ndarray
    Y: np.ndarray
    W: np.ndarray
    b: float
    Z: np.ndarray   # Z = X @ W.T + b
    A: np.ndarray   # A = σ(Z)
    L: np.ndarray   # per-example loss
    J: float        # J = mean(L)
    dZ: np.ndarray  # dZ = A − Y
    dW: np.ndarray  # dW = (1/m) dZ.T @ X
    db: float       # db = (1/m) Σ dZ


def batch_graph(net: Network, X, y) -> BatchGraph:
    """Z = X @ W.T + b, A = σ(Z), J = mean L; dZ = A − Y, dW = (1/m) dZ.T @ X, db = mean(dZ).

    ``net`` must be ``Network([n, 1])``; X has shape (m, n), y shape (m,) or (m, 1) of 0/1.
    """
    W, b = _single_neuron(net)
    X = net.check_inputs(X)
    Y = net.check_labels(y, len(X))
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError("Labels y must be 0 (cat) or 1 (dog).")
    (Z, A), = net.layer_outputs(X)
    L = logistic_loss_from_logits(Y, Z)
    dZ = A - Y
    m = len(X)
    return BatchGraph(X=X, Y=Y, W=W.reshape(1, -1), b=b, Z=Z, A=A, L=L, J=float(np.mean(L)), dZ=dZ,
                      dW=dZ.T @ X / m, db=float(np.mean(dZ)))


def single_neuron(w, b: float) -> Network:
    """A ``Network([n, 1])`` with W = [w] (shape (1, n)) and b (shape (1, 1)): ŷ = σ(w·x + b)."""
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    if w.size < 1:
        raise ValueError("A neuron needs at least one weight.")
    net = Network([w.size, 1], seed=0)
    net.weights[0] = w.reshape(1, -1)
    net.biases[0] = [[float(b)]]
    return net


def toy_batch(m: int, n: int = 3, seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """m examples with n standard-normal features rounded to 2 decimals, X (m, n), and y (m,) = [Σ_k x_k > 0]."""
    if int(m) < 1 or int(n) < 1:
        raise ValueError(f"Need m ≥ 1 examples and n ≥ 1 features; got m = {m}, n = {n}.")
    rng = np.random.default_rng(seed)  # a Generator passes through unchanged
    X = np.round(rng.standard_normal((int(m), int(n))), 2)
    return X, (X.sum(axis=1) > 0).astype(int)


def compose_linear(weights, biases) -> tuple[np.ndarray, np.ndarray]:
    """Stacked linear layers collapse to one: W_eff = W[L]…W[2]·W[1], b_eff = Σ_l b[l]·(W[L]…W[l+1]).T.

    weights[l] has shape (u_l, u_{l−1}), biases[l] shape (1, u_l); returns W_eff (u_L, u_0), b_eff (1, u_L),
    so that X @ W_eff.T + b_eff equals the stack's output for X of shape (m, u[0]).
    """
    weights, biases = list(weights), list(biases)
    if not weights or len(weights) != len(biases):
        raise ValueError("Give one bias per weight matrix (and at least one layer).")
    W_eff = np.asarray(weights[0], dtype=np.float64)
    b_eff = np.asarray(biases[0], dtype=np.float64).reshape(1, -1)
    for W, b in zip(weights[1:], biases[1:]):
        W = np.asarray(W, dtype=np.float64)
        if W.shape[1] != W_eff.shape[0]:
            raise ValueError(f"Layer shapes do not chain: {W.shape} after {W_eff.shape}.")
        W_eff = W @ W_eff
        b_eff = b_eff @ W.T + np.asarray(b, dtype=np.float64).reshape(1, -1)
    return W_eff, b_eff


def _single_neuron(net: Network) -> tuple[np.ndarray, float]:
    if len(net.layer_sizes) != 2:
        raise ValueError(f"This graph is for a single neuron, Network([n, 1]); got {net!r}.")
    return np.array(net.weights[0][0], dtype=np.float64), float(net.biases[0][0, 0])


def _check_label(y) -> float:
    y = float(np.asarray(y).reshape(-1)[0]) if np.size(y) == 1 else None
    if y not in (0.0, 1.0):
        raise ValueError("The label y must be 0 (cat) or 1 (dog).")
    return y
