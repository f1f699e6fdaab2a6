"""A planned table → a network trained on it: the split, inputs standardised on the training rows, the
network (softmax for classes, a linear output for numbers), training as ``engine.fit``'s generator, and
the test scores.

    prepared = prepare(frame, "species")                  # plan, encode, drop, split, standardise
    net = build_network(prepared, Settings())
    for record in training(prepared, net, Settings()):    # engine.fit: one EpochRecord an epoch
        ...
    evaluate(prepared, net).test_score                    # accuracy, or R² for numbers
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

from engine import activations, datasets, losses, optimizers
from engine.network import Network
from engine.training import BatchRecord, EpochRecord, fit

from . import columns
from .reader import TableError

MIN_ROWS = 10
TEST_SHARE = 0.25


@dataclass
class Prepared:
    """A table ready for a network. X_train, X_test (m, n) are standardised with the training rows' mean
    and standard deviation per input column (``mean``, ``std``); y holds class indices 0 … k−1, or numbers
    in the target's own units (a regression trains on (y − y_mean) / y_std, also from the training rows)."""

    plan: columns.Plan
    n_rows: int
    n_dropped: int
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    y_mean: float = 0.0
    y_std: float = 1.0
    test_share: float = TEST_SHARE
    seed: int = 0

    @property
    def task(self) -> str:
        return self.plan.task

    @property
    def k(self) -> int:
        """Output units: the number of classes, or 1 for a regression."""
        return len(self.plan.classes) if self.task == "classes" else 1

    @property
    def feature_names(self) -> list[str]:
        return self.plan.feature_names

    def targets(self, y: np.ndarray) -> np.ndarray:
        """y as the network learns it: class indices as they are, numbers standardised."""
        return y if self.task == "classes" else (y - self.y_mean) / self.y_std

    def numbers(self, y_hat: np.ndarray) -> np.ndarray:
        """A regression network's outputs back in the target's units: ŷ·σ_y + μ_y."""
        return np.asarray(y_hat) * self.y_std + self.y_mean

    def summary(self) -> list[str]:
        """What was kept, encoded and dropped, and the split: one line each, for the page and the command line."""
        plan = self.plan
        numeric = [c.name for c in plan.columns if c.role == "input"]
        if self.task == "classes":
            what = f"classification, {self.k} classes: " + ", ".join(
                f"{name} ({n})" for name, n in zip(plan.classes, self.class_counts()))
        else:
            what = f"regression (numbers from {self.y_range[0]:g} to {self.y_range[1]:g})"
        lines = [f"Target: {plan.target}: {what}"]
        lines.append(f"Inputs ({len(numeric)} columns of numbers): " + (", ".join(numeric) or "none"))
        for c in plan.columns:
            if c.role == "one-hot":
                lines.append(f"One-hot encoded: {c.name} → " + ", ".join(f"{c.name} = {v}" for v in c.categories))
        for c in plan.left_out:
            lines.append(f"Left out: {c.name} ({c.detail})")
        lines.append(f"Rows: {self.n_rows} read, {self.n_dropped} dropped for a missing value, "
                     f"{self.n_rows - self.n_dropped} used.")
        lines.append(f"Split: {len(self.y_train)} training rows, {len(self.y_test)} test rows "
                     f"({self.test_share:.0%} held out{', stratified' if self.task == 'classes' else ''}, seed "
                     f"{self.seed}); the n = {len(self.mean)} inputs standardised on the training rows.")
        return lines

    def class_counts(self) -> list[int]:
        y = np.r_[self.y_train, self.y_test]
        return np.bincount(y, minlength=self.k).tolist()

    @property
    def y_range(self) -> tuple[float, float]:
        y = np.r_[self.y_train, self.y_test]
        return float(y.min()), float(y.max())


def prepare(frame, target: str, task: str = "auto", test_share: float = TEST_SHARE, seed: int = 0) -> Prepared:
    """Plan the columns, encode the rows (dropping those with a missing value), split (stratified for
    classes) and standardise on the training rows. ``TableError`` when too few rows or classes remain."""
    plan = columns.plan(frame, target, task)
    X, y, kept = columns.encode(frame, plan)
    dropped = int((~kept).sum())
    if len(X) < MIN_ROWS:
        raise TableError(f"Only {len(X)} rows are complete" + (f" ({dropped} have a missing value)" if dropped else "")
                         + f"; a network needs at least {MIN_ROWS} to learn from and test on. Fill in the gaps "
                         "or leave out the column that has them.", "too_few_rows")
    if plan.task == "classes" and len(np.unique(y)) < 2:
        raise TableError(f"After dropping the rows with missing values only one class of {plan.target!r} is left. "
                         "Fill in the gaps, or choose another target.", "one_class")
    if plan.task == "classes":
        train, test = datasets.stratified_split(y, test_share, seed)
    else:
        order = np.random.default_rng(seed).permutation(len(y))
        n_test = min(max(int(round(len(y) * test_share)), 1), len(y) - 1)
        train, test = np.sort(order[n_test:]), np.sort(order[:n_test])
    mean = X[train].mean(axis=0)
    std = X[train].std(axis=0)
    std[std == 0] = 1.0   # a column constant on the training rows: centred, not scaled
    prepared = Prepared(plan, len(frame), dropped, (X[train] - mean) / std, (X[test] - mean) / std,
                        y[train], y[test], mean, std, test_share=test_share, seed=seed)
    if plan.task == "regression":
        prepared.y_mean = float(y[train].mean())
        prepared.y_std = float(y[train].std()) or 1.0
    return prepared


