"""A network is one ordered stack of layers ending in an output layer of one of three kinds
(``engine.outputs``): one sigmoid unit for two classes (the default), k softmax units for k classes, or
linear units for numbers (regression).

Notation (the course's; rows are examples):
    X (m, n)              m examples × n input features (or pictures (m, H, W, C))
    W[l] (u[l], u[l−1])   b[l] (1, u[l])     for dense layers l = 1 … L
    Z[l] = A[l−1]·W[l]ᵀ + b[l],   A[l] = g(Z[l]),   A[0] = X,   ŷ = A[L] = σ(Z[L])
    J = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)] + λ/(2m) Σ_l ‖W[l]‖²
With output="softmax", ŷ = softmax(Z[L]) (m, k) and J = −(1/m) Σ_i Σ_k y_ik log ŷ_ik + the same λ term;
with output="linear", ŷ = Z[L] and J = (1/2m) Σ (ŷ − y)² + the same λ term.
Forward walks the stack; backward walks it in reverse from the output shortcut dZ[L] = A[L] − Y (all three).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from collections.abc import Sequence
from typing import BinaryIO, NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from . import activations, losses, modelfile, outputs
from . import norm  # noqa: F401  (registers BatchNorm and BatchNorm2D, so model files can name them)
from .errors import ModelFileError
from .conv import fuse
from .layers import LAYER_TYPES, Activation, Dense, Layer

_BLAS = ThreadpoolController()

FORMAT = "neuronlab-network"
FORMAT_VERSION = 2  # 2: a list of layers; 1: layer_sizes + activation (still read)


class BackwardPass(NamedTuple):
    """What one ``backprop`` call measured: J on the batch (before any update) and Z[L], (m, 1)."""

    cost: float
    logits: np.ndarray


class Network:
    """A stack of layers ending in an output layer; ``Network([n, 1])`` is exactly logistic regression.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n, u[1], …, u[L−1], u[L]]``: input features, units per hidden layer, output units
        (1 for a sigmoid output, k ≥ 2 classes for softmax, the numbers predicted for linear).
    activation : str or list of str
        Hidden-layer activation g (see ``engine.activations.REGISTRY``), one name for all or one per
        hidden layer.
    l2 : float
        λ ≥ 0 of the penalty λ/(2m) Σ‖W[l]‖² (biases are not penalised).
    seed : int or np.random.Generator
        Seeds the initialisation W ~ N(0, s²/u[l−1]), b = 0 (s from the activation's registry entry).
    dtype : np.float64 or np.float32
    output : "sigmoid" (default), "softmax" or "linear"
        The output layer's kind and its cost (``engine.outputs``).

    Any other stack (convolutions, pooling, dropout) is built with ``Network.from_layers``.
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str | Sequence[str] = "sigmoid",
                 l2: float = 0.0, seed: int | np.random.Generator = 0, dtype=np.float64,
                 output: str = "sigmoid"):
        sizes = _check_sizes(layer_sizes, output)
        n_hidden = len(sizes) - 2
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"Give one activation for all hidden layers or exactly {n_hidden} "
                             f"(one per hidden layer); got {len(names)}.")
        specs = [activations.spec(name) for name in names]
        dtype = _check_dtype(dtype)
        rng = np.random.default_rng(seed)  # returns a Generator it is given unchanged
        layers: list[Layer] = []
        for u_in, u_out, s in zip(sizes[:-2], sizes[1:-1], specs):
            layers += [Dense.initialized(u_in, u_out, s.init_scale, rng, dtype), Activation(s.name)]
        layers.append(Dense.initialized(sizes[-2], sizes[-1], 1.0, rng, dtype))
        self._setup(layers, (sizes[0],), l2, dtype, output)

    @classmethod
    def from_layers(cls, layers: Sequence[Layer], input_shape: Sequence[int], l2: float = 0.0,
                    dtype=np.float64, output: str = "sigmoid") -> "Network":
        """A network of any stack whose last layer is ``Dense``: its output is the logits Z[L], with one unit
        for a sigmoid output, k ≥ 2 for softmax.

        ``input_shape`` is one example's shape: (n,) for features, (H, W, C) for pictures.
        """
        net = cls.__new__(cls)
        net._setup(list(layers), tuple(int(s) for s in input_shape), l2, _check_dtype(dtype), output)
        return net

    def _setup(self, layers: list[Layer], input_shape: tuple[int, ...], l2: float, dtype: np.dtype,
               output: str = "sigmoid") -> None:
        if not (isinstance(l2, (int, float)) and math.isfinite(l2) and l2 >= 0):
            raise ValueError(f"l2 must be a finite number ≥ 0; got {l2}.")
        self.output = outputs.spec(output)
        if output == "sigmoid" and (not layers or not isinstance(layers[-1], Dense) or layers[-1].W.shape[0] != 1):
            raise ValueError("The last layer must be Dense with 1 unit: its output is the logit Z[L] "
                             "and ŷ = σ(Z[L]).")
        if not layers or not isinstance(layers[-1], Dense):
            raise ValueError("The last layer must be Dense: its output is the logits Z[L].")
        self.output.check_units(int(layers[-1].W.shape[0]))
        shape = input_shape
        for layer in layers:
            shape = layer.output_shape(shape)
        self.layers = layers
        self.input_shape = input_shape
        self.l2 = float(l2)
        self.dtype = dtype
        self.weighted = [layer for layer in layers if layer.penalised]
        # A picture stack splits each batch over the cores itself (engine.conv); a second BLAS thread
        # left spinning after a product then only takes that core away (117 → 80 ms a training step in
        # benchmarks/cnn_throughput.py), so its passes run with BLAS on one thread.
        self._one_blas_thread = len(input_shape) == 3

    # -- the stack --------------------------------------------------------------------------------

    @property
    def is_dense(self) -> bool:
        """True for a plain stack Dense, g, Dense, g, …, Dense (what ``Network(layer_sizes)`` builds)."""
        kinds = [type(layer) for layer in self.layers]
        return len(self.input_shape) == 1 and all(
            k is (Dense if i % 2 == 0 else Activation) for i, k in enumerate(kinds))

    @property
    def layer_sizes(self) -> list[int]:
        """[n, u[1], …, u[L]] of a dense stack."""
        if not self.is_dense:
            raise ValueError("layer_sizes describes dense stacks only; this network has "
                             f"{', '.join(map(repr, self.layers))}.")
        return [self.input_shape[0]] + [int(layer.W.shape[0]) for layer in self.layers[::2]]

    @property
    def activation_names(self) -> list[str]:
        """The hidden activations g[1] … g[L−1], in order."""
        return [layer.name for layer in self.layers if isinstance(layer, Activation)]

    @property
    def weights(self) -> "_ParameterList":
        """W[l] for l = 1 … L (index 0 … L−1), shape (u[l], u[l−1]); item assignment is checked."""
        return _ParameterList(self, "W")

    @weights.setter
    def weights(self, values: Sequence[np.ndarray]) -> None:
        _ParameterList(self, "W").assign_all(values)

    @property
    def biases(self) -> "_ParameterList":
        """b[l] for l = 1 … L (index 0 … L−1), shape (1, u[l]); item assignment is checked."""
        return _ParameterList(self, "b")

    @biases.setter
    def biases(self, values: Sequence[np.ndarray]) -> None:
        _ParameterList(self, "b").assign_all(values)

    def parameters(self) -> list[np.ndarray]:
        """Every layer's parameters in stack order (W[1], b[1], W[2], …): live arrays for an optimizer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def grads(self) -> list[np.ndarray]:
        """The gradients of the last ``backprop``, in ``parameters()`` order (live buffers)."""
        return [g for layer in self.layers for g in layer.grads()]

    def weight_grad_norms(self) -> list[float]:
        """‖dW[l]‖ (Frobenius) of the last ``backprop`` for each weighted layer l = 1 … L."""
        return [float(np.linalg.norm(layer.dW)) for layer in self.weighted]

    @property
    def n_parameters(self) -> int:
        """Σ_l (u[l]·u[l−1] + u[l]) for a dense stack; every parameter in general."""
        return sum(p.size for p in self.parameters())

    # -- forward ----------------------------------------------------------------------------------

    def _blas(self):
        return _BLAS.limit(limits=1, user_api="blas") if self._one_blas_thread else contextlib.nullcontext()

    def logits(self, X, training: bool = False) -> np.ndarray:
        """Z[L], shape (m, 1); ``training`` switches on dropout."""
        A = self.check_inputs(X)
        with self._blas():
            for layer in self.layers:
                A = layer.forward(A, training)
        return A

    def forward(self, X) -> np.ndarray:
        """ŷ = A[L]: σ(Z[L]) (m, 1), softmax(Z[L]) (m, k) or Z[L] (m, k) for a linear output; X (m, n)."""
        return self.output.activate(self.logits(X))

    __call__ = forward

    def layer_outputs(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(Z[1], A[1]), …, (Z[L], A[L])]: each weighted layer's Z and the A after its activation.

        A[L] is the output's ŷ (σ, softmax or Z[L] itself); a layer not followed by an activation has A = Z.
        Shapes (m, u[l]).
        """
        out: list[list[np.ndarray]] = []
        for layer, A in self.trace(X):
            if layer.penalised:
                out.append([A, A])
            elif isinstance(layer, Activation) and out:
                out[-1][1] = A
        out[-1][1] = self.output.activate(out[-1][0])
        return [(Z, A) for Z, A in out]

    def trace(self, X) -> list[tuple[Layer, np.ndarray]]:
        """Every layer with its output on X, in stack order (feature maps, pooled maps, …)."""
        A = self.check_inputs(X)
        out = []
        with self._blas():
            for layer in self.layers:
                A = layer.forward(A)
                out.append((layer, A))
        return out

    def predict(self, X, threshold: float = 0.5) -> np.ndarray:
        """ŷ ≥ threshold → 1 (dog), else 0 (cat); shape (m,), dtype int. Softmax: the class k of the largest
        ŷ_k, (m,) int. Linear: the numbers ŷ, (m,) for one output, else (m, k)."""
        if self.output.name == "softmax":
            return self.logits(X).argmax(axis=1)
        if self.output.name == "linear":
            y_hat = self.logits(X)
            return y_hat[:, 0] if y_hat.shape[1] == 1 else y_hat
        return (self.forward(X)[:, 0] >= threshold).astype(int)

    def accuracy(self, X, y) -> float:
        """Share of examples with predict(X) == y; y shape (m,) or (m, 1) (softmax: also one-hot (m, k))."""
        X = self.check_inputs(X)
        if self.output.name == "softmax":
            return float(np.mean(self.predict(X) == outputs.class_indices(self.check_labels(y, len(X)), len(X))))
        if not self.output.classifier:
            raise ValueError("Accuracy counts right answers of a classifier; this network predicts numbers. "
                             "Use r2(X, y).")
        return float(np.mean(self.predict(X) == self.check_labels(y, len(X))[:, 0]))

    # -- more outputs: k classes and numbers --------------------------------------------------------

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities: ŷ = P(class 1) (m, 1) for a sigmoid output, (m, k) for softmax."""
        if not self.output.classifier:
            raise ValueError("This network predicts numbers (a linear output), not class probabilities; "
                             "use forward(X) or predict(X).")
        return self.forward(X)

    def r2(self, X, y) -> float:
        """R² = 1 − Σ (ŷ − y)² / Σ (y − ȳ)² of a linear output (``engine.losses.r2_score``)."""
        if self.output.classifier:
            raise ValueError("R² measures a fit to numbers; this network is a classifier. Use accuracy(X, y).")
        X = self.check_inputs(X)
        return losses.r2_score(self.check_labels(y, len(X)), self.logits(X))

    @property
    def n_outputs(self) -> int:
        """u[L], the units of the output layer: 1 (sigmoid), k classes (softmax), or the numbers predicted."""
        return int(self.layers[-1].W.shape[0])

    # -- cost and backward ------------------------------------------------------------------------

    def _l2_term(self, m: int) -> float:
        if self.l2 == 0:
            return 0.0
        return self.l2 / (2 * m) * sum(float(np.sum(layer.W * layer.W)) for layer in self.weighted)

    def cost(self, X, y) -> float:
        """J = −(1/m) Σ [y log ŷ + (1−y) log(1−ŷ)] + λ/(2m) Σ‖W[l]‖², computed from logits (exact);
        the output's own J (``engine.outputs``) for softmax and linear outputs."""
        X = self.check_inputs(X)
        Y = self.check_labels(y, len(X))
        return self.output.cost_from_logits(Y, self.logits(X)) + self._l2_term(len(X))

    def backprop(self, X, y) -> BackwardPass:
        """Forward (training mode) and backward pass; leaves dW[l], db[l] in each layer's buffers.

        dZ[L] = A[L] − Y;  dW[l] = (1/m) dZ[l]ᵀ·A[l−1] + (λ/m) W[l];  db[l] = mean of dZ[l];
        dZ[l−1] = (dZ[l]·W[l]) ⊙ g′(Z[l−1]). Returns J (before any update) and Z[L].
        The buffers are overwritten by the next call: ``gradients`` returns copies.
        """
        X = self.check_inputs(X)
        Y = self.check_labels(y, len(X))
        m = len(X)
        # Conv2D → ReLU → MaxPool2D run as one pass per block of examples (engine.conv.fuse): the
        # same numbers, with less memory traffic (docs/cnn_notes.md).
        steps = fuse(self.layers)
        Z = X
        with self._blas():
            for step in steps:
                Z = step.forward(Z, True)
        J, A = self.output.cost_and_output(Y, Z)
        J += self._l2_term(m)
        self._walk_back(steps, A - Y)
        if self.l2:
            factor = self.dtype.type(self.l2 / m)
            for layer in self.weighted:
                layer.dW += factor * layer.W
        return BackwardPass(J, Z)

    def backward(self, dZ: np.ndarray, to_input: bool = False) -> list[np.ndarray] | None:
        """Walk the stack in reverse from dZ, the per-example gradient at Z[L] (m, 1), filling every
        layer's dW, db; the forward pass of the same batch must come first.

        Without ``to_input`` the walk stops at the first weighted layer (nothing upstream needs a
        gradient) and each intermediate gradient is freed as soon as the next is made; returns None.
        With it, returns d[k] for k = 0 … len(layers), the gradient at the input of layer k:
        d[0] with respect to X, d[-1] = dZ.
        """
        return self._walk_back(self.layers, dZ, to_input)

    def _walk_back(self, steps: list, dZ: np.ndarray, to_input: bool = False) -> list[np.ndarray] | None:
        first = 0 if to_input else next(i for i, step in enumerate(steps) if step.param_names)
        kept = [dZ] if to_input else None
        d = dZ
        with self._blas():
            for i in range(len(steps) - 1, first - 1, -1):
                d = steps[i].backward(d, need_dA_prev=to_input or i > first)
                if kept is not None:
                    kept.append(d)
        return kept[::-1] if kept is not None else None

    def gradients(self, X, y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(dW, db): ∂J/∂W[l] and ∂J/∂b[l] by backpropagation, shaped like ``weights``/``biases``."""
        self.backprop(X, y)
        return ([layer.dW.copy() for layer in self.weighted],
                [layer.db.copy() for layer in self.weighted])

    # -- validation -------------------------------------------------------------------------------

    def check_inputs(self, X) -> np.ndarray:
        """X as an array of this network's dtype, shape (m, *input_shape); a clear ValueError otherwise."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 1 + len(self.input_shape):
            if len(self.input_shape) == 1:
                raise ValueError(f"X must be 2-D (m examples × n features); got shape {X.shape}. "
                                 "For a single feature use X.reshape(-1, 1).")
            raise ValueError(f"X must have shape (m, {', '.join(map(str, self.input_shape))}); "
                             f"got {X.shape}.")
        if X.shape[1:] != self.input_shape:
            if len(self.input_shape) == 1:
                raise ValueError(f"X has {X.shape[1]} features but the network expects "
                                 f"{self.input_shape[0]} (n, the size of its input layer).")
            raise ValueError(f"Each example must have shape {self.input_shape}; got {X.shape[1:]}.")
        return X

    def check_labels(self, y, m: int) -> np.ndarray:
        """y as an (m, 1) array of this network's dtype; shape (m,) or (m, 1) accepted.

        Softmax: class indices (m,) or one-hot rows (m, k) → one-hot (m, k). Linear: (m,) or (m, k) numbers."""
        if self.output.name != "sigmoid":
            return self.output.labels(y, m, self.n_outputs, self.dtype)
        Y = np.asarray(y, dtype=self.dtype)
        if Y.size != m or Y.ndim > 2:
            raise ValueError(f"y must have shape ({m},) or ({m}, 1) to match X; got {Y.shape}.")
        return Y.reshape(m, 1)

    # -- persistence ------------------------------------------------------------------------------

    def save(self, file: str | BinaryIO, metadata: dict | None = None) -> None:
        """Write an ``.npz``: a JSON ``meta`` entry (format version 2: the list of layers) and one
        array per parameter and per state array (BatchNorm's running statistics), ``L{i}.{name}``
        for layer i of the stack (no pickles)."""
        meta = {"format": FORMAT, "version": FORMAT_VERSION, "input_shape": list(self.input_shape),
                "layers": [layer.config() for layer in self.layers], "l2": self.l2,
                "dtype": self.dtype.name, "metadata": metadata or {}}
        meta.update(modelfile.output_meta(self.output.name, self.n_outputs))
        arrays = {f"L{i}.{name}": p for i, layer in enumerate(self.layers)
                  for name, p in zip(layer.param_names, layer.parameters())}
        arrays |= {f"L{i}.{name}": a for i, layer in enumerate(self.layers)
                   for name, a in zip(layer.state_names, layer.state())}
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)

    def to_bytes(self, metadata: dict | None = None) -> bytes:
        """The ``.npz`` file as bytes, for a download button."""
        buf = io.BytesIO()
        self.save(buf, metadata)
        return buf.getvalue()

    @classmethod
    def load(cls, file: str | BinaryIO | bytes, **limits) -> "Network":
        """Read a file written by ``save`` (format 1 or 2); ModelFileError on anything else."""
        network, _ = cls.load_with_metadata(file, **limits)
        return network

    @classmethod
    def load_with_metadata(cls, file: str | BinaryIO | bytes, max_bytes: int = modelfile.MAX_BYTES,
                           max_units: int | None = None,
                           max_layers: int = 64) -> tuple["Network", dict]:
        """Like ``load``, also returning the metadata dict given to ``save``.

        Everything the file describes is checked before it is allocated: at most ``max_bytes``
        unpacked, ``max_layers`` layers, ``max_units`` units in any layer or input (None: no limit
        beyond the bytes), and only real float arrays of exactly the shapes the layers need.
        """
        with modelfile.ArchiveReader(file, max_bytes=max_bytes) as archive:
            meta = modelfile.parse_meta(archive.text("meta"))
            if meta.get("format") != FORMAT:
                raise ModelFileError("The model file was not written by Neuron Lab (unknown format).")
            version = meta.get("version")
            if not modelfile.is_int(version, 1):
                raise ModelFileError(f"The model file's version must be a whole number; got {version!r}.")
            if version > FORMAT_VERSION:
                raise ModelFileError("The model file comes from a newer Neuron Lab; please upgrade.")
            read = _read_v1 if version == 1 else _read_v2
            net = read(meta, archive, max_bytes, max_units, max_layers)
        extra = meta.get("metadata", {})
        return net, extra if isinstance(extra, dict) else {}

    def __repr__(self) -> str:
        extra = f", l2={self.l2:g}" if self.l2 else ""
        extra += ", dtype=float32" if self.dtype == np.float32 else ""
        if self.is_dense:
            names = self.activation_names
            acts = f", activation={names[0]!r}" if names and len(set(names)) == 1 else (
                f", activation={names!r}" if names else "")
            return f"Network({self.layer_sizes}{acts}{extra}{_output_repr(self)})"
        return (f"Network.from_layers([{', '.join(map(repr, self.layers))}], {self.input_shape}{extra}"
                f"{_output_repr(self)})")


