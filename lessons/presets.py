"""The playground's setups as plain data: one ``Setup`` describes data, network and training, and
the named ``PRESETS`` are the lessons the page offers in one click. Also the depth-vs-width experiment.

    from lessons import presets
    setup = presets.PRESETS["xor_one_hidden"]
    run = presets.Run(setup)
    for record in run.train(500):
        pass
    run.net.accuracy(run.X_train_in, run.y_train)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

import numpy as np

from engine import activations, datasets, optimizers
from engine.network import Network
from engine.training import EpochRecord, fit
from lessons import drawn, features

HIDDEN_ACTIVATIONS = activations.HIDDEN

# The playground's data sets by task: two classes (cat y = 0, dog y = 1), k classes (softmax output), numbers
# (regression, a linear output), and the sets a user places point by point (``lessons.drawn``).
DRAW_CLASSES, DRAW_NUMBERS = "draw_classes", "draw_numbers"
TASKS: dict[str, tuple[str, ...]] = {
    "binary": tuple(datasets.TWO_D),
    "classes": (*datasets.K_CLASSES, DRAW_CLASSES),
    "regression": (*datasets.REGRESSION, DRAW_NUMBERS),
}
DATASETS: tuple[str, ...] = tuple(name for names in TASKS.values() for name in names)
K_RANGE = (3, 6)           # classes k of a generated k-class set
DRAW_MAX_CLASSES = 6       # classes a user can place
DRAW_EXTENT = 4.0          # a drawn set lives on the square [−4, 4]²


@dataclass(frozen=True)
class Setup:
    """Everything that defines one playground run, seed included (a link to the page carries all of it).

    ``hidden`` lists the units per hidden layer, () for logistic regression; ``features`` are kept in
    ``lessons.features.FEATURES`` order (the order ``expand`` adds them), so two setups that build the
    same network compare equal; ``batch_size`` None means full batch; ``test_ratio`` is the share of
    points held out for testing.
    """

    dataset: str = "circles"
    noise: float = 0.1
    n_points: int = 300
    test_ratio: float = 0.3
    seed: int = 0
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    features: tuple[str, ...] = ()
    learning_rate: float = 0.03
    optimizer: str = "adam"
    batch_size: int | None = None
    l2: float = 0.0
    max_epochs: int = 1000
    k: int = 4                 # classes of a generated k-class set (``K_RANGE``)
    drawn: str = ""            # the points of a drawn set, as ``lessons.drawn.encode`` writes them

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"Unknown data set {self.dataset!r}. Choose one of: {', '.join(DATASETS)}.")
        if not (isinstance(self.k, (int, np.integer)) and K_RANGE[0] <= self.k <= K_RANGE[1]):
            raise ValueError(f"k (classes) must be a whole number from {K_RANGE[0]} to {K_RANGE[1]}; got {self.k!r}.")
        if self.drawn:
            drawn.decode(self.drawn)   # a ValueError for text encode would not write
        if not all(int(u) >= 1 for u in self.hidden):
            raise ValueError(f"Each hidden layer needs at least 1 unit; got {list(self.hidden)}.")
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"Hidden activation must be one of {', '.join(HIDDEN_ACTIVATIONS)}; "
                             f"got {self.activation!r}.")
        object.__setattr__(self, "features", tuple(features.check(self.features)))
        if self.optimizer not in optimizers.OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}. "
                             f"Choose one of: {', '.join(optimizers.OPTIMIZERS)}.")
        numbers = {"noise": self.noise, "n_points": self.n_points, "seed": self.seed,
                   "learning_rate": self.learning_rate, "l2": self.l2, "max_epochs": self.max_epochs,
                   "batch_size": self.batch_size or 1}
        for name, value in numbers.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
                raise ValueError(f"{name} must be a number; got {value!r}.")
        if self.n_points < 4 or self.noise < 0 or self.seed < 0 or self.l2 < 0 or self.max_epochs < 1:
            raise ValueError("Need at least 4 points, noise ≥ 0, seed ≥ 0, λ ≥ 0 and an epochs limit ≥ 1.")
        if self.learning_rate <= 0 or (self.batch_size is not None and self.batch_size < 1):
            raise ValueError("The learning rate must be > 0 and the batch size ≥ 1 (None for full batch).")
        if not 0 < self.test_ratio < 1:
            raise ValueError(f"The test share must be between 0 and 1; got {self.test_ratio}.")

    @property
    def task(self) -> str:
        """"binary" (two classes, one sigmoid unit), "classes" (k softmax units) or "regression" (one linear unit)."""
        return next(task for task, names in TASKS.items() if self.dataset in names)

    @property
    def is_drawn(self) -> bool:
        return self.dataset in (DRAW_CLASSES, DRAW_NUMBERS)

    @property
    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """A drawn set's points X (m, 2) and labels y (m,); empty when none are placed (or the text holds
        the other kind: numbers on a classes plane)."""
        if self.drawn:
            X, y, kind = drawn.decode(self.drawn)
            if kind == ("classes" if self.dataset == DRAW_CLASSES else "regression"):
                return X, y
        return np.zeros((0, 2)), np.zeros(0, dtype=int if self.dataset == DRAW_CLASSES else float)

    @property
    def n_classes(self) -> int:
        """Classes the network tells apart: 2, or k (for a drawn set at least 1 + its highest class placed);
        0 for regression."""
        if self.task == "binary":
            return 2
        if self.task == "regression":
            return 0
        y = self.points[1] if self.is_drawn else ()
        return max(int(self.k), int(max(y)) + 1 if len(y) else 0)

    @property
    def output(self) -> str:
        """The engine's output kind for this task (``engine.outputs``)."""
        return {"binary": "sigmoid", "classes": "softmax", "regression": "linear"}[self.task]

    @property
    def layer_sizes(self) -> list[int]:
        """[n, u[1], …, u[L−1], u[L]] with n = 2 + the number of extra input features and u[L] = 1 (two
        classes, or a number) or k (k classes)."""
        return [2 + len(self.features), *map(int, self.hidden), 1 if self.task != "classes" else self.n_classes]

    def with_(self, **changes) -> "Setup":
        """A copy with some fields changed (and checked again)."""
        return replace(self, **changes)

    def as_dict(self) -> dict:
        """Plain JSON-ready values (tuples become lists), e.g. for a model file's metadata."""
        d = asdict(self)
        return d | {"hidden": list(self.hidden), "features": list(self.features)}

    @classmethod
    def from_dict(cls, d: dict) -> "Setup":
        """Inverse of ``as_dict``; unknown keys are ignored, missing ones keep their defaults."""
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for k in ("hidden", "features"):
            if k in known:
                known[k] = tuple(known[k])
        return cls(**known)


