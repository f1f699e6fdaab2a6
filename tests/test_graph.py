"""lessons.graph: the warm-up graph J = 3(a + b·c) and one neuron's forward/backward numbers."""

import numpy as np
import pytest

from engine import Network, gradcheck
from lessons.graph import batch_graph, compose_linear, neuron_graph, warm_up


def _neuron(w, b):
    net = Network([len(w), 1], seed=0)
    net.weights[0] = np.array([w], dtype=float)
    net.biases[0] = np.array([[b]], dtype=float)
    return net


def test_warm_up_matches_the_course_numbers():
    g = warm_up(5, 3, 2)
    assert (g.u, g.v, g.J) == (6, 11, 33)
    assert (g.dv, g.du, g.da, g.db, g.dc) == (3, 3, 3, 6, 9)


def test_warm_up_derivatives_match_finite_differences():
    a, b, c, eps = 1.3, -0.7, 2.1, 1e-6
    g = warm_up(a, b, c)
    J = lambda a, b, c: warm_up(a, b, c).J
    assert g.da == pytest.approx((J(a + eps, b, c) - J(a - eps, b, c)) / (2 * eps), rel=1e-6)
    assert g.db == pytest.approx((J(a, b + eps, c) - J(a, b - eps, c)) / (2 * eps), rel=1e-6)
    assert g.dc == pytest.approx((J(a, b, c + eps) - J(a, b, c - eps)) / (2 * eps), rel=1e-6)


def test_warm_up_rejects_non_finite_inputs():
    with pytest.raises(ValueError, match="finite"):
        warm_up(np.nan, 1, 2)


@pytest.mark.parametrize("y", [0, 1])
def test_neuron_graph_gradients_equal_the_networks_backprop(y):
    net = _neuron([0.5, -1.2, 2.0], 0.3)
    x = np.array([1.0, 0.4, -0.6])
    g = neuron_graph(net, x, y)
    dW, db = net.gradients(x.reshape(1, -1), [y])
    np.testing.assert_allclose(g.dw, dW[0][0], rtol=1e-12, atol=1e-15)
    assert g.db == pytest.approx(db[0][0, 0], rel=1e-12)


def test_neuron_graph_forward_values_follow_the_formulas():
    net = _neuron([0.5, -1.2, 2.0], 0.3)
    x = np.array([1.0, 0.4, -0.6])
    g = neuron_graph(net, x, 1)
    z = 0.5 * 1.0 - 1.2 * 0.4 + 2.0 * -0.6 + 0.3
    a = 1 / (1 + np.exp(-z))
    assert g.z == pytest.approx(z, rel=1e-12)
    assert g.a == pytest.approx(a, rel=1e-12)
    assert g.L == pytest.approx(-np.log(a), rel=1e-12)
    assert g.L == pytest.approx(net.cost(x.reshape(1, -1), [1]), rel=1e-12)
    assert g.da == pytest.approx(-1 / a, rel=1e-12)
    # The chain rule step: dz = dL/da · σ'(z) = a − y.
    assert g.dz == pytest.approx(g.da * a * (1 - a), rel=1e-9)


def test_neuron_graph_slope_stays_finite_when_the_neuron_is_sure_and_wrong():
    net = _neuron([10.0, 10.0, 10.0], 10.0)
    g = neuron_graph(net, [3.0, 3.0, 3.0], 0)  # z = 100, a rounds to 1.0
    assert g.a == 1.0
    assert np.isfinite(g.da) and g.da > 1e40
    assert g.L == pytest.approx(100.0)


def test_neuron_graph_gradients_agree_with_gradcheck():
    net = _neuron([0.2, 0.7, -0.4], -0.1)
    x = np.array([[2.0, -1.0, 0.5]])
    g = neuron_graph(net, x[0], 0)
    check = gradcheck.check(net, x, [0])
    np.testing.assert_allclose(check.numeric, np.r_[g.dw, g.db], rtol=1e-6, atol=1e-9)
    assert check.relative_error < 1e-7


def test_neuron_graph_rejects_bad_inputs():
    with pytest.raises(ValueError, match="single neuron"):
        neuron_graph(Network([3, 2, 1]), [1, 2, 3], 1)
    with pytest.raises(ValueError, match="3 values"):
        neuron_graph(Network([3, 1]), [1, 2], 1)
    with pytest.raises(ValueError, match="0 \\(cat\\) or 1 \\(dog\\)"):
        neuron_graph(Network([3, 1]), [1, 2, 3], 0.5)


def test_batch_graph_vectorized_gradients_equal_the_networks_backprop():
    net = _neuron([0.5, -1.2, 2.0], 0.3)
    X = np.random.default_rng(1).standard_normal((7, 3))
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    g = batch_graph(net, X, y)
    dW, db = net.gradients(X, y)
    np.testing.assert_allclose(g.dW, dW[0], rtol=1e-12)
    assert g.db == pytest.approx(db[0][0, 0], rel=1e-12)
    assert g.J == pytest.approx(net.cost(X, y), rel=1e-12)
    assert g.Z.shape == g.A.shape == g.dZ.shape == (7, 1) and g.dW.shape == (1, 3)


def test_batch_graph_is_the_mean_of_the_single_example_graphs():
    net = _neuron([0.5, -1.2, 2.0], 0.3)
    X = np.random.default_rng(2).standard_normal((5, 3))
    y = np.array([1, 0, 1, 1, 0])
    singles = [neuron_graph(net, X[i], y[i]) for i in range(5)]
    g = batch_graph(net, X, y)
    np.testing.assert_allclose(g.dW[0], np.mean([s.dw for s in singles], axis=0), rtol=1e-12)
    assert g.db == pytest.approx(np.mean([s.db for s in singles]), rel=1e-12)


def test_compose_linear_equals_the_stack_of_linear_layers():
    net = Network([2, 4, 3, 1], activation="linear", seed=3)
    X = np.random.default_rng(0).standard_normal((6, 2))
    W_eff, b_eff = compose_linear(net.weights, net.biases)
    Z_last = net.layer_outputs(X)[-1][0]
    np.testing.assert_allclose(X @ W_eff.T + b_eff, Z_last, rtol=1e-12, atol=1e-12)
    assert W_eff.shape == (1, 2) and b_eff.shape == (1, 1)


def test_compose_linear_rejects_shapes_that_do_not_chain():
    with pytest.raises(ValueError, match="do not chain"):
        compose_linear([np.ones((3, 2)), np.ones((1, 4))], [np.zeros((1, 3)), np.zeros((1, 1))])
