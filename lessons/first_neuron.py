"""The home page's demonstration: one neuron (logistic regression) trained on the spot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import EpochRecord, Network, datasets, fit, optimizers


@dataclass
class FirstNeuron:
    """A one-neuron network [1, 1] after full-batch gradient descent on a one-feature set.

    x (m,), y (m,) are the data; x_grid (200,) and p_grid (200,) the fitted ŷ = σ(w·x + b) across
    them; ``records`` has one entry per gradient-descent step.
    """

    x: np.ndarray
    y: np.ndarray
    x_grid: np.ndarray
    p_grid: np.ndarray
    records: list[EpochRecord]
    w: float
    b: float


def train(learning_rate: float, epochs: int, seed: int = 0, m: int = 80) -> FirstNeuron:
    """Train Network([1, 1]) with GradientDescent(learning_rate) for ``epochs`` steps on m points."""
    X, y = datasets.one_feature(m=m, overlap=0.6, seed=seed)
    net = Network([1, 1], seed=seed)
    records = list(fit(net, X, y, optimizers.GradientDescent(learning_rate), epochs=epochs))
    x_grid = np.linspace(X.min() - 1, X.max() + 1, 200).reshape(-1, 1)
    return FirstNeuron(X[:, 0], y, x_grid[:, 0], net.forward(x_grid)[:, 0], records,
                       float(net.weights[0][0, 0]), float(net.biases[0][0, 0]))
