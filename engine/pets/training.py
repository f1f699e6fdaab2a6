"""Train a ``PetModel`` on a ``PetData`` set, with early stopping on a validation split of train.

The test photos are never used to choose anything: the validation split (carved from train with a
seed) picks the epoch to keep, and the test set is scored once at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from .. import optimizers
from ..losses import cost
from ..training import BatchRecord, EpochRecord, fit
from . import metrics
from .data import PetData, holdout
from .models import PetModel, Standardizer, today


@dataclass
class TrainConfig:
    """Hyper-parameters; ``l2`` is λ in λ/(2m) Σ‖W‖² with m the mini-batch size."""

    kind: str = "logistic"
    hidden: tuple[int, ...] = (64,)
    optimizer: str = "adam"
    learning_rate: float = 3e-4
    l2: float = 3000.0
    epochs: int = 200
    batch_size: int | None = None
    patience: int = 30
    val_fraction: float = 0.15
    flip: bool = True
    refit: bool = True
    seed: int = 0
    # The conv net: ``hidden`` are its filters; each mini-batch is augmented (random mirror, and a
    # shift of up to ``shift`` pixels) instead of doubling the set with mirror images.
    dense: int = 64
    dropout: float = 0.5
    augment: bool = False
    shift: int = 0
    cosine: bool = False       # learning rate α·½(1 + cos(π·epoch/epochs)) instead of a constant α
    mirror_average: bool = False  # P(dog) = mean of ŷ(photo) and ŷ(mirror image)


PRESETS = {
    "logistic": TrainConfig(kind="logistic", learning_rate=3e-4, l2=3000.0, epochs=200, batch_size=None),
    "mlp": TrainConfig(kind="mlp", hidden=(32,), learning_rate=3e-4, l2=10.0, epochs=40, batch_size=64,
                       patience=8),
    "cnn": TrainConfig(kind="cnn", hidden=(32, 64, 128, 128), learning_rate=1e-3, l2=0.0, epochs=60,
                       batch_size=32, patience=60, val_fraction=0.15, flip=False, refit=True, dense=64,
                       dropout=0.5, augment=True, shift=6, cosine=True, mirror_average=True),
}


def augmenter(shift: int) -> Callable[[np.ndarray, np.random.Generator], np.ndarray]:
    """augment(X, rng): each picture of the batch X (m, S, S, C) mirrored with probability 1/2 and
    moved by up to ``shift`` pixels in each direction (the border it uncovers repeats the edge)."""

    def augment(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        m, S = X.shape[0], X.shape[1]
        out = np.where(rng.random(m)[:, None, None, None] < 0.5, X[:, :, ::-1], X)
        if shift == 0:
            return np.ascontiguousarray(out)
        padded = np.pad(out, ((0, 0), (shift, shift), (shift, shift), (0, 0)), mode="edge")
        dy, dx = rng.integers(0, 2 * shift + 1, size=(2, m))
        return np.stack([padded[i, dy[i]:dy[i] + S, dx[i]:dx[i] + S] for i in range(m)])

    return augment


def mirrored(pictures: np.ndarray) -> np.ndarray:
    """Left-right mirror images, (n, S, S, C) → (n, S, S, C): a cat facing left is still a cat."""
    return pictures[:, :, ::-1]


def train(data: PetData, config: TrainConfig) -> Iterator[tuple[PetModel, EpochRecord | None]]:
    """Yield (model, record) after each epoch; ``record.test_*`` are on the validation split.

    Phase 1 trains on train minus a seeded validation split and keeps the epoch with the lowest
    validation cost (stopping after ``patience`` epochs without improvement). With ``refit``,
    phase 2 trains a fresh model on all training photos for that many epochs (records have
    ``extra["phase"] == "refit"`` and no validation scores). Test accuracy is measured once at the
    end, and a final (model, None) is yielded.
    """
    fit_idx, val_idx = holdout(len(data.y_train), config.val_fraction, config.seed, "val_fraction")
    y_val = data.y_train[val_idx]
    model, X, y = _prepare(data, config, fit_idx)
    X_val = model.features(data.images_train[val_idx])
    best = (np.inf, 0, [p.copy() for p in model.net.parameters()])
    optimizer = optimizers.make(config.optimizer, config.learning_rate)
    for record in _fit(model, X, y, optimizer, config, config.epochs):
        if record.diverged:
            yield model, record
            return
        record.test_cost, record.test_accuracy = _score(model, X_val, y_val, config.mirror_average)
        record.extra["phase"] = "early stopping"
        if record.test_cost < best[0]:
            best = (record.test_cost, record.epoch, [p.copy() for p in model.net.parameters()])
        yield model, record
        if record.epoch - best[1] >= config.patience:
            break
    for p, saved in zip(model.net.parameters(), best[2]):
        p[...] = saved
    val_accuracy = _score(model, X_val, y_val, config.mirror_average)[1]
    train_idx = fit_idx
    if config.refit and best[1] > 0:
        train_idx = np.arange(len(data.y_train))
        model, X, y = _prepare(data, config, train_idx)
        optimizer = optimizers.make(config.optimizer, config.learning_rate)
        for record in _fit(model, X, y, optimizer, config, best[1]):
            record.extra.update(phase="refit", epochs=best[1])
            yield model, record
            if record.diverged:
                return
    model.metadata["mirror_average"] = config.mirror_average  # before scoring: it changes predict_proba
    model.metadata.update({
        "kind": config.kind,
        "train_accuracy": metrics.accuracy(data.y_train[train_idx],
                                           model.predict_proba(data.images_train[train_idx])),
        "validation_accuracy": val_accuracy,
        "test_accuracy": metrics.accuracy(data.y_test, model.predict_proba(data.images_test)),
        "epochs": best[1],
        "n_train": int(len(train_idx)), "n_validation": int(len(val_idx)), "n_test": int(len(data.y_test)),
        "data": data.description(),
        "date": today(),
        "config": _config_dict(config),
        "procedure": ("early stopping on a validation split of train picks the epoch count"
                      + ("; then refit on all training photos" if config.refit else "")
                      + "; the test photos are scored once, at the end"),
    })
    yield model, None


def _fit(model: PetModel, X, y, optimizer, config: TrainConfig, epochs: int,
         batches: bool = False) -> Iterator[EpochRecord | BatchRecord]:
    """``engine.fit`` with the config's augmentation and learning-rate schedule."""
    augment = augmenter(config.shift) if config.augment else None
    base = optimizer.learning_rate
    for record in fit(model.net, X, y, optimizer, epochs, config.batch_size, seed=config.seed, augment=augment,
                      batches=batches):
        if isinstance(record, BatchRecord):
            yield record
            continue
        if config.cosine:  # for the next epoch
            optimizer.learning_rate = base * 0.5 * (1 + math.cos(math.pi * min(record.epoch / epochs, 1)))
            optimizer.learning_rate = max(optimizer.learning_rate, base * 1e-3)
        yield record


