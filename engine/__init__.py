"""Neuron Lab's neural-network engine: NumPy only, no UI.

    from engine import Network, fit, optimizers, datasets
    X, y = datasets.make("xor", m=200, seed=0)
    net = Network([2, 4, 1], activation="tanh", seed=0)
    for record in fit(net, X, y, optimizers.Adam(0.05), epochs=300):
        pass
    net.accuracy(X, y)
"""

from . import activations, datasets, gradcheck, losses, optimizers, outputs
from .errors import ModelFileError
from .network import Network
from .training import BatchRecord, EpochRecord, fit, train_step

__all__ = ["Network", "fit", "train_step", "EpochRecord", "BatchRecord", "ModelFileError", "activations",
           "datasets", "gradcheck", "losses", "optimizers", "outputs"]
