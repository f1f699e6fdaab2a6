"""lessons.diagnostics: saturation, histograms and per-layer gradient norms."""

import numpy as np
import pytest

from engine import Network, datasets
from lessons.diagnostics import gradient_norms, histogram, inspect, saturated, saturation_share


def test_sigmoid_saturation_counts_values_below_001_or_above_099():
    A = np.array([[0.005, 0.5], [0.995, 0.99]])
    assert saturated(None, A, "sigmoid").tolist() == [[True, False], [True, False]]
    assert saturation_share(None, A, "sigmoid") == 0.5


def test_tanh_saturation_uses_absolute_value_above_099():
    A = np.array([[-0.999, 0.0, 0.995, 0.5]])
    assert saturation_share(None, A, "tanh") == 0.5


def test_relu_saturation_is_the_share_of_units_that_are_off():
    Z = np.array([[-1.0, 0.0, 2.0, 3.0]])
    assert saturation_share(Z, np.maximum(Z, 0), "relu") == 0.5
    assert saturation_share(Z, Z, "linear") == 0.0


def test_saturated_rejects_unknown_activation():
    with pytest.raises(ValueError, match="Unknown activation"):
        saturated(np.zeros(2), np.zeros(2), "softmax")


def test_histogram_counts_every_entry_in_the_given_range():
    counts, edges = histogram(np.array([0.0, 0.1, 0.5, 1.0]), bins=4, value_range=(0, 1))
    assert counts.tolist() == [2, 0, 1, 1]
    assert edges.tolist() == [0, 0.25, 0.5, 0.75, 1.0]


def test_histogram_of_a_constant_array_has_a_non_empty_range():
    counts, edges = histogram(np.full(5, 2.0), bins=2)
    assert counts.sum() == 5 and edges[0] < 2.0 < edges[-1]


def test_inspect_reports_shapes_and_gradient_norms_per_layer():
    X, y = datasets.make("circles", m=40, seed=0)
    net = Network([2, 5, 3, 1], activation="tanh", seed=0)
    reports = inspect(net, X, y, bins=10)
    assert [r.shape for r in reports] == [(40, 5), (40, 3), (40, 1)]
    assert [r.activation for r in reports] == ["tanh", "tanh", "sigmoid"]
    dW, _ = net.gradients(X, y)
    assert [r.grad_norm for r in reports] == pytest.approx([np.linalg.norm(g) for g in dW])
    assert all(r.counts.sum() == r.A.size for r in reports)
    assert gradient_norms(net, X, y) == pytest.approx([r.grad_norm for r in reports])


def test_deep_sigmoid_network_shows_the_vanishing_gradient_and_relu_does_not():
    X, y = datasets.make("circles", m=100, seed=0)
    sig = gradient_norms(Network([2] + [8] * 6 + [1], activation="sigmoid", seed=0), X, y)
    relu = gradient_norms(Network([2] + [8] * 6 + [1], activation="relu", seed=0), X, y)
    # With sigmoid the first layer's gradient is orders of magnitude below the last one's.
    assert sig[0] < sig[-1] / 100
    assert relu[0] > relu[-1] / 10
