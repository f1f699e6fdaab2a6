"""Your own classes (chapter 6): transfer learning. The bundled conv net learnt, on cats and dogs, filters
that find edges, colours, textures and parts; those are useful for other pictures too. So its layers up to
the first dense layer stay frozen, and only a new softmax layer is trained on what they output: k classes
from a few photos each, in seconds. Optionally the last conv block is trained too ("fine-tuned").

    backbone = Backbone(model)                     # a PetModel: the bundled conv net
    run = OwnClasses.start(backbone, pictures, y, names, fine_tune=False)
    for record in run.training:                    # engine.fit's records
        ...
    run.model.predict_proba(pictures)              # (m, k)

Everything is found from the network's own stack (the first Dense layer, the last Conv2D), never from a
fixed layer index, so a retrained backbone of another depth (or with more layer kinds) works the same.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from engine import datasets, optimizers
from engine.conv import Conv2D, Dropout
from engine.errors import ModelFileError
from engine.layers import Dense, Layer
from engine.network import Network
from engine.pets.models import PetModel, Standardizer
from engine.training import BatchRecord, EpochRecord, fit

MIN_CLASSES, MAX_CLASSES = 2, 5
MIN_PHOTOS = 5                 # a class needs at least this many photos to train
HELD_OUT = 0.2                 # share of each class's photos kept for testing
FEATURE_BATCH = 64             # pictures per forward pass through the frozen layers


@dataclass(frozen=True)
class Settings:
    """The head's training: Adam's α, epochs (full batch: one step an epoch), λ, and whether the last conv
    block learns too. Every photo is also used as its mirror image."""

    learning_rate: float = 3e-3
    epochs: int = 60
    l2: float = 1.0
    fine_tune: bool = False
    seed: int = 0


class Backbone:
    """The frozen layers of a trained conv net (a ``PetModel``) and where to cut them.

    ``first_dense`` is the index of the first Dense layer in the stack: what comes before it (convolutions,
    pooling, flattening) are the features; ``last_block`` the index of the last Conv2D, where a fine-tuned
    network starts to learn again."""

    def __init__(self, model: PetModel):
        layers = model.net.layers
        dense = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
        convs = [i for i, layer in enumerate(layers) if isinstance(layer, Conv2D)]
        if not dense or not convs or convs[-1] > dense[0]:
            raise ValueError("Transfer learning needs a conv net: convolutions, then dense layers.")
        self.model = model
        self.first_dense = dense[0]
        self.last_block = convs[-1]

    def cut(self, fine_tune: bool) -> int:
        """How many layers stay frozen."""
        return self.last_block if fine_tune else self.first_dense

    def shape_at(self, cut: int) -> tuple[int, ...]:
        """The per-example shape of what the first ``cut`` layers output."""
        shape = self.model.net.input_shape
        for layer in self.model.net.layers[:cut]:
            shape = layer.output_shape(shape)
        return tuple(shape)

    def features(self, pictures: np.ndarray, cut: int, mirror: bool = False) -> np.ndarray:
        """Pictures (m, S, S, C) in [0, 1] → what the first ``cut`` layers output (inference mode), float32,
        FEATURE_BATCH pictures a pass. ``mirror``: of the mirror images instead."""
        pictures = np.asarray(pictures)
        if mirror:
            pictures = pictures[:, :, ::-1]
        out = np.empty((len(pictures), *self.shape_at(cut)), dtype=np.float32)
        net = self.model.net
        with self.model.lock:
            for start in range(0, len(pictures), FEATURE_BATCH):
                A = self.model.features(pictures[start:start + FEATURE_BATCH])
                for layer in net.layers[:cut]:
                    A = layer.forward(A, False)
                out[start:start + len(A)] = A
        return out

    def frozen_copy(self, cut: int) -> list[Layer]:
        """Deep copies of the first ``cut`` layers (weights and any saved state), for a model of its own."""
        with self.model.lock:
            return copy.deepcopy(self.model.net.layers[:cut])

    def trainable_copy(self, cut: int) -> list[Layer]:
        """Deep copies of the layers from ``cut`` to the first Dense layer, without dropout (the head is small
        and its data few; λ regularises it)."""
        with self.model.lock:
            return [copy.deepcopy(layer) for layer in self.model.net.layers[cut:self.first_dense]
                    if not isinstance(layer, Dropout)]


def head(backbone: Backbone, k: int, settings: Settings) -> Network:
    """The network that learns: a new Dense layer of k softmax units on the frozen features (d → k), after a
    copy of the last conv block when it is fine-tuned. W ~ N(0, 1/d), b = 0, seeded."""
    cut = backbone.cut(settings.fine_tune)
    layers = backbone.trainable_copy(cut)
    shape = backbone.shape_at(cut)
    d = shape
    for layer in layers:
        d = layer.output_shape(d)
    rng = np.random.default_rng(settings.seed)
    layers.append(Dense.initialized(int(np.prod(d)), k, 1.0, rng, np.float32))
    return Network.from_layers(layers, shape, l2=settings.l2, dtype=np.float32, output="softmax")


@dataclass
class ClassModel:
    """A whole model for k classes: the backbone's frozen layers, then the trained head, over standardised
    S×S pictures. ``predict_proba`` averages ŷ over each photo and its mirror image."""

    net: Network
    names: list[str]
    size: int
    colour: str
    standardizer: Standardizer
    metadata: dict = field(default_factory=dict)

    def predict_proba(self, pictures: np.ndarray) -> np.ndarray:
        """ŷ (m, k): the probability of each class for each picture (m, S, S, C)."""
        pictures = np.asarray(pictures)
        X = self.standardizer.transform(pictures).reshape(len(pictures), *self.net.input_shape)
        Xm = self.standardizer.transform(pictures[:, :, ::-1]).reshape(X.shape)
        return (self.net.forward(X).astype(np.float64) + self.net.forward(Xm)) / 2

    def to_bytes(self) -> bytes:
        """A model file (format 2, softmax output) with the class names, picture size, colour and
        standardisation in its metadata."""
        meta = {**self.metadata, "kind": "own classes", "classes": self.names, "input_size": self.size,
                "colour": self.colour, "normalisation": self.standardizer.to_dict(), "mirror_average": True}
        return self.net.to_bytes(meta)

    @classmethod
    def load(cls, data: bytes) -> "ClassModel":
        """Read a file written by ``to_bytes`` (ModelFileError for anything else)."""
        net, meta = Network.load_with_metadata(data)
        try:
            names = [str(n) for n in meta["classes"]]
            model = cls(net, names, int(meta["input_size"]), str(meta["colour"]),
                        Standardizer.from_dict(meta["normalisation"]), meta)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"This is not a Neuron Lab own-classes model ({exc}).") from None
        if net.output.name != "softmax" or net.n_outputs != len(names):
            raise ModelFileError(f"The model has {net.n_outputs} outputs for {len(names)} class names.")
        return model


@dataclass
class OwnClasses:
    """One training run: the split, the frozen features (of every photo and its mirror image), the head and
    its ``training`` generator (``engine.fit`` with ``batches=True``; the held-out photos are its test set)."""

    backbone: Backbone
    names: list[str]
    settings: Settings
    train: np.ndarray
    test: np.ndarray
    y: np.ndarray
    net: Network
    training: Iterator[EpochRecord | BatchRecord]
    F_test: np.ndarray

    @classmethod
    def start(cls, backbone: Backbone, pictures: np.ndarray, y: Sequence[int], names: Sequence[str],
              settings: Settings = Settings(), progress=None) -> "OwnClasses":
        """Split (HELD_OUT of each class, at least one), extract the features (``progress(done, total)`` after
        each of the three passes), and set up the head and its training."""
        y = np.asarray(y, dtype=int)
        check_classes(y, names)
        train, test = datasets.stratified_split(y, HELD_OUT, settings.seed)
        cut = backbone.cut(settings.fine_tune)
        report = progress or (lambda done, total: None)
        F = backbone.features(pictures[train], cut)
        report(1, 3)
        F = np.concatenate([F, backbone.features(pictures[train], cut, mirror=True)])
        report(2, 3)
        F_test = backbone.features(pictures[test], cut)
        report(3, 3)
        y_train = np.r_[y[train], y[train]]
        net = head(backbone, len(names), settings)
        gen = fit(net, F, y_train, optimizers.Adam(settings.learning_rate), settings.epochs, batch_size=None,
                  X_test=F_test, y_test=y[test], seed=settings.seed, batches=True)
        return cls(backbone, list(names), settings, train, test, y, net, gen, F_test)

    def model(self) -> ClassModel:
        """The whole model as it is now: copies of the frozen layers, then the head (a snapshot)."""
        bb = self.backbone
        cut = bb.cut(self.settings.fine_tune)
        layers = bb.frozen_copy(cut) + copy.deepcopy(self.net.layers)
        net = Network.from_layers(layers, bb.model.net.input_shape, l2=self.settings.l2, dtype=np.float32,
                                  output="softmax")
        return ClassModel(net, list(self.names), bb.model.size, bb.model.colour, bb.model.standardizer,
                          {"settings": dict(vars(self.settings)), "n_train": int(len(self.train)),
                           "n_held_out": int(len(self.test))})

    def held_out(self) -> "HeldOut":
        """The head's verdict on each held-out photo: P (m_test, k), the predictions, the confusion matrix
        C[true, predicted] and each class's accuracy."""
        P = self.net.forward(self.F_test).astype(np.float64)
        return HeldOut.of(self.y[self.test], P, self.test, len(self.names))


