"""lessons.vectorize: the Python-loop forward pass gives the same numbers as the vectorized one."""

import numpy as np
import pytest

from engine import Network
from lessons.vectorize import Timing, forward_loop, forward_vectorized, sweep, time_forward


@pytest.mark.parametrize("sizes, activation", [([3, 1], "sigmoid"), ([2, 5, 4, 1], "tanh"),
                                               ([4, 6, 1], "relu"), ([2, 3, 1], "leaky_relu")])
def test_loop_and_vectorized_forward_give_the_same_predictions(sizes, activation):
    net = Network(sizes, activation=activation, seed=1)
    X = np.random.default_rng(0).standard_normal((50, sizes[0]))
    loop = forward_loop(net, X)
    assert loop.shape == (50, 1)
    np.testing.assert_allclose(loop, forward_vectorized(net, X), rtol=1e-12, atol=1e-15)


def test_loop_forward_computes_sigma_of_w_dot_x_plus_b():
    net = Network([2, 1], seed=0)
    net.weights[0] = [[2.0, -1.0]]
    net.biases[0] = [[0.5]]
    out = forward_loop(net, [[1.0, 3.0]])
    assert out[0, 0] == pytest.approx(1 / (1 + np.exp(0.5)))


def test_time_forward_reports_equal_outputs_and_positive_times():
    net = Network([3, 1], seed=0)
    t = time_forward(net, np.ones((20, 3)), repeats=1)
    assert t.m == 20
    assert t.loop_seconds > 0 and t.vectorized_seconds > 0
    assert t.max_abs_difference < 1e-12


def test_sweep_yields_one_timing_per_size_in_order():
    net = Network([3, 1], seed=0)
    timings = list(sweep(net, [1, 5, 30], seed=0, repeats=1))
    assert [t.m for t in timings] == [1, 5, 30]
    assert all(isinstance(t, Timing) and t.max_abs_difference < 1e-12 for t in timings)


def test_sweep_rejects_sizes_below_one():
    with pytest.raises(ValueError, match="≥ 1"):
        list(sweep(Network([3, 1]), [10, 0]))


def test_time_forward_rejects_wrong_feature_count():
    with pytest.raises(ValueError, match="features"):
        time_forward(Network([3, 1]), np.ones((4, 2)))