def split_data(setup: Setup):
    """The setup's seeded data set, split: X_train (n_tr, 2), X_test (n_te, 2), y_train (n_tr,), y_test (n_te,).

    k classes are split per class (``datasets.stratified_split``). A drawn set is split by the order the
    points were placed: point i (0, 1, …) is a test point when ⌊(i + 1)·share⌋ > ⌊i·share⌋, so placing
    one more point never moves the others between train and test."""
    if setup.is_drawn:
        return drawn_split(*setup.points, setup.test_ratio)
    if setup.task == "classes":
        X, y = datasets.make_classes(setup.dataset, int(setup.k), setup.n_points, setup.noise, setup.seed)
        return datasets.train_test_split(X, y, setup.test_ratio, seed=setup.seed, stratify=True)
    if setup.task == "regression":
        X, y = datasets.make_regression(setup.dataset, setup.n_points, setup.noise, setup.seed)
    else:
        X, y = datasets.make(setup.dataset, setup.n_points, setup.noise, setup.seed)
    return datasets.train_test_split(X, y, setup.test_ratio, seed=setup.seed)


def drawn_split(X, y, share: float):
    """Drawn points (m, 2), (m,) → X_train, X_test, y_train, y_test: point i is a test point when
    ⌊(i + 1)·share⌋ > ⌊i·share⌋ (with share 0.3: the 4th, 7th, 10th, … point placed)."""
    i = np.arange(len(X))
    test = np.floor((i + 1) * share) > np.floor(i * share)
    return X[~test], X[test], y[~test], y[test]


def build_network(setup: Setup) -> Network:
    """A freshly initialised ``Network(setup.layer_sizes, setup.activation, setup.l2, seed, setup.output)``."""
    return Network(setup.layer_sizes, setup.activation, l2=setup.l2, seed=setup.seed, output=setup.output)


def build_optimizer(setup: Setup) -> optimizers.Optimizer:
    """``optimizers.make(setup.optimizer, setup.learning_rate)``."""
    return optimizers.make(setup.optimizer, setup.learning_rate)


