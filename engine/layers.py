"""Layers: small objects with ``forward`` and ``backward`` side by side, each keeping what it needs.

A network is one ordered list of layers (``engine.network.Network``): ``forward`` walks the list,
``backward`` walks it in reverse. Every layer follows the same protocol:

    forward(A_prev, training=False) -> A          one batch; rows (axis 0) are the m examples
    backward(dA, need_dA_prev=True) -> dA_prev    fills the layer's gradient buffers
    parameters() / grads()                        live arrays, in the same order, for an optimizer
    state()                                       live arrays saved with the model, never optimised
    output_shape(input_shape) -> shape            per-example shapes, without m
    config() -> dict / from_config(config, input_shape, dtype)   for model files (JSON, no pickle)

The gradient flowing backwards is per example: for the output, dZ[L] = A[L] − Y (no 1/m). A layer
with parameters averages over the batch itself, dW = (1/m) dZᵀ·A_prev, as the course writes it.
So a new layer kind (convolution, pooling, dropout) drops in without touching the network.

Two kinds of saved arrays: **parameters** (``param_names``: W, b, BatchNorm's γ and β) are learned by
gradient descent, so an optimizer (and the L2 penalty, for ``penalised`` ones) sees them; **state**
(``state_names``: BatchNorm's running mean and variance) is what a layer measures while training
and needs at inference, so it is written to the model file and read back exactly, but no optimizer
ever sees it. ``check_state`` says whether a model file's state makes sense (a variance ≥ 0).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from . import activations
from .parallel import in_parts

#: type name → layer class, for reading model files; filled by ``register``.
LAYER_TYPES: dict[str, type["Layer"]] = {}


def register(cls: type["Layer"]) -> type["Layer"]:
    """Class decorator: make a layer type loadable from a model file under ``cls.type``."""
    LAYER_TYPES[cls.type] = cls
    return cls


class Layer:
    """Base class: a layer without parameters whose output has its input's shape."""

    type: ClassVar[str] = ""
    #: names of the parameter attributes; the gradient of ``W`` lives in ``dW``.
    param_names: ClassVar[tuple[str, ...]] = ()
    #: names of the parameters the L2 penalty λ/(2m) Σ‖W‖² applies to (weights, never biases).
    penalised: ClassVar[tuple[str, ...]] = ()
    #: names of the state attributes: saved in the model file, never given to an optimizer.
    state_names: ClassVar[tuple[str, ...]] = ()

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def parameters(self) -> list[np.ndarray]:
        return [getattr(self, name) for name in self.param_names]

    def grads(self) -> list[np.ndarray]:
        return [getattr(self, "d" + name) for name in self.param_names]

    def state(self) -> list[np.ndarray]:
        """The live state arrays, in ``state_names`` order (empty for most layers)."""
        return [getattr(self, name) for name in self.state_names]

    def check_state(self) -> None:
        """Raise ValueError if the state read from a file cannot be right (the shapes are checked
        before); nothing to check for most layers."""

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(input_shape)

    def config(self) -> dict:
        return {"type": self.type}

    @classmethod
    def param_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        """The shape of each parameter ``config`` implies, computed without allocating anything
        (a model file is checked with it before the layer is built)."""
        return {}

    @classmethod
    def state_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        """The shape of each state array, like ``param_shapes``."""
        return {}

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Layer":
        """A layer described by ``config`` for inputs of ``input_shape``; parameters zero."""
        return cls()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@register
