"""engine.gradcheck: it must catch a wrong backward pass, not just bless a right one."""

import dataclasses

import numpy as np
import pytest

from engine import Network, activations, datasets, gradcheck


def test_gradcheck_flags_a_broken_derivative(monkeypatch):
    X, y = datasets.make("moons", m=10, seed=0)
    net = Network([2, 3, 1], activation="tanh", seed=0)
    assert gradcheck.check(net, X, y).relative_error < 1e-7
    wrong = dataclasses.replace(activations.spec("tanh"), local_gradient=lambda z, a: 1 - a)  # not 1 − a²
    monkeypatch.setitem(activations.REGISTRY, "tanh", wrong)
    broken = Network([2, 3, 1], activation="tanh", seed=0)
    assert gradcheck.check(broken, X, y).relative_error > 1e-3


def test_check_labels_every_parameter_in_order():
    net = Network([2, 2, 1])
    result = gradcheck.check(net, np.ones((3, 2)), [0, 1, 1])
    assert result.names[:2] == ["W[1][0,0]", "W[1][0,1]"]
    assert result.names[-1] == "b[2][0,0]"
    assert len(result.names) == len(result.analytic) == len(result.numeric) == net.n_parameters


def test_relative_error_formula():
    assert gradcheck.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert gradcheck.relative_error([0.0], [0.0]) == 0.0
    assert gradcheck.relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