def _read_common(meta: dict) -> tuple[float, np.dtype]:
    modelfile.check_fields(meta, [
        ("l2", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
         and v >= 0, "a finite number ≥ 0"),
        ("dtype", lambda v: v in ("float32", "float64"), '"float32" or "float64"'),
    ])
    return float(meta["l2"]), np.dtype(meta["dtype"])


def _read_v1(meta, archive, max_bytes, max_units, max_layers) -> Network:
    """Format 1: ``layer_sizes`` + ``activation``, arrays W0, b0, W1, …"""
    modelfile.check_fields(meta, [
        ("layer_sizes", lambda v: isinstance(v, list) and 2 <= len(v) <= max_layers // 2 + 1
         and all(modelfile.is_int(s, 1, max_units) for s in v), f"a list of 2 to {max_layers // 2 + 1} "
         "whole numbers" + (f" from 1 to {max_units}" if max_units else " ≥ 1")),
        ("activation", lambda v: isinstance(v, list) and all(isinstance(a, str) for a in v),
         "a list of activation names"),
    ])
    l2, dtype = _read_common(meta)
    sizes = meta["layer_sizes"]
    _check_budget(sum(u_in * u_out + u_out for u_in, u_out in zip(sizes[:-1], sizes[1:])), dtype, max_bytes)
    try:
        net = Network(sizes, meta["activation"], l2=l2, dtype=dtype)
    except ValueError as exc:
        raise ModelFileError(f"The model file describes an invalid network: {exc}") from None
    for l, layer in enumerate(net.weighted):
        layer.W[...] = archive.array(f"W{l}", layer.W.shape, dtype)
        layer.b[...] = archive.array(f"b{l}", layer.b.shape, dtype)
    return net