@dataclass(frozen=True)
class Settings:
    """The network and its training: hidden layers u[1] …, activation g, Adam's α, epochs, mini-batch size,
    λ of λ/(2m)Σ‖W‖² (scikit-learn's ``alpha``: the same penalty) and the seed."""

    hidden: tuple[int, ...] = (8, 8)
    activation: str = "relu"
    learning_rate: float = 0.01
    epochs: int = 100
    batch_size: int = 32
    l2: float = 1e-4
    seed: int = 0

    def describe(self, prepared: Prepared) -> str:
        sizes = [len(prepared.mean), *self.hidden, prepared.k]
        output = "softmax output" if prepared.task == "classes" else "linear output"
        return (f"Network: {sizes}, {activations.spec(self.activation).label} hidden units, {output}; "
                f"Adam α = {self.learning_rate:g}, "
                f"{self.epochs} epochs, mini-batches of {self.batch_size}, λ = {self.l2:g}, seed {self.seed}.")


def build_network(prepared: Prepared, settings: Settings) -> Network:
    """[n, *hidden, k] with softmax for classes, [n, *hidden, 1] with a linear output for numbers."""
    output = "softmax" if prepared.task == "classes" else "linear"
    k = prepared.k if output == "softmax" else 1
    return Network([len(prepared.mean), *settings.hidden, k], settings.activation, l2=settings.l2,
                   seed=settings.seed, output=output)


def training(prepared: Prepared, net: Network, settings: Settings,
             batches: bool = False) -> Iterator[EpochRecord | BatchRecord]:
    """``engine.fit`` on the training rows, scoring the test rows after every epoch (costs and R² on the
    standardised target for a regression)."""
    return fit(net, prepared.X_train, prepared.targets(prepared.y_train), optimizers.Adam(settings.learning_rate),
               settings.epochs, settings.batch_size, X_test=prepared.X_test,
               y_test=prepared.targets(prepared.y_test), seed=settings.seed, batches=batches)


@dataclass
class Evaluation:
    """Test scores. Classes: accuracy, the confusion matrix C[true, predicted] and each class's accuracy on
    the test rows. Numbers: R² and the mean absolute error in the target's units, with every test row's
    prediction."""

    task: str
    train_score: float
    test_score: float
    confusion: np.ndarray | None = None
    per_class: list[float] = field(default_factory=list)
    mae: float | None = None
    y_true: np.ndarray | None = None
    y_pred: np.ndarray | None = None

    @property
    def label(self) -> str:
        return "accuracy" if self.task == "classes" else "R²"


def evaluate(prepared: Prepared, net: Network) -> Evaluation:
    """Score ``net`` on the training and the test rows."""
    if prepared.task == "classes":
        predicted = net.predict(prepared.X_test)
        k = prepared.k
        C = np.zeros((k, k), dtype=int)
        np.add.at(C, (prepared.y_test, predicted), 1)
        per_class = [float(C[c, c] / C[c].sum()) if C[c].sum() else float("nan") for c in range(k)]
        return Evaluation("classes", net.accuracy(prepared.X_train, prepared.y_train),
                          float(np.mean(predicted == prepared.y_test)), C, per_class,
                          y_true=prepared.y_test, y_pred=predicted)
    y_hat = prepared.numbers(net.predict(prepared.X_test))
    train_hat = prepared.numbers(net.predict(prepared.X_train))
    return Evaluation("regression", losses.r2_score(prepared.y_train, train_hat),
                      losses.r2_score(prepared.y_test, y_hat), mae=float(np.mean(np.abs(y_hat - prepared.y_test))),
                      y_true=prepared.y_test, y_pred=y_hat)


def run(prepared: Prepared, settings: Settings) -> tuple[Network, list[EpochRecord], Evaluation]:
    """Train to the end (or until the run diverges) and evaluate."""
    net = build_network(prepared, settings)
    records = list(training(prepared, net, settings))
    return net, records, evaluate(prepared, net)


def model_metadata(prepared: Prepared, settings: Settings) -> dict:
    """What a model file needs to be used on new rows: the columns, their encoding and standardisation."""
    plan = prepared.plan
    return {"kind": "table", "target": plan.target, "task": plan.task, "classes": plan.classes,
            "feature_names": plan.feature_names,
            "inputs": [{"name": c.name, "role": c.role, "categories": c.categories} for c in plan.inputs],
            "standardisation": {"mean": prepared.mean.tolist(), "std": prepared.std.tolist(),
                                "y_mean": prepared.y_mean, "y_std": prepared.y_std},
            "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(settings).items()}}