class Dense(Layer):
    """A fully connected layer: Z = A_prev·Wᵀ + b.

    Shapes: A_prev (m, u[l−1]), W (u[l], u[l−1]), b (1, u[l]), Z (m, u[l]).
    """

    type = "Dense"
    param_names = ("W", "b")
    penalised = ("W",)

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W = W
        self.b = b
        self.dW = np.zeros_like(W)
        self.db = np.zeros_like(b)
        self._A_prev: np.ndarray | None = None

    @classmethod
    def initialized(cls, u_in: int, u_out: int, scale: float, rng: np.random.Generator, dtype) -> "Dense":
        """W ~ N(0, scale² / u[l−1]), b = 0: variance-preserving initialisation (Xavier, or He with √2)."""
        W = (rng.standard_normal((u_out, u_in)) * (scale / np.sqrt(u_in))).astype(dtype)
        return cls(W, np.zeros((1, u_out), dtype=dtype))

    def forward(self, A_prev: np.ndarray, training: bool = False) -> np.ndarray:
        """Z = A_prev·Wᵀ + b; shapes (m, u[l−1]) → (m, u[l])."""
        self._A_prev = A_prev
        return A_prev @ self.W.T + self.b

    def backward(self, dZ: np.ndarray, need_dA_prev: bool = True) -> np.ndarray | None:
        """dW = (1/m) dZᵀ·A_prev, db = mean of dZ over the m rows; returns dA_prev = dZ·W.

        Shapes: dZ (m, u[l]) → dW (u[l], u[l−1]), db (1, u[l]), dA_prev (m, u[l−1]).
        The first layer passes need_dA_prev=False: nothing upstream needs it, and for a
        12288-wide image it is the largest product in the backward pass.
        """
        m = dZ.shape[0]
        # Scale the small dZ rather than the large dW.
        np.matmul((dZ * dZ.dtype.type(1.0 / m)).T, self._A_prev, out=self.dW)
        dZ.sum(axis=0, keepdims=True, out=self.db)
        self.db *= dZ.dtype.type(1.0 / m)
        return dZ @ self.W if need_dA_prev else None

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if tuple(input_shape) != (self.W.shape[1],):
            raise ValueError(f"Dense({self.W.shape[1]} → {self.W.shape[0]}) needs inputs of shape "
                             f"({self.W.shape[1]},) per example; got {tuple(input_shape)}. "
                             "Put a Flatten layer before it for pictures.")
        return (self.W.shape[0],)

    def config(self) -> dict:
        return {"type": self.type, "units": int(self.W.shape[0])}

    @classmethod
    def param_shapes(cls, config: dict, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        if len(input_shape) != 1:
            raise ValueError(f"A Dense layer needs flat inputs; got per-example shape {tuple(input_shape)}.")
        u_out = _positive_int(config, "units")
        return {"W": (u_out, int(input_shape[0])), "b": (1, u_out)}

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Dense":
        shapes = cls.param_shapes(config, input_shape)
        return cls(np.zeros(shapes["W"], dtype=dtype), np.zeros(shapes["b"], dtype=dtype))

    def __repr__(self) -> str:
        u_out, u_in = self.W.shape
        return f"Dense({u_in} → {u_out})"


@register
class Activation(Layer):
    """A = g(Z), element-wise, for inputs of any shape; backward gives dZ = dA ⊙ g′(Z).

    A training pass keeps g′(Z) for backward; for a batch of pictures the product dA ⊙ g′ is split
    over the picture layers' threads. Both as measured in docs/cnn_notes.md.
    """

    type = "Activation"

    def __init__(self, name: str):
        self.spec = activations.spec(name)
        self.name = name
        self._Z: np.ndarray | None = None
        self._A: np.ndarray | None = None
        self._local: np.ndarray | None = None  # g′(Z) of the last training batch

    def forward(self, Z: np.ndarray, training: bool = False) -> np.ndarray:
        """A = g(Z); same shape. A training pass also keeps g′(Z) for the backward pass."""
        self._Z = Z
        self._A = self.spec.g(Z)
        # Made now, while A is still in the CPU's cache, rather than from A read back from memory
        # after the rest of the forward pass: ReLU's g′ is one byte per value (booleans), A four.
        self._local = self.spec.local_gradient(Z, self._A) if training else None
        return self._A

    def backward(self, dA: np.ndarray, need_dA_prev: bool = True) -> np.ndarray:
        """dZ = dA ⊙ g′(Z), with g′ written from the stored A = g(Z) where it can be; same shape."""
        if self._A is None:
            raise ValueError(f"{self!r}.backward needs its own forward pass of the same batch first.")
        local = self._local if self._local is not None else self.spec.local_gradient(self._Z, self._A)
        return _product_by_examples(dA, local)

    def config(self) -> dict:
        return {"type": self.type, "name": self.name}

    @classmethod
    def from_config(cls, config: dict, input_shape: tuple[int, ...], dtype) -> "Activation":
        name = config.get("name")
        if not isinstance(name, str):
            raise ValueError("An Activation layer needs a name.")
        return cls(name)

    def __repr__(self) -> str:
        return f"Activation({self.name})"


def _positive_int(config: dict, key: str) -> int:
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{config.get('type', 'A layer')} needs a whole number {key} ≥ 1; got {value!r}.")
    return value


def _product_by_examples(dA: np.ndarray, local: np.ndarray) -> np.ndarray:
    """dA ⊙ local; a batch of pictures (m, H, W, C) is split by examples over the picture layers'
    threads (``engine.parallel``), rows of features (m, u) are not."""
    if dA.ndim != 4 or dA.shape != local.shape:
        return dA * local

    out = np.empty(dA.shape, dtype=np.result_type(dA, local))

    def part(start: int, stop: int, n: int) -> None:
        np.multiply(dA[start:stop], local[start:stop], out=out[start:stop])

    in_parts(len(dA), part, out.nbytes)
    return out
