"""Cat-vs-dog models: an ``engine.Network`` plus how its input pixels are prepared.

A ``PetModel`` remembers the picture size S, the colour mode and the standardisation
x̃ = (x − μ_c) / σ_c (one mean and standard deviation per colour channel c, measured on the
training photos), all stored in the model file's JSON metadata, so predicting prepares a photo
exactly as training did. Two models ship with the app in ``models/`` (see ``BUNDLED``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import images
from ..errors import ModelFileError
from ..network import Network

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
BUNDLED = {"logistic": MODELS_DIR / "pets_logistic.npz", "mlp": MODELS_DIR / "pets_mlp.npz"}
# Default hidden layers per model kind; [] is logistic regression, a single sigmoid neuron.
KINDS = {"logistic": [], "mlp": [32]}
THRESHOLD = 0.5


@dataclass
class Standardizer:
    """x̃ = (x − μ_c) / σ_c per colour channel c; μ, σ have shape (C,)."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, pictures: np.ndarray) -> "Standardizer":
        """μ_c, σ_c over every pixel of every picture; pictures (n, S, S, C) in [0, 1] (or uint8)."""
        pictures = np.asarray(pictures)
        scale = 255.0 if pictures.dtype == np.uint8 else 1.0
        flat = pictures.reshape(-1, pictures.shape[-1])
        mean = flat.mean(axis=0, dtype=np.float64) / scale
        std = flat.std(axis=0, dtype=np.float64) / scale
        return cls(mean, np.maximum(std, 1e-6))

    def transform(self, pictures: np.ndarray) -> np.ndarray:
        """(n, S, S, C) in [0, 1] → standardised rows X̃ (n, S·S·C), float32."""
        pictures = np.asarray(pictures)
        if pictures.dtype == np.uint8:
            pictures = pictures.astype(np.float32) / np.float32(255)
        mean = self.mean.astype(np.float32)
        inv_std = (1.0 / self.std).astype(np.float32)
        return images.to_features((pictures - mean) * inv_std).astype(np.float32, copy=False)

    def to_dict(self) -> dict:
        return {"kind": "per-channel mean/std over the training photos",
                "mean": [float(v) for v in self.mean], "std": [float(v) for v in self.std]}

    @classmethod
    def from_dict(cls, d: dict) -> "Standardizer":
        return cls(np.asarray(d["mean"], dtype=np.float64), np.asarray(d["std"], dtype=np.float64))