def _read_v2(meta, archive, max_bytes, max_units, max_layers) -> Network:
    """Format 2: ``input_shape`` + ``layers`` (one config dict each), arrays L{i}.{name}."""
    modelfile.check_fields(meta, [
        ("input_shape", lambda v: isinstance(v, list) and 1 <= len(v) <= 3
         and all(modelfile.is_int(s, 1, max_units if len(v) == 1 else 4096) for s in v),
         "a list of 1 to 3 whole numbers"),
        ("layers", lambda v: isinstance(v, list) and 1 <= len(v) <= max_layers
         and all(isinstance(c, dict) and isinstance(c.get("type"), str) for c in v),
         f"a list of 1 to {max_layers} layer descriptions"),
    ])
    l2, dtype = _read_common(meta)
    output = modelfile.check_output(meta)
    input_shape = tuple(meta["input_shape"])
    if math.prod(input_shape) * dtype.itemsize > max_bytes:
        raise ModelFileError(f"The model file's inputs {input_shape} are too large for this app.")
    shape, layers, n_params = input_shape, [], 0
    for i, config in enumerate(meta["layers"]):
        kind = LAYER_TYPES.get(config["type"])
        if kind is None:
            raise ModelFileError(f"Layer {i + 1} has an unknown type {config['type']!r}.")
        try:
            shapes = kind.param_shapes(config, shape)
            if max_units and kind is Dense and shapes["W"][0] > max_units:
                raise ValueError(f"it has {shapes['W'][0]} units; this page allows at most {max_units}")
            n_params += sum(math.prod(s) for s in shapes.values())
            n_params += sum(math.prod(s) for s in kind.state_shapes(config, shape).values())
            _check_budget(n_params, dtype, max_bytes)
            layer = kind.from_config(config, shape, dtype)
            shape = layer.output_shape(shape)
        except ValueError as exc:
            raise ModelFileError(f"Layer {i + 1} ({config['type']}) is invalid: {exc}") from None
        for name, p in zip(layer.param_names, layer.parameters()):
            p[...] = archive.array(f"L{i}.{name}", p.shape, dtype)
        for name, a in zip(layer.state_names, layer.state()):
            a[...] = archive.array(f"L{i}.{name}", a.shape, dtype)
        try:
            layer.check_state()
        except ValueError as exc:
            raise ModelFileError(f"Layer {i + 1} ({config['type']}) is invalid: {exc}.") from None
        layers.append(layer)
    try:
        return Network.from_layers(layers, input_shape, l2=l2, dtype=dtype, output=output)
    except ValueError as exc:
        raise ModelFileError(f"The model file describes an invalid network: {exc}") from None