@dataclass
class HeldOut:
    y: np.ndarray            # true classes of the held-out photos
    P: np.ndarray            # (m, k) probabilities
    rows: np.ndarray         # their indices among all the photos
    confusion: np.ndarray    # C[true, predicted]

    @classmethod
    def of(cls, y: np.ndarray, P: np.ndarray, rows: np.ndarray, k: int) -> "HeldOut":
        C = np.zeros((k, k), dtype=int)
        np.add.at(C, (y, P.argmax(axis=1)), 1)
        return cls(y, P, rows, C)

    @property
    def predicted(self) -> np.ndarray:
        return self.P.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predicted == self.y)) if len(self.y) else float("nan")

    @property
    def per_class(self) -> list[float]:
        """Each class's accuracy on its held-out photos (the confusion matrix's diagonal over its rows)."""
        return [float(self.confusion[c, c] / n) if (n := self.confusion[c].sum()) else float("nan")
                for c in range(len(self.confusion))]

    def photos_in(self, true: int, predicted: int) -> list[int]:
        """The indices (among all the photos) that the cell C[true, predicted] counts."""
        return [int(r) for r, t, p in zip(self.rows, self.y, self.predicted) if t == true and p == predicted]


def check_classes(y: np.ndarray, names: Sequence[str]) -> None:
    """ValueError with what to do unless there are 2–5 distinct, named classes with MIN_PHOTOS photos each."""
    names = [str(n).strip() for n in names]
    if not MIN_CLASSES <= len(names) <= MAX_CLASSES:
        raise ValueError(f"Name {MIN_CLASSES} to {MAX_CLASSES} classes; there are {len(names)}.")
    if any(not n for n in names) or len(set(n.casefold() for n in names)) != len(names):
        raise ValueError("Every class needs a name of its own.")
    counts = np.bincount(np.asarray(y, dtype=int), minlength=len(names))
    short = [f"{n} ({c})" for n, c in zip(names, counts) if c < MIN_PHOTOS]
    if short:
        raise ValueError(f"Each class needs at least {MIN_PHOTOS} photos; add more to: {', '.join(short)}.")


