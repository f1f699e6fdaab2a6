"""Optimizers: each a small object whose ``step(params, grads)`` updates the arrays in place.

``params`` and ``grads`` are parallel lists (e.g. ``net.parameters()`` and ``net.grads()``).
Per-parameter state (velocities, squared-gradient averages) is kept by list position and created
on the first step, so one optimizer object serves one network.
"""

from __future__ import annotations

import numpy as np


class Optimizer:
    """Base class: holds the learning rate α and the step counter t."""

    name = "optimizer"

    def __init__(self, learning_rate: float):
        if not (np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"The learning rate must be a number > 0; got {learning_rate}.")
        self.learning_rate = float(learning_rate)
        self.t = 0
        self._state: list[list[np.ndarray]] = []

    def reset(self) -> None:
        """Forget all state (velocities, averages, t), as if newly made."""
        self.t = 0
        self._state = []

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update to every array in ``params`` in place."""
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameters but {len(grads)} gradients.")
        if not self._state:
            self._state = [self._new_state(p) for p in params]
        self.t += 1
        for p, g, s in zip(params, grads, self._state):
            self._update(p, g, s)

    def _new_state(self, p: np.ndarray) -> list[np.ndarray]:
        return []

    def _update(self, p: np.ndarray, g: np.ndarray, state: list[np.ndarray]) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


class GradientDescent(Optimizer):
    """θ := θ − α·dθ."""

    name = "gradient descent"

    def _update(self, p, g, state):
        p -= p.dtype.type(self.learning_rate) * g


class Momentum(Optimizer):
    """v := β·v + (1 − β)·dθ;  θ := θ − α·v  (an exponentially weighted average of gradients)."""

    name = "momentum"

    def __init__(self, learning_rate: float, beta: float = 0.9):
        super().__init__(learning_rate)
        self.beta = _check_beta(beta, "beta")

    def _new_state(self, p):
        return [np.zeros_like(p)]

    def _update(self, p, g, state):
        (v,) = state
        v *= self.beta
        v += (1 - self.beta) * g
        p -= p.dtype.type(self.learning_rate) * v


class RMSProp(Optimizer):
    """s := β·s + (1 − β)·dθ²;  θ := θ − α·dθ / (√s + ε)."""

    name = "RMSProp"

    def __init__(self, learning_rate: float, beta: float = 0.9, eps: float = 1e-8):
        super().__init__(learning_rate)
        self.beta = _check_beta(beta, "beta")
        self.eps = eps

    def _new_state(self, p):
        return [np.zeros_like(p)]

    def _update(self, p, g, state):
        (s,) = state
        s *= self.beta
        s += (1 - self.beta) * g * g
        p -= p.dtype.type(self.learning_rate) * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """v := β1·v + (1−β1)·dθ;  s := β2·s + (1−β2)·dθ²;  θ := θ − α·v̂ / (√ŝ + ε),
    with bias corrections v̂ = v / (1 − β1^t), ŝ = s / (1 − β2^t)."""

    name = "Adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1 = _check_beta(beta1, "beta1")
        self.beta2 = _check_beta(beta2, "beta2")
        self.eps = eps

    def _new_state(self, p):
        return [np.zeros_like(p), np.zeros_like(p)]

    def _update(self, p, g, state):
        v, s = state
        v *= self.beta1
        v += (1 - self.beta1) * g
        s *= self.beta2
        s += (1 - self.beta2) * g * g
        # Fold both bias corrections into one scalar step size.
        alpha_t = self.learning_rate * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        eps_t = self.eps * np.sqrt(1 - self.beta2 ** self.t)
        p -= p.dtype.type(alpha_t) * v / (np.sqrt(s) + p.dtype.type(eps_t))


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make(name: str, learning_rate: float, **kwargs) -> Optimizer:
    """Build an optimizer by key: "gd", "momentum", "rmsprop" or "adam"."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"Unknown optimizer {name!r}. Choose one of: {', '.join(OPTIMIZERS)}.") from None
    return cls(learning_rate, **kwargs)


def _check_beta(beta: float, name: str) -> float:
    if not 0 <= beta < 1:
        raise ValueError(f"{name} must be in [0, 1); got {beta}.")
    return float(beta)