class PetModel:
    """A network over standardised S×S pictures: P(dog) = ŷ = σ(Z[L]) for X̃ (n, S·S·C)."""

    def __init__(self, net: Network, size: int, colour: str, standardizer: Standardizer,
                 metadata: dict | None = None):
        channels = images.COLOURS[colour]
        if net.layer_sizes[0] != size * size * channels:
            raise ValueError(f"The network takes {net.layer_sizes[0]} inputs but {size}×{size} {colour} "
                             f"pictures have {size * size * channels}.")
        if len(standardizer.mean) != channels:
            raise ValueError(f"The standardisation has {len(standardizer.mean)} channels; {colour} "
                             f"pictures have {channels}.")
        self.net = net
        self.size = size
        self.colour = colour
        self.standardizer = standardizer
        self.metadata = dict(metadata or {})

    # -- creation and files -----------------------------------------------------------------------

    @classmethod
    def new(cls, kind: str, size: int, colour: str, standardizer: Standardizer, hidden: list[int] | None = None,
            l2: float = 0.0, seed: int = 0) -> "PetModel":
        """An untrained model: [S·S·C, 1] for "logistic", [S·S·C, *hidden, 1] (ReLU) for "mlp"."""
        if kind not in KINDS:
            raise ValueError(f"Unknown model kind {kind!r}; choose one of {', '.join(KINDS)}.")
        hidden = KINDS[kind] if hidden is None or kind == "logistic" else list(hidden)
        m = size * size * images.COLOURS[colour]
        net = Network([m, *hidden, 1], activation="relu", l2=l2, seed=seed, dtype=np.float32)
        return cls(net, size, colour, standardizer, {"kind": kind})

    @classmethod
    def load(cls, file) -> "PetModel":
        """Read a model file (path, file object or bytes) written by ``save``; never unpickles."""
        net, meta = Network.load_with_metadata(file)
        try:
            size, colour = int(meta["input_size"]), str(meta["colour"])
            standardizer = Standardizer.from_dict(meta["normalisation"])
            return cls(net, size, colour, standardizer, meta)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError("This Neuron Lab model is not a cats-vs-dogs model (it lacks the "
                                 f"picture size, colour mode or normalisation: {exc}).") from None

    def full_metadata(self) -> dict:
        """The metadata written to file: input size, colour, normalisation and anything recorded."""
        return {**self.metadata, "input_size": self.size, "colour": self.colour,
                "normalisation": self.standardizer.to_dict()}

    def save(self, file) -> None:
        """Write an ``.npz`` (weights + JSON metadata) that ``PetModel.load`` reads back."""
        self.net.save(file, self.full_metadata())

    def to_bytes(self) -> bytes:
        """The model file as bytes, for a download button."""
        return self.net.to_bytes(self.full_metadata())

    # -- prediction -------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return "logistic" if len(self.net.layer_sizes) == 2 else "mlp"

    def picture(self, data: bytes) -> np.ndarray:
        """Bytes of a photo → the (S, S, C) picture in [0, 1] this model sees (raises ImageError)."""
        return images.decode(data, self.size, self.colour)

    def features(self, pictures: np.ndarray) -> np.ndarray:
        """(n, S, S, C) → standardised rows X̃ (n, S·S·C)."""
        return self.standardizer.transform(pictures)

    def predict_proba(self, pictures: np.ndarray) -> np.ndarray:
        """P(dog) = ŷ for each picture; (n, S, S, C) → (n,)."""
        return self.net.forward(self.features(pictures))[:, 0].astype(np.float64)

    def predict_bytes(self, data: bytes) -> float:
        """P(dog) for one photo file's bytes (raises ImageError for a bad image)."""
        return float(self.predict_proba(self.picture(data)[None])[0])

    def logistic_weights(self) -> np.ndarray:
        """w reshaped to a picture (S, S, C): w > 0 pushes towards dog, w < 0 towards cat."""
        if self.kind != "logistic":
            raise ValueError("Only a logistic-regression model has one weight per pixel to show.")
        return self.net.weights[0][0].reshape(self.size, self.size, images.COLOURS[self.colour])

    def contributions(self, picture: np.ndarray) -> tuple[np.ndarray, float]:
        """(w ⊙ x̃ as an (S, S, C) picture, b): z = Σ (w ⊙ x̃) + b is the logit, ŷ = σ(z)."""
        w = self.logistic_weights()
        x = self.features(np.asarray(picture)[None])[0].reshape(w.shape)
        return (w * x).astype(np.float64), float(self.net.biases[0][0, 0])

    def describe(self) -> str:
        meta = self.metadata
        acc = meta.get("test_accuracy")
        acc_text = f", test accuracy {acc:.1%}" if isinstance(acc, (int, float)) else ""
        return (f"{self.kind} {self.net.layer_sizes}, {self.size}×{self.size} {self.colour}"
                f"{acc_text}")

    def __repr__(self) -> str:
        return f"PetModel({self.describe()})"


def load_bundled(name: str) -> PetModel:
    """The pretrained model shipped in models/: name "logistic" or "mlp"."""
    try:
        path = BUNDLED[name]
    except KeyError:
        raise ValueError(f"Unknown bundled model {name!r}; choose one of {', '.join(BUNDLED)}.") from None
    if not path.exists():
        raise ModelFileError(f"The bundled model file {path.name} is missing from {MODELS_DIR}.")
    return PetModel.load(path)


def resolve(name_or_path: str) -> PetModel:
    """A bundled name ("logistic", "mlp") or a path to a model file."""
    return load_bundled(name_or_path) if name_or_path in BUNDLED else PetModel.load(name_or_path)


def today() -> str:
    return dt.date.today().isoformat()
