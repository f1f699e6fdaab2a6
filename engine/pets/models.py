"""Cat-vs-dog models: an ``engine.Network`` plus how its input pixels are prepared.

A ``PetModel`` remembers the picture size S, the colour mode and the standardisation
x̃ = (x − μ_c) / σ_c (one mean and standard deviation per colour channel c, measured on the
training photos), all stored in the model file's JSON metadata, so predicting prepares a photo
exactly as training did. Two models ship with the app in ``models/`` (see ``BUNDLED``).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import activations, images
from ..conv import Conv2D, Dropout, Flatten, MaxPool2D
from ..errors import ModelFileError
from ..layers import Activation, Dense, Layer
from ..network import Network
from ..norm import BatchNorm2D
from . import calibration
from .calibration import Novelty

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
BUNDLED = {"cnn": MODELS_DIR / "pets_cnn.npz", "logistic": MODELS_DIR / "pets_logistic.npz",
           "mlp": MODELS_DIR / "pets_mlp.npz"}
# Default hidden layers per model kind: [] is logistic regression, a single sigmoid neuron; for the
# conv net, the filters of each 3×3 convolution (each followed by ReLU and 2×2 max-pooling).
KINDS = {"logistic": [], "mlp": [32], "cnn": [48, 96, 192, 256]}
THRESHOLD = 0.5
#: P(dog) inside this band is reported as "unsure" (leaning one way) rather than a flat verdict; a model
#: whose band was chosen on its validation split carries its own (``PetModel.unsure_band``).
UNSURE_BAND = (0.35, 0.65)
PREDICT_BATCH = 128  # pictures per forward pass when scoring many: bounds the conv net's memory


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
        shapes = {(size * size * channels,), (size, size, channels)}
        if net.input_shape not in shapes:
            raise ValueError(f"The network takes inputs of shape {net.input_shape} but {size}×{size} "
                             f"{colour} pictures are {size * size * channels} numbers.")
        if len(standardizer.mean) != channels:
            raise ValueError(f"The standardisation has {len(standardizer.mean)} channels; {colour} "
                             f"pictures have {channels}.")
        self.net = net
        self.size = size
        self.colour = colour
        self.standardizer = standardizer
        self.metadata = dict(metadata or {})
        # Layers keep their last batch (and conv layers reuse work buffers), so two threads must not
        # run one model at once: the app shares each bundled model between every student's session.
        self.lock = threading.RLock()

    # -- creation and files -----------------------------------------------------------------------

    @classmethod
    def new(cls, kind: str, size: int, colour: str, standardizer: Standardizer, hidden: list[int] | None = None,
            l2: float = 0.0, seed: int = 0, dense: int = 64, dropout: float = 0.5,
            batchnorm: bool = False) -> "PetModel":
        """An untrained model: [S·S·C, 1] for "logistic", [S·S·C, *hidden, 1] (ReLU) for "mlp", and for
        "cnn" the conv net of ``conv_layers`` with ``hidden`` as its filters."""
        if kind not in KINDS:
            raise ValueError(f"Unknown model kind {kind!r}; choose one of {', '.join(KINDS)}.")
        hidden = KINDS[kind] if hidden is None or kind == "logistic" else list(hidden)
        channels = images.COLOURS[colour]
        if kind == "cnn":
            layers = conv_layers(size, channels, hidden, dense, dropout, seed, batchnorm)
            net = Network.from_layers(layers, (size, size, channels), l2=l2, dtype=np.float32)
        else:
            net = Network([size * size * channels, *hidden, 1], activation="relu", l2=l2, seed=seed,
                          dtype=np.float32)
        return cls(net, size, colour, standardizer, {"kind": kind})

    @classmethod
    def load(cls, file) -> "PetModel":
        """Read a model file (path, file object or bytes) written by ``save``; never unpickles."""
        net, meta = Network.load_with_metadata(file)
        try:
            size, colour = int(meta["input_size"]), str(meta["colour"])
            standardizer = Standardizer.from_dict(meta["normalisation"])
            model = cls(net, size, colour, standardizer, meta)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError("This Neuron Lab model is not a cats-vs-dogs model (it lacks the "
                                 f"picture size, colour mode or normalisation: {exc}).") from None
        try:
            model.temperature, model.unsure_band, model.novelty  # noqa: B018  (each checks its metadata)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"The model file's calibration is invalid: {exc}.") from None
        return model

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

    # -- what it is ---------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        if len(self.net.input_shape) == 3:
            return "cnn"
        return "logistic" if len(self.net.layer_sizes) == 2 else "mlp"

    @property
    def mirror_average(self) -> bool:
        """Whether P(dog) averages the photo and its mirror image (set by training for the conv net)."""
        return bool(self.metadata.get("mirror_average", False))

    def picture(self, data: bytes) -> np.ndarray:
        """Bytes of a photo → the (S, S, C) picture in [0, 1] this model sees (raises ImageError)."""
        return images.decode(data, self.size, self.colour)

    def features(self, pictures: np.ndarray) -> np.ndarray:
        """(m, S, S, C) → standardised X̃: rows (m, S·S·C) for a dense model, pictures (m, S, S, C)
        for the conv net."""
        X = self.standardizer.transform(pictures)
        return X.reshape(len(X), *self.net.input_shape)

    # -- calibration (engine.pets.calibration), all read from the metadata ---------------------------

    @property
    def temperature(self) -> float:
        """T of P(dog) = σ(z / T), fitted on the validation split (1 for a model never calibrated)."""
        value = self.metadata.get("calibration", {}).get("temperature", 1.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.05 <= value <= 20:
            raise ValueError(f"the temperature must be a number from 0.05 to 20; got {value!r}")
        return float(value)

    @property
    def unsure_band(self) -> tuple[float, float]:
        """(low, high): P(dog) inside is "unsure"; chosen on the validation split, else UNSURE_BAND."""
        band = self.metadata.get("unsure_band", UNSURE_BAND)
        if (not isinstance(band, (list, tuple)) or len(band) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in band)
                or not 0 <= band[0] <= THRESHOLD <= band[1] <= 1):
            raise ValueError(f"the unsure band must be two numbers low ≤ 0.5 ≤ high in [0, 1]; got {band!r}")
        return float(band[0]), float(band[1])

    @property
    def novelty(self) -> Novelty | None:
        """The "far from anything seen" test (``calibration.Novelty``), if the model was given one."""
        d = self.metadata.get("novelty")
        if d is None:
            return None
        if getattr(self, "_novelty_source", None) is not d:
            spec = self.novelty_spec()
            if not spec:
                raise ValueError("a novelty test needs a hidden layer")
            self._novelty = Novelty.from_dict(d, spec, self._feature_widths(spec))
            self._novelty_source = d
        return self._novelty

    def novelty_spec(self) -> list[tuple[int, str]]:
        """Which layers' features the novelty test reads, as (index in the stack, stat): the first pooling
        layer's per-channel mean and std ("moments"), and the last hidden Dense layer's Z ("values")."""
        layers = self.net.layers
        spec = [(i, "moments") for i, layer in enumerate(layers) if isinstance(layer, MaxPool2D)][:1]
        dense = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
        return spec + ([(dense[-2], "values")] if len(dense) >= 2 else [])

    def _feature_widths(self, spec: list[tuple[int, str]]) -> list[int]:
        shape, shapes = self.net.input_shape, []
        for layer in self.net.layers:
            shape = layer.output_shape(shape)
            shapes.append(shape)
        return [2 * shapes[i][-1] if stat == "moments" else int(np.prod(shapes[i])) for i, stat in spec]

    # -- prediction -----------------------------------------------------------------------------------

    def predict_proba(self, pictures: np.ndarray, calibrated: bool = True) -> np.ndarray:
        """P(dog) = σ(z / T) for each picture; (m, S, S, C) → (m,). With ``mirror_average`` it is the mean
        over the picture and its mirror image; ``calibrated=False`` uses T = 1 (the raw network)."""
        with self.lock:
            return self.proba_from_features(self.features(np.asarray(pictures)),
                                            temperature=None if calibrated else 1.0)

    def proba_from_features(self, X: np.ndarray, mirror: bool | None = None,
                            temperature: float | None = None) -> np.ndarray:
        """P(dog) for inputs already prepared by ``features``, PREDICT_BATCH at a time; (m, …) → (m,).

        ``mirror`` (default: the model's ``mirror_average``) averages ŷ with ŷ of each mirror image;
        ``temperature`` (default: the model's T) divides each logit. Hold ``lock`` for a shared model.
        """
        z, z_mirror, _ = self.logits_from_features(X, mirror)
        return calibration.probability(z, self.temperature if temperature is None else temperature, z_mirror)

    def logits_from_features(self, X: np.ndarray, mirror: bool | None = None,
                             spec: list[tuple[int, str]] | None = None
                             ) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
        """(z (m,), z of the mirror images (m,) or None, [features (m, d) of each (layer, stat) in ``spec``])
        in one inference pass per PREDICT_BATCH pictures. Hold ``lock`` for a shared model."""
        mirror = self.mirror_average if mirror is None else mirror
        spec = spec or []
        z, z_m = np.empty(len(X)), np.empty(len(X)) if mirror else None
        kept: list[list[np.ndarray]] = [[] for _ in spec]
        for start in range(0, len(X), PREDICT_BATCH):
            batch = X[start:start + PREDICT_BATCH]
            A = self.net.check_inputs(batch)
            with self.net._blas():
                for i, layer in enumerate(self.net.layers):
                    A = layer.forward(A)
                    for k, (layer_index, stat) in enumerate(spec):
                        if i == layer_index:
                            kept[k].append(calibration.features_of(A, stat))
            z[start:start + len(batch)] = A[:, 0]
            if mirror:
                z_m[start:start + len(batch)] = self.net.logits(self._mirrored(batch))[:, 0]
        return z, z_m, [np.concatenate(parts) for parts in kept]

    def assess(self, pictures: np.ndarray) -> list["Assessment"]:
        """Calibrated P(dog), whether the photo is far from anything seen, and the verdict, per picture."""
        novelty = self.novelty
        with self.lock:
            z, z_m, F = self.logits_from_features(self.features(np.asarray(pictures)),
                                                  spec=novelty.spec if novelty else None)
        p = calibration.probability(z, self.temperature, z_m)
        score = novelty.score(F) if novelty is not None else np.full(len(p), np.nan)
        novel = score > novelty.threshold if novelty is not None else np.zeros(len(p), bool)
        return [Assessment(float(pi), bool(ni), float(si), verdict(float(pi), self.unsure_band, bool(ni)))
                for pi, ni, si in zip(p, novel, score)]

    def _mirrored(self, X: np.ndarray) -> np.ndarray:
        """Prepared inputs of the mirror images: each picture's columns reversed, in X's own layout."""
        pictures = X.reshape(len(X), self.size, self.size, -1)
        return np.ascontiguousarray(pictures[:, :, ::-1]).reshape(X.shape)

    def predict_bytes(self, data: bytes) -> float:
        """Calibrated P(dog) for one photo file's bytes (raises ImageError for a bad image)."""
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

    def architecture(self) -> str:
        """[n, u[1], …, 1] for a dense model; the convolution filters and dense width for the conv net."""
        if self.kind != "cnn":
            return str(self.net.layer_sizes)
        filters = [layer.W.shape[3] for layer in self.net.layers if isinstance(layer, Conv2D)]
        dense = [layer.W.shape[0] for layer in self.net.layers if isinstance(layer, Dense)][:-1]
        norm = " and BatchNorm" if any(isinstance(layer, BatchNorm2D) for layer in self.net.layers) else ""
        return (f"conv 3×3 {'-'.join(map(str, filters))} with 2×2 pooling{norm}, dense "
                f"{'-'.join(map(str, dense))}, {self.net.n_parameters:,} parameters")

    def describe(self) -> str:
        meta = self.metadata
        acc = meta.get("test_accuracy")
        acc_text = f", test accuracy {acc:.1%}" if isinstance(acc, (int, float)) else ""
        return f"{self.kind} {self.architecture()}, {self.size}×{self.size} {self.colour}{acc_text}"

    def __repr__(self) -> str:
        return f"PetModel({self.describe()})"


@dataclass(frozen=True)
class Assessment:
    """What a model says of one photo: calibrated P(dog), whether it is far from every training photo
    (``novel``; then the verdict is "unsure" whatever P(dog)), its novelty score (NaN without a test; above
    the test's threshold is novel), and the verdict."""

    p_dog: float
    novel: bool
    novelty: float
    verdict: str


NOVEL = "unsure: unlike the photos it learned from"


def verdict(p_dog: float, band: tuple[float, float] = UNSURE_BAND, novel: bool = False) -> str:
    """"dog" for P(dog) ≥ high, "cat" for ≤ low (the band defaults to 0.35–0.65), else "unsure, leans
    dog" / "unsure, leans cat"; a photo far from anything the model has seen is always unsure."""
    if novel:
        return NOVEL
    low, high = band
    if p_dog >= high:
        return "dog"
    if p_dog <= low:
        return "cat"
    return "unsure, leans " + ("dog" if p_dog >= THRESHOLD else "cat")


def available_bundled() -> list[str]:
    """The bundled model names whose files are present, best first."""
    return [name for name, path in BUNDLED.items() if path.exists()]


def load_bundled(name: str) -> PetModel:
    """The pretrained model shipped in models/: name "cnn", "logistic" or "mlp"."""
    try:
        path = BUNDLED[name]
    except KeyError:
        raise ValueError(f"Unknown bundled model {name!r}; choose one of {', '.join(BUNDLED)}.") from None
    if not path.exists():
        raise ModelFileError(f"The bundled model file {path.name} is missing from {MODELS_DIR}.")
    return PetModel.load(path)


def resolve(name_or_path: str) -> PetModel:
    """A bundled name ("cnn", "logistic", "mlp") or a path to a model file."""
    return load_bundled(name_or_path) if name_or_path in BUNDLED else PetModel.load(name_or_path)


def conv_layers(size: int, channels: int, filters: list[int], dense: int = 64, dropout: float = 0.5,
                seed: int = 0, batchnorm: bool = False) -> list[Layer]:
    """The conv net: for each f in ``filters`` a 3×3 Conv2D with f filters, ReLU and 2×2 max-pooling
    (each block halves H and W), with ``batchnorm`` then a BatchNorm2D (after the pooling, where it
    costs a quarter, and the Conv2D → ReLU → MaxPool2D training pass stays fused), then Flatten,
    Dropout, Dense(dense) + ReLU, Dropout and Dense(1).

    Shapes for 64×64 RGB and filters [32, 64, 128, 128]: (m, 64, 64, 3) → (m, 32, 32, 32) → (m, 16, 16, 64)
    → (m, 8, 8, 128) → (m, 4, 4, 128) → (m, 2048) → (m, 64) → (m, 1).
    """
    if size % (2 ** len(filters)):
        raise ValueError(f"{len(filters)} pooling layers need a picture side divisible by "
                         f"{2 ** len(filters)}; got {size}.")
    rng = np.random.default_rng(seed)
    he = activations.spec("relu").init_scale
    layers: list[Layer] = []
    c_prev = channels
    for f in filters:
        layers += [Conv2D.initialized(3, c_prev, f, he, rng, np.float32), Activation("relu"), MaxPool2D()]
        if batchnorm:
            layers.append(BatchNorm2D(f, dtype=np.float32))
        c_prev = f
    side = size // 2 ** len(filters)
    flat = side * side * c_prev
    layers += [Flatten(), Dropout(dropout, seed), Dense.initialized(flat, dense, he, rng, np.float32),
               Activation("relu"), Dropout(dropout, seed + 1), Dense.initialized(dense, 1, 1.0, rng, np.float32)]
    return layers


def today() -> str:
    return dt.date.today().isoformat()