def _score(model: PetModel, X: np.ndarray, y: np.ndarray, mirror: bool = False) -> tuple[float, float]:
    """(J, accuracy) on prepared inputs (X, y); J is the cross-entropy without the L2 term. With
    ``mirror``, ŷ is the mean over each picture and its mirror image.

    λ/(2m)‖W‖² depends on m, so leaving it out keeps train and held-out costs comparable.
    """
    p = model.proba_from_features(X, mirror)
    return cost(y, p), metrics.accuracy(y, p)


def _config_dict(config: TrainConfig) -> dict:
    """The config as JSON-ready metadata (tuples become lists)."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()}


def _prepare(data: PetData, config: TrainConfig, idx: np.ndarray):
    """A fresh model and its standardised training rows for the photos ``idx`` (+ mirrors)."""
    pics, y = data.images_train[idx], data.y_train[idx]
    if config.flip:
        pics, y = np.concatenate([pics, mirrored(pics)]), np.concatenate([y, y])
    model = PetModel.new(config.kind, data.size, data.colour, Standardizer.fit(pics), list(config.hidden),
                         l2=config.l2, seed=config.seed, dense=config.dense, dropout=config.dropout)
    return model, model.features(pics), y


def evaluate(model: PetModel, pictures: np.ndarray, y: np.ndarray, k_mistakes: int = 8) -> dict:
    """Accuracy, confusion matrix, ROC (fpr, tpr, AUC) and the most confident mistakes on (pictures, y)."""
    if pictures.shape[1:3] != (model.size, model.size):
        raise ValueError(f"The model takes {model.size}×{model.size} pictures; these are "
                         f"{pictures.shape[1]}×{pictures.shape[2]}. Load the data at size {model.size}.")
    p = model.predict_proba(pictures)
    fpr, tpr, _ = metrics.roc_curve(y, p)
    return {"p": p, "accuracy": metrics.accuracy(y, p), "confusion": metrics.confusion_matrix(y, p),
            "fpr": fpr, "tpr": tpr, "auc": metrics.auc(fpr, tpr),
            "mistakes": metrics.most_confident_mistakes(y, p, k_mistakes)}


def live(data: PetData, config: TrainConfig,
         batches: bool = False) -> tuple[PetModel, Iterator[EpochRecord | BatchRecord]]:
    """A model and an epoch generator for a UI: trains on all training photos, scores the test photos.

    Each record's ``train_cost`` and ``test_cost`` are the cross-entropy (1/m) Σ L(ŷ, y) of the
    parameters at the end of that epoch, without the L2 term, so the two curves are comparable.
    Nothing here picks hyper-parameters on the test set: the curves are only drawn. With ``batches``
    a ``BatchRecord`` comes after every mini-batch step too, so the UI can draw and pause mid-epoch.
    """
    model, X, y = _prepare(data, config, np.arange(len(data.y_train)))
    X_test = model.features(data.images_test)
    optimizer = optimizers.make(config.optimizer, config.learning_rate)

    def epochs() -> Iterator[EpochRecord | BatchRecord]:
        for record in _fit(model, X, y, optimizer, config, config.epochs, batches):
            if isinstance(record, BatchRecord):
                yield record
                continue
            if not record.diverged:
                record.train_cost = _score(model, X, y)[0]
                record.test_cost, record.test_accuracy = _score(model, X_test, data.y_test)
            yield record

    model.metadata.update({"kind": config.kind, "data": data.description(), "date": today(),
                           "config": _config_dict(config)})
    return model, epochs()
