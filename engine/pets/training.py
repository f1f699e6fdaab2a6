"""Train a ``PetModel`` on a ``PetData`` set, with early stopping on a validation split of train.

The test photos are never used to choose anything: the validation split (carved from train with a
seed) picks the epoch to keep, and the test set is scored once at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from .. import images, optimizers
from ..losses import cost
from ..training import BatchRecord, EpochRecord, fit
from . import calibration, metrics, nonpets
from .augment import Augmentation, augment_epoch
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
    batchnorm: bool = False    # a BatchNorm2D after each convolution block (cnn)
    # Each epoch's pictures as random resized crops of the photos decoded at ``source_size`` (> size),
    # turned, mirrored and colour-jittered (engine.pets.augment); 0: off.
    source_size: int = 0
    crop_area: float = 0.35
    rotate: float = 0.0
    jitter: float = 0.0
    grey: float = 0.0
    label_smoothing: float = 0.0  # targets y(1 − ε) + ε/2 instead of 0 and 1
    # Fit the temperature, the unsure band and the novelty threshold on the validation split (no refit:
    # the validation photos must be ones the model never trained on).
    calibrate: bool = False


PRESETS = {
    "logistic": TrainConfig(kind="logistic", learning_rate=3e-4, l2=3000.0, epochs=200, batch_size=None),
    "mlp": TrainConfig(kind="mlp", hidden=(32,), learning_rate=3e-4, l2=10.0, epochs=40, batch_size=64,
                       patience=8),
    # The first bundled conv net (81.7 % on the test photos): mirror and shift, early stopping, refit.
    "cnn-v1": TrainConfig(kind="cnn", hidden=(32, 64, 128, 128), learning_rate=1e-3, l2=0.0, epochs=60,
                          batch_size=32, patience=60, val_fraction=0.15, flip=False, refit=True, dense=64,
                          dropout=0.5, augment=True, shift=6, cosine=True, mirror_average=True),
    # BatchNorm after each block, random resized crops of 96-pixel photos, turns, colour jitter; calibrated on
    # the validation split (docs/cnn_notes.md, section 4, has the validation runs that chose it).
    "cnn": TrainConfig(kind="cnn", hidden=(48, 96, 192, 256), learning_rate=1e-3, l2=0.0, epochs=100,
                       batch_size=32, patience=10 ** 6, val_fraction=0.15, flip=False, refit=False, dense=64,
                       dropout=0.3, augment=True, cosine=True, mirror_average=True, batchnorm=True,
                       source_size=96, crop_area=0.6, rotate=10.0, jitter=0.2, grey=0.05,
                       label_smoothing=0.0, calibrate=True),
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


def train(data: PetData, config: TrainConfig, source: PetData | None = None,
          final: bool = True) -> Iterator[tuple[PetModel, EpochRecord | None]]:
    """Yield (model, record) after each epoch; ``record.test_*`` are on the validation split.

    Phase 1 trains on train minus a seeded validation split and keeps the epoch with the lowest
    validation cost (stopping after ``patience`` epochs without improvement). With ``refit``,
    phase 2 trains a fresh model on all training photos for that many epochs (records have
    ``extra["phase"] == "refit"`` and no validation scores). With ``calibrate`` (and no refit) the
    temperature, the unsure band and the novelty threshold are fitted on the validation split. Test
    photos are scored once at the end (not at all with ``final=False``: a run that only compares
    settings on the validation split), and a final (model, None) is yielded. ``source``: the same
    photos decoded at ``config.source_size``, for the random resized crops.
    """
    _check_source(data, config, source)
    fit_idx, val_idx = holdout(len(data.y_train), config.val_fraction, config.seed, "val_fraction")
    y_val = data.y_train[val_idx]
    model, X, y = _prepare(data, config, fit_idx)
    X_val = model.features(data.images_train[val_idx])
    best = (np.inf, 0, _snapshot(model))
    optimizer = optimizers.make(config.optimizer, config.learning_rate)
    crops = source.images_train[fit_idx] if source is not None else None
    for record in _fit(model, X, y, optimizer, config, config.epochs, source=crops):
        if record.diverged:
            yield model, record
            return
        record.test_cost, record.test_accuracy = _score(model, X_val, y_val, config.mirror_average)
        record.extra["phase"] = "early stopping"
        if record.test_cost < best[0]:
            best = (record.test_cost, record.epoch, _snapshot(model))
        yield model, record
        if record.epoch - best[1] >= config.patience:
            break
    _restore(model, best[2])
    val_accuracy = _score(model, X_val, y_val, config.mirror_average)[1]
    train_idx = fit_idx
    if config.refit and not config.calibrate and best[1] > 0:
        train_idx = np.arange(len(data.y_train))
        model, X, y = _prepare(data, config, train_idx)
        optimizer = optimizers.make(config.optimizer, config.learning_rate)
        crops = source.images_train if source is not None else None
        for record in _fit(model, X, y, optimizer, config, best[1], source=crops):
            record.extra.update(phase="refit", epochs=best[1])
            yield model, record
            if record.diverged:
                return
    model.metadata["mirror_average"] = config.mirror_average  # before scoring: it changes predict_proba
    if config.calibrate:
        model.metadata.update(_calibrate(model, X_val, y_val, X, y))
    model.metadata.update({
        "kind": config.kind,
        "train_accuracy": metrics.accuracy(data.y_train[train_idx],
                                           model.predict_proba(data.images_train[train_idx])),
        "validation_accuracy": val_accuracy,
        "epochs": best[1],
        "n_train": int(len(train_idx)), "n_validation": int(len(val_idx)), "n_test": int(len(data.y_test)),
        # Validation photos the final model never trained on (none after a refit): with n_train and
        # n_test, every photo read.
        "n_held_out": 0 if train_idx is not fit_idx else int(len(val_idx)),
        "data": data.description(),
        "date": today(),
        "config": _config_dict(config),
        "procedure": ("early stopping on a validation split of train picks the epoch"
                      + ("; then refit on all training photos" if train_idx is not fit_idx else "")
                      + ("; temperature, unsure band and novelty threshold fitted on the validation split"
                         if config.calibrate else "")
                      + "; the test photos are scored once, at the end"),
    })
    if final:
        model.metadata.update(score_test(model, data.images_test, data.y_test))
        if model.novelty is not None:
            model.metadata.update(score_nonpets(model))
    yield model, None


def _check_source(data: PetData, config: TrainConfig, source: PetData | None) -> None:
    if not config.source_size:
        return
    if source is None or source.size != config.source_size or source.paths_train != data.paths_train:
        raise ValueError(f"Random resized crops need the same training photos decoded at {config.source_size}×"
                         f"{config.source_size} (pass source=).")


def _snapshot(model: PetModel) -> list[np.ndarray]:
    """Copies of every parameter and state array (BatchNorm's running statistics belong to the epoch too)."""
    return [a.copy() for layer in model.net.layers for a in layer.parameters() + layer.state()]


def _restore(model: PetModel, saved: list[np.ndarray]) -> None:
    for a, b in zip((a for layer in model.net.layers for a in layer.parameters() + layer.state()), saved):
        a[...] = b


def _calibrate(model: PetModel, X_val: np.ndarray, y_val: np.ndarray, X_fit: np.ndarray, y_fit: np.ndarray) -> dict:
    """Temperature, unsure band and novelty test, all fitted on the validation split (the novelty
    statistics on the training photos, its scales and threshold on the validation ones)."""
    spec = model.novelty_spec()
    z, z_m, F_val = model.logits_from_features(X_val, spec=spec)
    T = calibration.fit_temperature(y_val, z, z_m)
    p_raw, p = calibration.probability(z, 1.0, z_m), calibration.probability(z, T, z_m)
    h = calibration.choose_band(y_val, p)
    accuracy, coverage = calibration.band_accuracy(y_val, p, h)
    out = {"calibration": {"temperature": round(T, 6), "fitted_on": f"validation split ({len(y_val)} photos)",
                           "validation_ece_before": calibration.ece(y_val, p_raw),
                           "validation_ece_after": calibration.ece(y_val, p)},
           "unsure_band": [round(0.5 - h, 4), round(0.5 + h, 4)],
           "unsure_band_validation": {"accuracy_outside": accuracy, "share_outside": coverage,
                                      "target": calibration.BAND_TARGET}}
    if spec:
        _, _, F_fit = model.logits_from_features(X_fit, mirror=False, spec=spec)
        novelty = calibration.Novelty.fit(spec, F_fit, y_fit, F_val)
        out["novelty"] = novelty.to_dict()
        out["novelty"]["share_flagged_validation"] = float(novelty.is_novel(F_val).mean())
    return out


def score_test(model: PetModel, pictures: np.ndarray, y: np.ndarray) -> dict:
    """Everything measured on the test photos, in one pass: accuracy, ROC AUC, the reliability table and
    ECE before and after calibration, the unsure band's accuracy and coverage, the share called novel."""
    novelty = model.novelty
    with model.lock:
        z, z_m, F = model.logits_from_features(model.features(pictures), spec=novelty.spec if novelty else None)
    p_raw, p = calibration.probability(z, 1.0, z_m), calibration.probability(z, model.temperature, z_m)
    fpr, tpr, _ = metrics.roc_curve(y, p)
    low, high = model.unsure_band
    accuracy_out, share_out = calibration.band_accuracy(y, p, high - 0.5)
    out = {"test_accuracy": metrics.accuracy(y, p), "test_auc": metrics.auc(fpr, tpr),
           "test_reliability_before": calibration.reliability(y, p_raw).to_dict(),
           "test_reliability_after": calibration.reliability(y, p).to_dict(),
           "unsure_band_test": {"accuracy_outside": accuracy_out, "share_outside": share_out}}
    if novelty is not None:
        out["novelty_test_share_flagged"] = float(novelty.is_novel(F).mean())
    return out


def score_nonpets(model: PetModel) -> dict:
    """The share of generated pictures with no animal (engine.pets.nonpets) the model calls far from
    anything seen: each drawn, saved as PNG and decoded as an upload."""
    pictures = np.stack([images.decode(nonpets.as_png(pic), model.size, model.colour)
                         for _, pic in nonpets.generate()])
    said = model.assess(pictures)
    return {"novelty_nonpets_share_flagged": float(np.mean([a.novel for a in said])),
            "novelty_nonpets_count": len(said)}


def _fit(model: PetModel, X, y, optimizer, config: TrainConfig, epochs: int,
         batches: bool = False, source: np.ndarray | None = None) -> Iterator[EpochRecord | BatchRecord]:
    """``engine.fit`` with the config's augmentation, label smoothing and learning-rate schedule.

    With ``source`` (uint8 photos at ``config.source_size``, in the order of X), each epoch trains on a
    fresh set of random resized crops of them, one ``fit`` epoch at a time.
    """
    augment = augmenter(config.shift) if config.augment and source is None else None
    base = optimizer.learning_rate
    y = np.asarray(y) * (1 - config.label_smoothing) + config.label_smoothing / 2
    rng = np.random.default_rng(config.seed)
    settings = Augmentation(config.crop_area, config.rotate, config.jitter, config.grey)

    def epochs_of_records():
        if source is None:
            yield from fit(model.net, X, y, optimizer, epochs, config.batch_size, seed=rng, augment=augment,
                           batches=batches)
            return
        for epoch in range(1, epochs + 1):
            X_epoch = model.features(augment_epoch(source, model.size, rng, settings))
            for record in fit(model.net, X_epoch, y, optimizer, 1, config.batch_size, seed=rng, batches=batches):
                record.epoch = epoch
                yield record
                if isinstance(record, EpochRecord) and record.diverged:
                    return

    for record in epochs_of_records():
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
                         l2=config.l2, seed=config.seed, dense=config.dense, dropout=config.dropout,
                         batchnorm=config.batchnorm)
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
