"""Activation functions g(z) and their derivatives g'(z), looked up by name.

Every function is element-wise: it takes an array Z of any shape and returns an array of the
same shape and dtype.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

ArrayFn = Callable[[np.ndarray], np.ndarray]

LEAKY_SLOPE = 0.01


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), stable for any |z|.

    Only e^(−|z|) is ever computed, so nothing overflows: σ(1e4) is exactly 1 and σ(−1e4)
    exactly 0, with no warning.
    """
    z = np.asarray(z)
    return sigmoid_from_exp(z, np.exp(-np.abs(z))).astype(_float_dtype(z), copy=False)


def sigmoid_from_exp(z, e):
    """σ(z) given e = e^(−|z|): 1/(1 + e) where z ≥ 0, e/(1 + e) elsewhere; same shape as z.

    For callers that need e^(−|z|) anyway (the logistic cost from logits), so it is computed once.
    """
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def sigmoid_derivative(z):
    """σ'(z) = σ(z)·(1 − σ(z)), at most 0.25 (at z = 0)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), in (−1, 1)."""
    return np.tanh(z)


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh²(z), at most 1 (at z = 0)."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = np.asarray(z)
    return np.maximum(z, 0).astype(_float_dtype(z), copy=False)


def relu_derivative(z):
    """ReLU'(z) = 1 if z > 0 else 0 (we take 0 at z = 0)."""
    z = np.asarray(z)
    return (z > 0).astype(_float_dtype(z))


def leaky_relu(z):
    """LeakyReLU(z) = z if z > 0 else 0.01·z."""
    z = np.asarray(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z).astype(_float_dtype(z), copy=False)


def leaky_relu_derivative(z):
    """LeakyReLU'(z) = 1 if z > 0 else 0.01."""
    z = np.asarray(z)
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(_float_dtype(z), copy=False)


def linear(z):
    """identity(z) = z: a layer with no activation, to show that stacked linear maps stay linear."""
    return np.asarray(z)


def linear_derivative(z):
    """identity'(z) = 1."""
    z = np.asarray(z)
    return np.ones_like(z, dtype=_float_dtype(z))


@dataclass(frozen=True)
class ActivationSpec:
    """Everything the app knows about one activation g, in one place.

    ``local_gradient(z, a)`` is g′(z) written with the output a = g(z) that backprop already has
    (σ′ = a(1 − a), tanh′ = 1 − a²), which saves recomputing exp or tanh on every backward pass.
    Where g′ is only ever 0 or 1 (ReLU) it is given as booleans: dA ⊙ g′ is then one multiplication
    that reads one byte per g′ value, with no float array of ones and zeros made first.
    ``saturated(z, a)`` marks where g′ almost vanishes, so almost no gradient flows back.
    ``init_scale`` is the s of W ~ N(0, s²/u[l−1]): √2 (He) for the ReLU family, 1 (Xavier) otherwise.
    ``output_range`` is the interval g's values lie in, where it is bounded (for aligned histograms).
    """

    name: str
    label: str   # for a menu: "ReLU"
    title: str   # for a chart: "ReLU(z)"
    g: ArrayFn
    derivative: ArrayFn
    local_gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    saturated: Callable[[np.ndarray, np.ndarray], np.ndarray]
    saturation_rule: str
    init_scale: float = 1.0
    output_range: tuple[float, float] | None = None
    hidden: bool = True  # offered as a hidden-layer choice in the playground


SATURATION_LOW, SATURATION_HIGH = 0.01, 0.99

REGISTRY: dict[str, ActivationSpec] = {spec.name: spec for spec in (
    ActivationSpec("sigmoid", "sigmoid", "sigmoid σ(z)", sigmoid, sigmoid_derivative,
                   local_gradient=lambda z, a: a * (1.0 - a),
                   saturated=lambda z, a: (a < SATURATION_LOW) | (a > SATURATION_HIGH),
                   saturation_rule="a < 0.01 or a > 0.99 (σ′ < 0.0099, against a maximum of 0.25)",
                   output_range=(0.0, 1.0)),
    ActivationSpec("tanh", "tanh", "tanh(z)", tanh, tanh_derivative,
                   local_gradient=lambda z, a: 1.0 - a * a,
                   saturated=lambda z, a: np.abs(a) > SATURATION_HIGH,
                   saturation_rule="|a| > 0.99 (tanh′ < 0.02, against a maximum of 1)",
                   output_range=(-1.0, 1.0)),
    ActivationSpec("relu", "ReLU", "ReLU(z)", relu, relu_derivative,
                   local_gradient=lambda z, a: a > 0,  # a = max(0, z) > 0 exactly where z > 0
                   saturated=lambda z, a: z <= 0,
                   saturation_rule="z ≤ 0 (ReLU′ = 0: the unit is off)", init_scale=float(np.sqrt(2.0))),
    ActivationSpec("leaky_relu", "leaky ReLU", "leaky ReLU(z)", leaky_relu, leaky_relu_derivative,
                   local_gradient=lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(a.dtype),
                   saturated=lambda z, a: z <= 0,
                   saturation_rule=f"z ≤ 0 (slope {LEAKY_SLOPE})", init_scale=float(np.sqrt(2.0))),
    ActivationSpec("linear", "identity", "identity z", linear, linear_derivative,
                   local_gradient=lambda z, a: np.ones_like(a),
                   saturated=lambda z, a: np.zeros(np.shape(a), dtype=bool),
                   saturation_rule="never", hidden=False),
)}

#: The names Network(activation=...) accepts, in the order the app offers them.
NAMES: tuple[str, ...] = tuple(REGISTRY)
#: The hidden-layer choices of the playground and the "inside a network" view.
HIDDEN: tuple[str, ...] = tuple(name for name, s in REGISTRY.items() if s.hidden)


def spec(name: str) -> ActivationSpec:
    """The registry entry for an activation name such as "sigmoid" or "relu"."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown activation {name!r}. Choose one of: {', '.join(REGISTRY)}.") from None


def get(name: str) -> tuple[ArrayFn, ArrayFn]:
    """(g, g′) for an activation name."""
    s = spec(name)
    return s.g, s.derivative


def _float_dtype(z: np.ndarray) -> np.dtype:
    """Keep float32 as float32; promote ints and bools to float64."""
    return z.dtype if np.issubdtype(z.dtype, np.floating) else np.dtype(np.float64)