# -- pictures to try it with ------------------------------------------------------------------------

KINDS = ("stripes", "disc", "checks")


def sample_picture(kind: str, rng: np.random.Generator, size: int = 96) -> np.ndarray:
    """One generated picture (size, size, 3) uint8 of a kind: horizontal "stripes", a "disc", or "checks"
    (a checkerboard), each in a dark and a light colour of random hue (which is which at random) with
    random scale, position and noise, so the kind is in the shape, never in the colour."""
    a, b = rng.integers(0, 90, 3), rng.integers(165, 256, 3)
    if rng.random() < 0.5:
        a, b = b, a
    yy, xx = np.mgrid[0:size, 0:size]
    if kind == "stripes":
        period = rng.uniform(8, 24)
        mask = ((yy + rng.uniform(0, period)) % period) < period / 2
    elif kind == "disc":
        cy, cx = rng.uniform(0.3, 0.7, 2) * size
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 < (rng.uniform(0.18, 0.35) * size) ** 2
    elif kind == "checks":
        cell = rng.uniform(8, 20)
        mask = ((yy // cell + xx // cell) % 2) == 0
    else:
        raise ValueError(f"Unknown picture kind {kind!r}; choose one of {', '.join(KINDS)}.")
    picture = np.where(mask[..., None], a, b).astype(float) + rng.normal(0, 12, (size, size, 3))
    return np.clip(picture, 0, 255).astype(np.uint8)


def sample_photos(kind: str, n: int, seed: int = 0, size: int = 96) -> list[bytes]:
    """n generated pictures of one kind as JPEG bytes, as if uploaded."""
    rng = np.random.default_rng([seed, KINDS.index(kind) if kind in KINDS else 99])
    out = []
    for _ in range(n):
        buf = io.BytesIO()
        Image.fromarray(sample_picture(kind, rng, size)).save(buf, "JPEG", quality=90)
        out.append(buf.getvalue())
    return out
