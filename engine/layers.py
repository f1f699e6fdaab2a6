"""Layers: small objects with forward(A_prev) and backward(dZ), each keeping what it needs.

A network is a stack of these. A future convolution layer fits in the same way: it holds its own
parameters, caches its input in forward, and fills its gradients in backward.
"""

from __future__ import annotations

import numpy as np

from . import activations


class Dense:
    """A fully connected layer: Z = A_prev @ W.T + b.

    Shapes: A_prev (n, u_in), W (u_out, u_in), b (1, u_out), Z (n, u_out).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W = W
        self.b = b
        self.dW = np.zeros_like(W)
        self.db = np.zeros_like(b)
        self._A_prev: np.ndarray | None = None

    @classmethod
    def initialized(cls, u_in: int, u_out: int, scale: float, rng: np.random.Generator, dtype) -> "Dense":
        """W ~ N(0, scale² / u_in), b = 0: variance-preserving initialisation (Xavier, or He with scale √2)."""
        W = (rng.standard_normal((u_out, u_in)) * (scale / np.sqrt(u_in))).astype(dtype)
        return cls(W, np.zeros((1, u_out), dtype=dtype))

    def forward(self, A_prev: np.ndarray) -> np.ndarray:
        """Z = A_prev @ W.T + b; shapes (n, u_in) → (n, u_out)."""
        self._A_prev = A_prev
        return A_prev @ self.W.T + self.b

    def backward(self, dZ: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """dW = (1/m) dZ.T @ A_prev, db = mean of dZ over rows; returns dA_prev = dZ @ W.

        Shapes: dZ (m, u_out) → dW (u_out, u_in), db (1, u_out), dA_prev (m, u_in).
        The input layer passes need_dA_prev=False: nothing upstream needs it, and for a
        12288-wide image it is the largest product in the backward pass.
        """
        m = dZ.shape[0]
        # Scale the small dZ rather than the large dW.
        np.matmul((dZ * dZ.dtype.type(1.0 / m)).T, self._A_prev, out=self.dW)
        dZ.sum(axis=0, keepdims=True, out=self.db)
        self.db *= dZ.dtype.type(1.0 / m)
        return dZ @ self.W if need_dA_prev else None

    def parameters(self) -> list[np.ndarray]:
        return [self.W, self.b]

    def grads(self) -> list[np.ndarray]:
        return [self.dW, self.db]

    def __repr__(self) -> str:
        u_out, u_in = self.W.shape
        return f"Dense({u_in} → {u_out})"


class Activation:
    """A = g(Z), element-wise; backward gives dZ = dA ⊙ g'(Z)."""

    def __init__(self, name: str):
        self.name = name
        self.g, _ = activations.get(name)
        self._local_gradient = activations.LOCAL_GRADIENT[name]
        self._Z: np.ndarray | None = None
        self._A: np.ndarray | None = None

    def forward(self, Z: np.ndarray) -> np.ndarray:
        """A = g(Z); same shape (n, u)."""
        self._Z = Z
        self._A = self.g(Z)
        return self._A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dZ = dA ⊙ g'(Z); same shape (n, u)."""
        return dA * self._local_gradient(self._Z, self._A)

    def __repr__(self) -> str:
        return f"Activation({self.name})"
