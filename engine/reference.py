"""The picture layers written plainly: each forward and backward pass as its formula, with no loop.

Read these first. ``engine.conv`` and ``engine.norm`` compute the same numbers faster (patch matrices
built a cache-sized block at a time, threads, fused passes), which hides the maths; the tests assert
that both agree. Shapes are the course's, channels last: A (m, H, W, C) for m pictures of H rows,
W columns and C channels. Backward takes dA, the gradient of each example's own loss (as the layers
do: dZ[L] = A[L] − Y), and returns dA_prev the same way; gradients of parameters are averaged over
the m examples, dW = (1/m) Σ …, as the course writes dW = (1/m) dZᵀ·A_prev.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _patches(A: np.ndarray, k: int) -> np.ndarray:
    """Every k×k window of A (m, H, W, C) padded with p = (k − 1)/2 zeros: (m, H, W, C, k, k),
    patches[i, y, x, c, a, b] = A_pad[i, y + a, x + b, c]. A view: nothing is copied."""
    p = k // 2
    A_pad = np.pad(A, ((0, 0), (p, p), (p, p), (0, 0)))
    return sliding_window_view(A_pad, (k, k), axis=(1, 2))


# -- convolution: k×k, stride 1, 'same' zero padding ---------------------------------------------------

def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z[i, y, x, c] = Σ_{a, b, c'} A_pad[i, y+a, x+b, c'] · W[a, b, c', c] + b[c].

    A_prev (m, H, W, C_prev), W (k, k, C_prev, C), b (1, C) → Z (m, H, W, C).
    """
    return np.einsum("iyxcab,abcd->iyxd", _patches(A_prev, W.shape[0]), W) + b[0]


def conv_backward(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray):
    """dW[a, b, c', c] = (1/m) Σ_{i, y, x} A_pad[i, y+a, x+b, c'] · dZ[i, y, x, c];  db = (1/m) Σ dZ;
    dA_prev[i, y, x, c'] = Σ_{a, b, c} dZ_pad[i, y+a, x+b, c] · W[k−1−a, k−1−b, c', c]: the same
    convolution, of dZ with the filters flipped.

    Returns (dA_prev (m, H, W, C_prev), dW (k, k, C_prev, C), db (1, C)).
    """
    m, k = len(dZ), W.shape[0]
    dW = np.einsum("iyxcab,iyxd->abcd", _patches(A_prev, k), dZ) / m
    db = dZ.sum(axis=(0, 1, 2))[None] / m
    dA_prev = np.einsum("iyxdab,abcd->iyxc", _patches(dZ, k), W[::-1, ::-1])
    return dA_prev, dW, db


# -- ReLU --------------------------------------------------------------------------------------------

def relu_forward(Z: np.ndarray) -> np.ndarray:
    """A = max(0, Z), element by element."""
    return np.maximum(Z, 0)


def relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA ⊙ [Z > 0]."""
    return dA * (Z > 0)


# -- 2×2 max pooling, stride 2 -------------------------------------------------------------------------

def _windows(A: np.ndarray) -> np.ndarray:
    """The 2×2 windows of A (m, H, W, C) as (m, H/2, W/2, C, 4), in the order top left, bottom left,
    top right, bottom right (down the left column, then the right)."""
    m, H, Wd, C = A.shape
    return A.reshape(m, H // 2, 2, Wd // 2, 2, C).transpose(0, 1, 3, 5, 4, 2).reshape(m, H // 2, Wd // 2, C, 4)


def maxpool_forward(A_prev: np.ndarray) -> np.ndarray:
    """A[i, y, x, c] = max over the window A_prev[i, 2y:2y+2, 2x:2x+2, c]; (m, H, W, C) → (m, H/2, W/2, C)."""
    return _windows(A_prev).max(axis=-1)


def maxpool_backward(dA: np.ndarray, A_prev: np.ndarray) -> np.ndarray:
    """dA_prev = dA at each window's maximum, 0 at its other three inputs; on a tie the first maximum
    down the left column, then the right, gets it. (m, H/2, W/2, C) → (m, H, W, C)."""
    m, H, Wd, C = A_prev.shape
    first = _windows(A_prev).argmax(axis=-1)
    one_hot = np.arange(4) == first[..., None]                  # (m, H/2, W/2, C, 4)
    d = (one_hot * dA[..., None]).reshape(m, H // 2, Wd // 2, C, 2, 2)
    return d.transpose(0, 1, 5, 2, 4, 3).reshape(m, H, Wd, C)   # back to (m, H/2, 2, W/2, 2, C)


# -- batch normalisation: statistics over every axis but the channels -----------------------------------

def batchnorm_forward(A_prev: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Training: μ, σ² = mean and variance over the batch (and every pixel); x̂ = (A_prev − μ)/√(σ² + ε);
    A = γ ⊙ x̂ + β. Any shape with the channels last; gamma, beta (1, C).

    Returns (A, x̂, σ²): backward needs x̂ and σ².
    """
    axes = tuple(range(A_prev.ndim - 1))
    mean, var = A_prev.mean(axis=axes), A_prev.var(axis=axes)
    x_hat = (A_prev - mean) / np.sqrt(var + eps)
    return gamma[0] * x_hat + beta[0], x_hat, var


def batchnorm_inference(A_prev, gamma, beta, running_mean, running_var, eps: float = 1e-5) -> np.ndarray:
    """A = γ ⊙ (A_prev − running μ)/√(running σ² + ε) + β: the statistics measured while training."""
    return gamma[0] * (A_prev - running_mean[0]) / np.sqrt(running_var[0] + eps) + beta[0]


def batchnorm_backward(dA: np.ndarray, x_hat: np.ndarray, var: np.ndarray, gamma: np.ndarray,
                       eps: float = 1e-5):
    """dγ = (1/m) Σ dA ⊙ x̂;  dβ = (1/m) Σ dA;  with dx̂ = γ ⊙ dA (means over every example and pixel):
    dA_prev = (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / √(σ² + ε), since μ and σ² depend on every example.

    Returns (dA_prev, dgamma (1, C), dbeta (1, C)).
    """
    m, axes = len(dA), tuple(range(dA.ndim - 1))
    dgamma = (dA * x_hat).sum(axis=axes)[None] / m
    dbeta = dA.sum(axis=axes)[None] / m
    dx_hat = gamma[0] * dA
    dA_prev = (dx_hat - dx_hat.mean(axis=axes) - x_hat * (dx_hat * x_hat).mean(axis=axes)) / np.sqrt(var + eps)
    return dA_prev, dgamma, dbeta


# -- flatten and dropout ---------------------------------------------------------------------------------

def flatten_forward(A_prev: np.ndarray) -> np.ndarray:
    """Each picture read row by row into one row: (m, H, W, C) → (m, H·W·C)."""
    return A_prev.reshape(len(A_prev), -1)


def flatten_backward(dA: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Rows back to pictures of ``shape`` (m, H, W, C)."""
    return dA.reshape(shape)


def dropout_forward(A_prev: np.ndarray, D: np.ndarray, rate: float) -> np.ndarray:
    """Inverted dropout while training: A = A_prev ⊙ D / (1 − rate), D of 0s and 1s (1 = kept)."""
    return A_prev * D / (1 - rate)


def dropout_backward(dA: np.ndarray, D: np.ndarray, rate: float) -> np.ndarray:
    """dA_prev = dA ⊙ D / (1 − rate): the gradient flows through the kept units only."""
    return dA * D / (1 - rate)
