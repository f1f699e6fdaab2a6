"""A fully connected network of sigmoid/tanh/ReLU layers with one sigmoid output unit.

Notation (rows are observations):
    X (n, m)            n observations × m features
    W[l] (u_l, u_{l-1}) b[l] (1, u_l)
    Z[l] = A[l-1] @ W[l].T + b[l],   A[l] = g(Z[l]),   A[0] = X,   ŷ = A[L] = σ(Z[L])
    J = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)] + λ/(2m) Σ_l ‖W[l]‖²
Backward starts from the output shortcut dZ[L] = A[L] − Y.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np

from . import activations
from .errors import ModelFileError
from .layers import Activation, Dense
from .losses import cost_and_sigmoid_from_logits, cost_from_logits

FORMAT = "neuronlab-network"
FORMAT_VERSION = 1

# Initial weight scale per activation: He (√2) for the ReLU family, Xavier (1) otherwise.
_INIT_SCALE = {"relu": np.sqrt(2.0), "leaky_relu": np.sqrt(2.0)}


class Network:
    """A dense network for binary classification; ``[m, 1]`` is exactly logistic regression.

    Parameters
    ----------
    layer_sizes : list of int
        ``[m, u1, ..., 1]``: input features, units per hidden layer, one output unit.
    activation : str or list of str
        Hidden-layer activation (see ``engine.activations.ACTIVATIONS``), one name for all or one
        per hidden layer. The output unit is always a sigmoid.
    l2 : float
        λ ≥ 0 of the penalty λ/(2m) Σ‖W‖² (biases are not penalised).
    seed : int or np.random.Generator
        Seeds the weight initialisation, W ~ N(0, scale²/u_in), b = 0.
    dtype : np.float64 or np.float32
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str | Sequence[str] = "sigmoid",
                 l2: float = 0.0, seed: int | np.random.Generator = 0, dtype=np.float64):
        sizes = _check_sizes(layer_sizes)
        n_hidden = len(sizes) - 2
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"Give one activation for all hidden layers or exactly {n_hidden} "
                             f"(one per hidden layer); got {len(names)}.")
        for name in names:
            activations.get(name)
        if not (np.isfinite(l2) and l2 >= 0):
            raise ValueError(f"l2 must be a finite number ≥ 0; got {l2}.")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64; got {self.dtype}.")
        self.layer_sizes = sizes
        self.activation_names = names
        self.l2 = float(l2)
        rng = np.random.default_rng(seed)  # returns a Generator it is given unchanged
        scales = [_INIT_SCALE.get(name, 1.0) for name in names] + [1.0]
        self.dense = [Dense.initialized(u_in, u_out, scale, rng, self.dtype)
                      for u_in, u_out, scale in zip(sizes[:-1], sizes[1:], scales)]
        self.hidden = [Activation(name) for name in names]
        self.last_Z: np.ndarray | None = None  # output logits of the last backprop batch, (m, 1)

    # -- parameters -------------------------------------------------------------------------------

    @property
    def weights(self) -> "_ParameterList":
        """W[l] for l = 0 … L−1, shape (layer_sizes[l+1], layer_sizes[l]); item assignment is checked."""
        return _ParameterList(self, "W")

    @weights.setter
    def weights(self, values: Sequence[np.ndarray]) -> None:
        _ParameterList(self, "W").assign_all(values)

    @property
    def biases(self) -> "_ParameterList":
        """b[l] for l = 0 … L−1, shape (1, layer_sizes[l+1]); item assignment is checked."""
        return _ParameterList(self, "b")

    @biases.setter
    def biases(self, values: Sequence[np.ndarray]) -> None:
        _ParameterList(self, "b").assign_all(values)

    def parameters(self) -> list[np.ndarray]:
        """[W[0], b[0], W[1], b[1], …]: the live arrays, for an optimizer to update in place."""
        return [p for layer in self.dense for p in layer.parameters()]

    @property
    def n_parameters(self) -> int:
        """Σ_l (u_l · u_{l-1} + u_l)."""
        return sum(p.size for p in self.parameters())

    # -- forward ----------------------------------------------------------------------------------

    def _logits(self, X: np.ndarray) -> np.ndarray:
        A = X
        for dense, act in zip(self.dense[:-1], self.hidden):
            A = act.forward(dense.forward(A))
        return self.dense[-1].forward(A)

    def forward(self, X) -> np.ndarray:
        """ŷ = σ(Z[L]); X (n, m) → ŷ (n, 1)."""
        return activations.sigmoid(self._logits(self._check_X(X)))

    __call__ = forward
    predict_proba = forward

    def layer_outputs(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(Z[1], A[1]), …, (Z[L], A[L])] for inspection; Z[l] and A[l] have shape (n, u_l)."""
        A = self._check_X(X)
        out = []
        for l, dense in enumerate(self.dense):
            Z = dense.forward(A)
            A = self.hidden[l].forward(Z) if l < len(self.hidden) else activations.sigmoid(Z)
            out.append((Z, A))
        return out

    def predict(self, X, threshold: float = 0.5) -> np.ndarray:
        """ŷ ≥ threshold → 1 (dog), else 0 (cat); shape (n,), dtype int."""
        return (self.forward(X)[:, 0] >= threshold).astype(int)

    def accuracy(self, X, y) -> float:
        """Share of examples with predict(X) == y; y shape (n,) or (n, 1)."""
        return float(np.mean(self.predict(X) == self._check_y(y, len(X))[:, 0]))

    # -- cost and backward ------------------------------------------------------------------------

    def _l2_term(self, m: int) -> float:
        if self.l2 == 0:
            return 0.0
        return self.l2 / (2 * m) * sum(float(np.sum(d.W * d.W)) for d in self.dense)

    def cost(self, X, y) -> float:
        """J = −(1/m) Σ [y log ŷ + (1−y) log(1−ŷ)] + λ/(2m) Σ‖W‖², computed from logits (exact)."""
        X = self._check_X(X)
        Y = self._check_y(y, len(X))
        return cost_from_logits(Y, self._logits(X)) + self._l2_term(len(X))

    def backprop(self, X, y) -> float:
        """Forward and backward pass; returns J and leaves dW, db in each layer's buffers.

        dZ[L] = A[L] − Y;  dW[l] = (1/m) dZ[l].T @ A[l-1] + (λ/m) W[l];  db[l] = mean(dZ[l]);
        dZ[l-1] = (dZ[l] @ W[l]) ⊙ g'(Z[l-1]).
        The buffers are overwritten by the next call: ``gradients`` returns copies.
        """
        X = self._check_X(X)
        Y = self._check_y(y, len(X))
        m = len(X)
        Z = self._logits(X)
        self.last_Z = Z  # lets fit score the batch's accuracy without a second forward pass
        J, A = cost_and_sigmoid_from_logits(Y, Z)
        J += self._l2_term(m)
        dZ = A - Y
        for l in range(len(self.dense) - 1, -1, -1):
            dA_prev = self.dense[l].backward(dZ, need_dA_prev=l > 0)
            if l > 0:
                dZ = self.hidden[l - 1].backward(dA_prev)
        if self.l2:
            factor = self.dtype.type(self.l2 / m)
            for d in self.dense:
                d.dW += factor * d.W
        return J

    def gradients(self, X, y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(dW, db): ∂J/∂W[l] and ∂J/∂b[l] by backpropagation, shaped like ``weights``/``biases``."""
        self.backprop(X, y)
        return [d.dW.copy() for d in self.dense], [d.db.copy() for d in self.dense]

    def grads(self) -> list[np.ndarray]:
        """[dW[0], db[0], dW[1], db[1], …] from the last ``backprop``, in ``parameters()`` order."""
        return [g for layer in self.dense for g in layer.grads()]

    # -- validation -------------------------------------------------------------------------------

    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n observations × m features); got shape {X.shape}. "
                             "For a single feature use X.reshape(-1, 1).")
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X has {X.shape[1]} features but the network expects "
                             f"{self.layer_sizes[0]} (layer_sizes[0]).")
        return X

    def _check_y(self, y, n: int) -> np.ndarray:
        Y = np.asarray(y, dtype=self.dtype)
        if Y.size != n or Y.ndim > 2:
            raise ValueError(f"y must have shape ({n},) or ({n}, 1) to match X; got {Y.shape}.")
        return Y.reshape(n, 1)

    # -- persistence ------------------------------------------------------------------------------

    def save(self, file: str | BinaryIO, metadata: dict | None = None) -> None:
        """Write an ``.npz`` with arrays W0, b0, W1, … and a JSON ``meta`` entry (no pickles)."""
        meta = {"format": FORMAT, "version": FORMAT_VERSION, "layer_sizes": self.layer_sizes,
                "activation": self.activation_names, "l2": self.l2, "dtype": self.dtype.name,
                "metadata": metadata or {}}
        arrays = {f"W{l}": d.W for l, d in enumerate(self.dense)}
        arrays |= {f"b{l}": d.b for l, d in enumerate(self.dense)}
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)

    def to_bytes(self, metadata: dict | None = None) -> bytes:
        """The ``.npz`` file as bytes, for a download button."""
        buf = io.BytesIO()
        self.save(buf, metadata)
        return buf.getvalue()

    @classmethod
    def load(cls, file: str | BinaryIO | bytes) -> "Network":
        """Read a file written by ``save``; raises ModelFileError on anything else. Never unpickles."""
        network, _ = cls.load_with_metadata(file)
        return network

    @classmethod
    def load_with_metadata(cls, file: str | BinaryIO | bytes) -> tuple["Network", dict]:
        """Like ``load``, also returning the metadata dict given to ``save``."""
        if isinstance(file, (bytes, bytearray)):
            file = io.BytesIO(file)
        try:
            with np.load(file, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except Exception as exc:  # np.load raises many types for a bad file
            raise ModelFileError(f"This is not a Neuron Lab model file (.npz): {exc}") from None
        meta = _read_meta(arrays)
        try:
            net = cls(meta["layer_sizes"], meta["activation"], l2=meta["l2"], dtype=meta["dtype"])
        except (ValueError, TypeError) as exc:
            raise ModelFileError(f"The model file describes an invalid network: {exc}") from None
        for name in ("W", "b"):
            values = [arrays.get(f"{name}{l}") for l in range(len(net.dense))]
            if any(v is None for v in values):
                raise ModelFileError(f"The model file is missing some {name} arrays.")
            try:
                _ParameterList(net, name).assign_all(values)
            except ValueError as exc:
                raise ModelFileError(str(exc)) from None
        return net, meta.get("metadata", {})

    def __repr__(self) -> str:
        acts = self.activation_names[0] if len(set(self.activation_names)) == 1 else self.activation_names
        extra = f", activation={acts!r}" if self.activation_names else ""
        extra += f", l2={self.l2:g}" if self.l2 else ""
        extra += ", dtype=float32" if self.dtype == np.float32 else ""
        return f"Network({self.layer_sizes}{extra})"


class _ParameterList(Sequence):
    """A live list view of every layer's W (or b): reads give the arrays, writes check shape and values."""

    def __init__(self, net: Network, attr: str):
        self._net, self._attr = net, attr

    def __len__(self) -> int:
        return len(self._net.dense)

    def __getitem__(self, l):
        if isinstance(l, slice):
            return [getattr(d, self._attr) for d in self._net.dense[l]]
        return getattr(self._net.dense[l], self._attr)

    def __setitem__(self, l: int, value) -> None:
        layer = self._net.dense[l]
        current = getattr(layer, self._attr)
        value = np.array(value, dtype=self._net.dtype)  # a copy, so the caller's array is not aliased
        if value.shape != current.shape:
            raise ValueError(f"{self._attr}[{l}] must have shape {current.shape}; got {value.shape}.")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{self._attr}[{l}] contains NaN or infinite values.")
        # Write in place so optimizers holding the array keep seeing the live parameter.
        current[...] = value

    def assign_all(self, values: Sequence[np.ndarray]) -> None:
        values = list(values)
        if len(values) != len(self):
            raise ValueError(f"Expected {len(self)} {self._attr} arrays, got {len(values)}.")
        for l, v in enumerate(values):
            self[l] = v

    def __repr__(self) -> str:
        return repr(list(self))


def _check_sizes(layer_sizes: Sequence[int]) -> list[int]:
    sizes = list(layer_sizes)
    if len(sizes) < 2 or not all(isinstance(s, (int, np.integer)) and s >= 1 for s in sizes):
        raise ValueError(f"layer_sizes must be whole numbers ≥ 1, at least [m, 1]; got {sizes}.")
    if sizes[-1] != 1:
        raise ValueError(f"The output layer must have 1 unit (binary classification); got {sizes[-1]}.")
    return [int(s) for s in sizes]


def _read_meta(arrays: dict) -> dict:
    if "meta" not in arrays:
        raise ModelFileError("The model file has no 'meta' entry; it was not written by Neuron Lab.")
    try:
        meta = json.loads(str(arrays["meta"]))
    except ValueError:
        raise ModelFileError("The model file's metadata is not valid JSON.") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError("The model file was not written by Neuron Lab (unknown format).")
    if meta.get("version", 0) > FORMAT_VERSION:
        raise ModelFileError("The model file comes from a newer Neuron Lab; please upgrade.")
    missing = {"layer_sizes", "activation", "l2", "dtype"} - meta.keys()
    if missing:
        raise ModelFileError(f"The model file's metadata lacks {sorted(missing)}.")
    return meta