class Run:
    """One training run of a setup: data, network, optimizer and shuffling RNG, trained in slices.

    ``train(k)`` continues where the last call stopped (the optimizer keeps its momentum and the
    RNG its place), so a UI can advance a few epochs per frame. ``records`` holds every epoch.
    """

    def __init__(self, setup: Setup):
        self.setup = setup
        self._take_data(setup)
        self.net = build_network(setup)
        self.optimizer = build_optimizer(setup)
        self.rng = np.random.default_rng(setup.seed)
        self.records: list[EpochRecord] = []
        self.diverged_message = ""

    @property
    def epoch(self) -> int:
        return len(self.records)

    @property
    def finished(self) -> bool:
        """True once max_epochs are done or the run diverged."""
        return self.epoch >= self.setup.max_epochs or bool(self.diverged_message)

    def _take_data(self, setup: Setup) -> None:
        self.X_train, self.X_test, self.y_train, self.y_test = split_data(setup)
        self.X_train_in = features.expand(self.X_train, setup.features)
        self.X_test_in = features.expand(self.X_test, setup.features)

    def take_points(self, setup: Setup) -> None:
        """A drawn set changed (a point placed or removed) but not the network's shape: train on the new
        points from here, keeping the weights, the optimizer's state and the records so far."""
        if setup.layer_sizes != self.setup.layer_sizes or not setup.is_drawn:
            raise ValueError("take_points keeps the network: the new setup must be a drawn set of the same shape.")
        self.retune(setup)
        self._take_data(setup)

    def retune(self, setup: Setup) -> None:
        """Take new training settings (learning rate, optimizer, batch size, λ, epochs limit) without
        touching the weights. The optimizer keeps its state unless its kind changed."""
        if setup.optimizer != self.setup.optimizer:
            self.optimizer = build_optimizer(setup)
        else:
            self.optimizer.learning_rate = float(setup.learning_rate)
        self.net.l2 = float(setup.l2)
        self.setup = setup

    def train(self, epochs: int) -> Iterator[EpochRecord]:
        """Up to ``epochs`` more epochs (never past max_epochs), yielding each record with its epoch
        number counted from the start of the run. A diverged run rolls the weights and records back
        to the start of this call (the last finite state), sets ``diverged_message`` and stops."""
        epochs = max(0, min(int(epochs), self.setup.max_epochs - self.epoch))
        if self.diverged_message or epochs == 0 or len(self.X_train) == 0:
            return
        saved = [p.copy() for p in self.net.parameters()]
        start = len(self.records)
        has_test = len(self.X_test) > 0
        for record in fit(self.net, self.X_train_in, self.y_train, self.optimizer, epochs,
                          batch_size=self.setup.batch_size, X_test=self.X_test_in if has_test else None,
                          y_test=self.y_test if has_test else None, seed=self.rng):
            if record.diverged:
                for p, s in zip(self.net.parameters(), saved):
                    p[...] = s
                self.optimizer.reset()
                del self.records[start:]
                self.diverged_message = record.message
                return
            record.epoch = self.epoch + 1
            self.records.append(record)
            yield record

    def run_to_end(self) -> "Run":
        """Train until max_epochs or divergence; returns self."""
        for _ in self.train(self.setup.max_epochs):
            pass
        return self


# The one-click lessons. Each is a complete Setup, so applying one reproduces it exactly.
PRESETS: dict[str, Setup] = {
    "logreg_xor": Setup(dataset="xor", noise=0.05, hidden=(), activation="tanh", learning_rate=0.1,
                        optimizer="adam", max_epochs=300),
    "xor_one_hidden": Setup(dataset="xor", noise=0.05, hidden=(4,), activation="tanh", learning_rate=0.1,
                            optimizer="adam", max_epochs=300),
    "spiral_depth": Setup(dataset="spiral", noise=0.1, n_points=400, hidden=(8, 8, 8), activation="tanh",
                          learning_rate=0.01, optimizer="adam", max_epochs=600),
    "lr_too_high": Setup(dataset="circles", noise=0.1, hidden=(8, 8), activation="tanh",
                         learning_rate=30.0, optimizer="gd", max_epochs=300),
    "sigmoid_deep": Setup(dataset="circles", noise=0.1, hidden=(8,) * 6, activation="sigmoid",
                          learning_rate=0.3, optimizer="gd", max_epochs=500),
    "relu_deep": Setup(dataset="circles", noise=0.1, hidden=(8,) * 6, activation="relu",
                       learning_rate=0.3, optimizer="gd", max_epochs=500),
    "four_blobs": Setup(dataset="blobs", k=4, noise=0.6, hidden=(8,), activation="tanh", learning_rate=0.03,
                        optimizer="adam", max_epochs=500),
    "five_arms": Setup(dataset="spiral_arms", k=5, noise=0.05, n_points=500, hidden=(16, 16), activation="tanh",
                       learning_rate=0.01, optimizer="adam", max_epochs=2000),
    "bumps_fit": Setup(dataset="bumps", noise=0.1, hidden=(8, 8), activation="tanh", learning_rate=0.01,
                       optimizer="adam", max_epochs=1000),
}



