"""Training as a generator: ``fit`` yields one record per epoch, so a UI can draw between epochs and
stop whenever it likes without losing the model (the network is updated in place)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .network import Network
from .optimizers import Optimizer

Augment = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass
class EpochRecord:
    """What one epoch of ``fit`` did.

    ``train_cost`` and ``train_accuracy`` are averaged over the epoch's mini-batches, each measured
    just before that batch's update (as scikit-learn's ``loss_curve_`` and Keras do); with full-batch
    gradient descent that is exactly J(θ) before the epoch's step. ``grad_norms[l]`` is the mean over
    the epoch's batches of ‖dW[l]‖ (Frobenius norm).

    A network that predicts numbers (a linear output) has no accuracy: ``train_accuracy`` and
    ``test_accuracy`` are None, and ``train_r2`` / ``test_r2`` hold R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²
    instead (train: pooled over the epoch's batches, each before its update, as the cost is).
    """

    epoch: int
    train_cost: float
    train_accuracy: float | None
    grad_norms: list[float]
    test_cost: float | None = None
    test_accuracy: float | None = None
    diverged: bool = False
    message: str = ""
    steps: int = 0
    extra: dict = field(default_factory=dict)
    train_r2: float | None = None
    test_r2: float | None = None


@dataclass
class BatchRecord:
    """One mini-batch step of ``fit(..., batches=True)``: step ``step`` of ``steps`` in epoch ``epoch``;
    ``cost`` is J of that batch just before its update (the noisy cost that mini-batch descent follows,
    with the L2 term if the network has one) and ``loss`` the cross-entropy alone, (1/m_b) Σ L(ŷ, y)."""

    epoch: int
    step: int
    steps: int
    cost: float
    loss: float

    @property
    def at(self) -> float:
        """Where the step falls on an epoch axis: epoch − 1 + step / steps (epoch 3's last step is 3.0)."""
        return self.epoch - 1 + self.step / self.steps


def train_step(net: Network, X: np.ndarray, y: np.ndarray, optimizer: Optimizer) -> float:
    """One optimizer step on (X, y); returns J before the step."""
    J = net.backprop(X, y).cost
    optimizer.step(net.parameters(), net.grads())
    return J


def fit(net: Network, X, y, optimizer: Optimizer, epochs: int, batch_size: int | None = None,
        X_test=None, y_test=None, seed: int | np.random.Generator = 0,
        diverge_factor: float = 1e3, augment: Augment | None = None,
        batches: bool = False) -> Iterator[EpochRecord | BatchRecord]:
    """Train ``net`` in place, yielding an ``EpochRecord`` after each epoch.

    Parameters
    ----------
    X : array (m, n);  y : array (m,) or (m, 1) of 0/1 (softmax: class indices (m,) or one-hot (m, k);
        linear: numbers (m,) or (m, k))
    optimizer : an ``engine.optimizers`` object, e.g. ``GradientDescent(0.1)``
    epochs : number of passes over the data
    batch_size : None for full-batch gradient descent, 1 for SGD, else mini-batches
        (shuffled each epoch with ``seed``; the last batch may be smaller)
    X_test, y_test : optional held-out set, scored after every epoch
    diverge_factor : the run is declared diverged when J is not finite, a parameter is not finite,
        or J exceeds ``diverge_factor`` × (J of the first epoch, at least log 2)
    augment : optional ``augment(X_b, rng) → X_b'``, applied to every mini-batch before its step
        (data augmentation: mirror images, shifts); same shape out as in
    batches : also yield a ``BatchRecord`` after every optimizer step, so a UI can draw (or stop)
        in the middle of a long epoch; stopping there leaves the network after that step

    A diverged run yields a final record with ``diverged=True`` and a plain-English ``message``,
    then stops; the network keeps the last parameters it had.
    """
    X = net.check_inputs(X)
    Y = net.check_labels(y, len(X))
    if epochs < 0:
        raise ValueError(f"epochs must be ≥ 0; got {epochs}.")
    m = len(X)
    if batch_size is None or batch_size >= m:
        batch_size = m
    if batch_size < 1:
        raise ValueError(f"batch_size must be ≥ 1 (or None for full batch); got {batch_size}.")
    has_test = X_test is not None and y_test is not None
    if has_test:
        X_test = net.check_inputs(X_test)
        Y_test = net.check_labels(y_test, len(X_test))
    rng = np.random.default_rng(seed)  # returns a Generator it is given unchanged
    params = net.parameters()
    grads = net.grads()
    J_first = None
    classifier = net.output.classifier
    # Σ (y − ȳ)² of the training set, the denominator of a regression's R².
    spread = None if classifier else float(np.sum((Y - Y.mean(axis=0)) ** 2))

    steps_per_epoch = -(-m // batch_size)
    for epoch in range(1, epochs + 1):
        cost_sum = correct = residual = 0.0
        norm_sums = np.zeros(len(net.weighted))
        steps = 0
        for Xb, Yb in minibatches(X, Y, batch_size, rng):
            # errstate per step, never around a yield: a UI resumes the generator in another thread's
            # context, where leaving a context entered before the yield fails (it is a ContextVar).
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if augment is not None:
                    Xb = augment(Xb, rng)
                J, Z = net.backprop(Xb, Yb)
                # Right answers (or the squared residuals) from the batch's logits, not a second forward pass.
                if classifier:
                    correct += net.output.correct(Z, Yb)
                else:
                    residual += float(np.sum((Z - Yb) ** 2))
                cost_sum += J * len(Xb)
                norm_sums += net.weight_grad_norms()
                optimizer.step(params, grads)
                loss = (net.output.cost_from_logits(Yb, Z) if net.l2 else J) if batches else None
            steps += 1
            if batches:
                yield BatchRecord(epoch=epoch, step=steps, steps=steps_per_epoch, cost=float(J), loss=float(loss))
        train_cost = cost_sum / m
        if J_first is None:
            J_first = max(train_cost, np.log(2)) if np.isfinite(train_cost) else np.log(2)
        record = EpochRecord(epoch=epoch, train_cost=train_cost, train_accuracy=correct / m if classifier else None,
                             grad_norms=[float(v) for v in norm_sums / steps], steps=steps)
        if not classifier:
            record.train_r2 = 1.0 - residual / spread if spread else 0.0
        problem = _divergence(net, train_cost, J_first, diverge_factor)
        if problem:
            record.diverged = True
            record.message = problem
            yield record
            return
        if has_test:
            with np.errstate(over="ignore", invalid="ignore"):
                record.test_cost = net.cost(X_test, Y_test)
                if classifier:
                    record.test_accuracy = net.accuracy(X_test, Y_test)
                else:
                    record.test_r2 = net.r2(X_test, Y_test)
        yield record


def minibatches(X: np.ndarray, Y: np.ndarray, batch_size: int,
                rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch's mini-batches (X_b, Y_b) of ``batch_size`` rows (the last may be smaller).

    With batch_size < m the rows are shuffled by ``rng`` once (one copy; each batch is then a view);
    with batch_size ≥ m the single batch is (X, Y) itself and ``rng`` is not used.
    """
    m = len(X)
    if batch_size >= m:
        yield X, Y
        return
    order = rng.permutation(m)
    X, Y = X[order], Y[order]
    for start in range(0, m, batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]


def _divergence(net: Network, J: float, J_first: float, factor: float) -> str:
    if not np.isfinite(J):
        return ("Training diverged: the cost became infinite or NaN. The learning rate is too large "
                "for this problem; try one 10× smaller.")
    if not all(np.all(np.isfinite(p)) for p in net.parameters()):
        return ("Training diverged: the weights overflowed to infinity. Lower the learning rate "
                "(try 10× smaller).")
    if J > factor * J_first:
        return (f"Training diverged: the cost grew to {J:.3g}, over {factor:g}× where it started. "
                "Each step overshoots the minimum by more than the last; lower the learning rate.")
    return ""
