"""Activation functions g(z) and their derivatives g'(z), looked up by name.

Every function is element-wise: it takes an array Z of any shape and returns an array of the
same shape and dtype.
"""

from __future__ import annotations

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


# name -> (g, g'); the keys are what the UI offers and what Network(activation=...) accepts.
ACTIVATIONS: dict[str, tuple[ArrayFn, ArrayFn]] = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "linear": (linear, linear_derivative),
}

# g'(z) written with the already-computed output a = g(z), which backprop has in hand: saves
# recomputing exp/tanh on every backward pass.
LOCAL_GRADIENT: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "sigmoid": lambda z, a: a * (1.0 - a),
    "tanh": lambda z, a: 1.0 - a * a,
    "relu": lambda z, a: (z > 0).astype(a.dtype),
    "leaky_relu": lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(a.dtype),
    "linear": lambda z, a: np.ones_like(a),
}


def get(name: str) -> tuple[ArrayFn, ArrayFn]:
    """Return (g, g') for an activation name such as "sigmoid" or "relu"."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Unknown activation {name!r}. Choose one of: {', '.join(ACTIVATIONS)}."
        ) from None


def _float_dtype(z: np.ndarray) -> np.dtype:
    """Keep float32 as float32; promote ints and bools to float64."""
    return z.dtype if np.issubdtype(z.dtype, np.floating) else np.dtype(np.float64)