# -- depth vs width -------------------------------------------------------------------------------

def matched_width(deep_hidden: tuple[int, ...], m: int = 2) -> int:
    """The width u of one hidden layer whose network [m, u, 1] has about as many parameters as
    [m, *deep_hidden, 1]: u = round((P_deep − 1) / (m + 2)), since P_wide = (m + 1)·u + (u + 1)."""
    p_deep = n_parameters([m, *deep_hidden, 1])
    return max(1, int(round((p_deep - 1) / (m + 2))))


def depth_vs_width_setups(epochs: int = 1000, seed: int = 0, deep_hidden: tuple[int, ...] = (8, 8, 8, 8)
                          ) -> dict[str, Setup]:
    """Two spiral setups with about equal parameter counts: "deep & narrow" and "shallow & wide"."""
    base = Setup(dataset="spiral", noise=0.1, n_points=400, seed=seed, activation="tanh",
                 learning_rate=0.01, optimizer="adam", max_epochs=epochs)
    wide = (matched_width(deep_hidden),)
    return {"deep & narrow": base.with_(hidden=tuple(deep_hidden)),
            "shallow & wide": base.with_(hidden=wide)}


def depth_vs_width(epochs: int = 1000, seed: int = 0, deep_hidden: tuple[int, ...] = (8, 8, 8, 8)
                   ) -> Iterator[tuple[str, Run, EpochRecord]]:
    """Train both networks of ``depth_vs_width_setups`` one after the other on the same spiral,
    yielding (name, run, record) after every epoch so a UI can show progress."""
    for name, setup in depth_vs_width_setups(epochs, seed, deep_hidden).items():
        run = Run(setup)
        for record in run.train(epochs):
            yield name, run, record


OUTPUT_MEANING = {"sigmoid": "σ(Z): P(dog)", "softmax": "softmax(Z): P(class) per class",
                  "linear": "Z itself: the predicted number"}


def matrix_shapes(layer_sizes: list[int], m: int, output: str = "sigmoid") -> list[tuple[str, tuple[int, int], str]]:
    """The arrays of a forward pass on m examples, in course notation: (name, shape, meaning).

    X (m, n);  per layer l = 1 … L: W[l] (u[l], u[l−1]), b[l] (1, u[l]), Z[l] and A[l] (m, u[l]).
    """
    rows = [("X = A[0]", (m, layer_sizes[0]), "inputs: one row per example")]
    for l in range(1, len(layer_sizes)):
        u_prev, u = layer_sizes[l - 1], layer_sizes[l]
        out = l == len(layer_sizes) - 1
        rows += [(f"W[{l}]", (u, u_prev), f"{u * u_prev} weights"),
                 (f"b[{l}]", (1, u), f"{u} biases"),
                 (f"Z[{l}] = A[{l-1}]·W[{l}]ᵀ + b[{l}]", (m, u), "pre-activations"),
                 (f"A[{l}]" + (" = ŷ" if out else ""), (m, u), OUTPUT_MEANING[output] if out else "g(Z)")]
    return rows


def n_parameters(layer_sizes: list[int]) -> int:
    """Σ_l (u[l]·u[l−1] + u[l])."""
    return sum(u * u_prev + u for u_prev, u in zip(layer_sizes[:-1], layer_sizes[1:]))


__all__ = ["Setup", "Run", "PRESETS", "TASKS", "DATASETS", "split_data", "drawn_split", "build_network", "build_optimizer",
           "matched_width", "depth_vs_width_setups", "depth_vs_width", "matrix_shapes", "n_parameters"]
