"""Batch normalisation: each channel of a layer's input rescaled to mean 0 and variance 1, then γ·x̂ + β.

    training:  μ, σ² = mean and variance of the batch over every example (and every pixel, for pictures)
               x̂ = (x − μ) / √(σ² + ε),   A = γ ⊙ x̂ + β
               running_μ := β_avg·running_μ + (1 − β_avg)·μ   (the same for σ², unbiased)
    inference: x̂ = (x − running_μ) / √(running_σ² + ε),   A = γ ⊙ x̂ + β

γ and β are parameters (an optimizer learns them); the running mean and variance are **state**
(``engine.layers``): measured while training, saved in the model file, never touched by an optimizer.
``BatchNorm`` takes rows (m, u), ``BatchNorm2D`` pictures (m, H, W, C) with one γ, β, μ, σ² per channel.
The maths of one layer is in ``engine.reference``; these are the same numbers, in fewer passes.
"""

from __future__ import annotations

import math

import numpy as np

from .layers import Layer, register

MOMENTUM = 0.9   # β_avg of the running averages (the course's exponentially weighted average)
EPS = 1e-5


class _Normalisation(Layer):
    """What BatchNorm and BatchNorm2D share: statistics over every axis but the last (the channels)."""

    param_names = ("gamma", "beta")
    state_names = ("running_mean", "running_var")
    ndim = 2  # of a batch: (m, u) or (m, H, W, C)

    def __init__(self, channels: int, momentum: float = MOMENTUM, eps: float = EPS, dtype=np.float64):
        if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels < 1:
            raise ValueError(f"{type(self).__name__} needs a whole number of channels ≥ 1; got {channels!r}.")
        self.momentum, self.eps = _momentum(momentum), _eps(eps)
        shape = (1, int(channels))
        self.gamma, self.beta = np.ones(shape, dtype), np.zeros(shape, dtype)
        self.dgamma, self.dbeta = np.zeros(shape, dtype), np.zeros(shape, dtype)
        self.running_mean, self.running_var = np.zeros(shape, dtype), np.ones(shape, dtype)
        self._x_hat: np.ndarray | None = None   # x̂ of the last batch, rows (N, C)
        self._inv_std: np.ndarray | None = None  # 1/√(σ² + ε) it was divided by, (C,)
        self._training = False                   # whether that batch used its own μ and σ²

    @property
    def channels(self) -> int:
        return self.gamma.shape[1]

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """A = γ ⊙ (x − μ)/√(σ² + ε) + β per channel; same shape. ``training``: μ, σ² of this batch
        (and the running averages move towards them), else the running ones."""
        self._check(A_prev)
        C, dtype = self.channels, A_prev.dtype
        x = A_prev.reshape(-1, C)
        if training:
            N = len(x)
            # Sums by einsum in the pictures' own dtype: 5× faster than a float64 accumulator, and
            # within 1e-5 of it (relative) for a batch of 64×64 float32 pictures.
            mean = np.einsum("nc->c", x).astype(np.float64) / N
            x_hat = x - mean.astype(dtype)
            var = np.einsum("nc,nc->c", x_hat, x_hat).astype(np.float64) / N
            inv_std = 1.0 / np.sqrt(var + self.eps)
            x_hat *= inv_std.astype(dtype)
            a = self.momentum
            self.running_mean[0] = a * self.running_mean[0] + (1 - a) * mean
            self.running_var[0] = a * self.running_var[0] + (1 - a) * var * (N / max(N - 1, 1))
        else:
            inv_std = 1.0 / np.sqrt(self.running_var[0].astype(np.float64) + self.eps)
            x_hat = (x - self.running_mean[0].astype(dtype)) * inv_std.astype(dtype)
        self._x_hat, self._inv_std, self._training = x_hat, inv_std, training
        A = x_hat * self.gamma[0].astype(dtype)
        A += self.beta[0].astype(dtype)
        return A.reshape(A_prev.shape)

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """dγ = (1/m) Σ dA ⊙ x̂, dβ = (1/m) Σ dA (sums over every example and pixel); returns
        dA_prev = γ/√(σ² + ε) ⊙ (dA − mean(dA) − x̂ ⊙ mean(dA ⊙ x̂)) after a training pass (the batch's
        μ and σ² depend on every example), γ/√(running σ² + ε) ⊙ dA after an inference pass."""
        if self._x_hat is None or dA.size != self._x_hat.size:
            raise ValueError(f"{self!r}.backward needs its own forward pass of the same batch first.")
        m, C = dA.shape[0], self.channels
        g = dA.reshape(-1, C)
        N = len(g)
        sum_g = np.einsum("nc->c", g).astype(np.float64)
        sum_gx = np.einsum("nc,nc->c", g, self._x_hat).astype(np.float64)
        self.dgamma[0] = sum_gx / m
        self.dbeta[0] = sum_g / m
        if not need_dA_prev:
            return None
        scale = (self.gamma[0] * self._inv_std).astype(dA.dtype)
        if self._training:
            d = self._x_hat * (sum_gx / N).astype(dA.dtype)
            np.subtract(g, d, out=d)
            d -= (sum_g / N).astype(dA.dtype)
            d *= scale
        else:
            d = g * scale
        return d.reshape(dA.shape)

    def _check(self, A_prev: np.ndarray) -> None:
        if A_prev.ndim != self.ndim or A_prev.shape[-1] != self.channels:
            raise ValueError(f"{self!r} needs inputs of shape {self._shape_text()}; got {A_prev.shape}.")

    def _shape_text(self) -> str:
        return f"(m, {self.channels})" if self.ndim == 2 else f"(m, H, W, {self.channels})"

    def check_state(self) -> None:
        if np.any(self.running_var < 0):
            raise ValueError("its running variance has negative entries; a variance is ≥ 0")

    def config(self) -> dict:
        return {"type": self.type, "momentum": self.momentum, "eps": self.eps}

    @classmethod
    def _channels(cls, input_shape: tuple[int, ...]) -> int:
        shape = tuple(input_shape)
        if len(shape) != cls.ndim - 1:
            want = "(u,) per example: rows of features" if cls.ndim == 2 else \
                "(H, W, C) per example: pictures, channels last"
            raise ValueError(f"{cls.type} needs inputs of shape {want}; got {shape}.")
        return int(shape[-1])

    @classmethod
    def param_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        C = cls._channels(input_shape)
        return {"gamma": (1, C), "beta": (1, C)}

    @classmethod
    def state_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        C = cls._channels(input_shape)
        return {"running_mean": (1, C), "running_var": (1, C)}

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "_Normalisation":
        return cls(cls._channels(input_shape), config.get("momentum", MOMENTUM), config.get("eps", EPS), dtype)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if self._channels(input_shape) != self.channels:
            raise ValueError(f"{self!r} needs {self.channels} channels; got {tuple(input_shape)}.")
        return tuple(input_shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.channels})"


@register
class BatchNorm(_Normalisation):
    """Batch normalisation of rows (m, u): one γ, β, running mean and variance per unit, each (1, u)."""

    type = "BatchNorm"
    ndim = 2


@register
class BatchNorm2D(_Normalisation):
    """Batch normalisation of pictures (m, H, W, C): statistics over the m examples and every pixel,
    one γ, β, running mean and variance per channel, each (1, C)."""

    type = "BatchNorm2D"
    ndim = 4


def _momentum(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"BatchNorm's momentum β is the weight of the old running average, in [0, 1); "
                         f"got {value!r}.")
    return float(value)


def _eps(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0.0 < value <= 1.0) \
            or not math.isfinite(value):
        raise ValueError(f"BatchNorm's ε keeps √(σ² + ε) away from 0: a number in (0, 1]; got {value!r}.")
    return float(value)