def _check_budget(n_params: int, dtype: np.dtype, max_bytes: int) -> None:
    if n_params * dtype.itemsize > max_bytes:
        raise ModelFileError(f"The model file describes {n_params:,} parameters, more than this app "
                             f"loads ({max_bytes / 1e6:.0f} MB).")


class _ParameterList(Sequence):
    """A live list view of every weighted layer's W (or b): reads give the arrays, writes are checked."""

    def __init__(self, net: Network, attr: str):
        self._net, self._attr = net, attr

    def __len__(self) -> int:
        return len(self._net.weighted)

    def __getitem__(self, l):
        if isinstance(l, slice):
            return [getattr(layer, self._attr) for layer in self._net.weighted[l]]
        return getattr(self._net.weighted[l], self._attr)

    def __setitem__(self, l: int, value) -> None:
        current = getattr(self._net.weighted[l], self._attr)
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


def _output_repr(net: Network) -> str:
    return "" if net.output.name == "sigmoid" else f", output={net.output.name!r}"


def _check_sizes(layer_sizes: Sequence[int], output: str = "sigmoid") -> list[int]:
    sizes = list(layer_sizes)
    if len(sizes) < 2 or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1
                                 for s in sizes):
        raise ValueError(f"layer_sizes must be whole numbers ≥ 1, at least [n, 1]; got {sizes}.")
    if sizes[-1] != 1 and output == "sigmoid":
        raise ValueError(f"The output layer must have 1 unit (binary classification); got {sizes[-1]}.")
    return [int(s) for s in sizes]


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64; got {dtype}.")
    return dtype
