"""lessons.maps: a network over two of its inputs, the others held at their training means."""

import numpy as np
import pytest

from engine import Network
from lessons import maps, tables


@pytest.fixture(scope="module")
def fruit():
    prepared = tables.prepare(tables.read_csv(tables.example_csv("fruit")), "fruit")
    net, _, _ = tables.run(prepared, tables.Settings(epochs=20))
    return prepared, net


def test_the_map_holds_every_other_input_at_its_training_mean(fruit):
    prepared, net = fruit
    plane = maps.feature_map(net, prepared, 0, 2, resolution=7)
    assert plane.values.shape == (7, 7, 3) and plane.classifier
    np.testing.assert_allclose(plane.values.sum(axis=-1), 1.0)
    a, b = 3, 5  # the point (xs[b], ys[a]) in the data's units, by hand
    row = np.zeros(len(prepared.mean))
    row[0] = (plane.xs[b] - prepared.mean[0]) / prepared.std[0]
    row[2] = (plane.ys[a] - prepared.mean[2]) / prepared.std[2]
    np.testing.assert_allclose(plane.values[a, b], net.forward(row[None])[0], rtol=1e-12)
    X = np.r_[prepared.X_train, prepared.X_test] * prepared.std + prepared.mean
    assert plane.xs[0] < X[:, 0].min() and plane.xs[-1] > X[:, 0].max()


def test_a_regression_map_is_in_the_targets_units():
    prepared = tables.prepare(tables.read_csv(tables.example_csv("flats")), "rent_eur")
    net, _, _ = tables.run(prepared, tables.Settings(epochs=20))
    plane = maps.feature_map(net, prepared, 0, 1, resolution=5)
    assert plane.values.shape == (5, 5) and not plane.classifier
    assert 200 < np.median(plane.values) < 2500  # euros, not standardised units


def test_the_strongest_inputs_come_first():
    class Prepared:
        mean, std = np.zeros(3), np.ones(3)
        X_train = np.random.default_rng(0).normal(size=(50, 3))
        X_test = X_train[:5]

    net = Network([3, 1], output="linear")
    net.weights[0] = [[0.1, 0.0, 2.0]]
    assert maps.strongest_inputs(net, Prepared()) == [2, 0, 1]
    assert maps.strongest_inputs(net, Prepared(), candidates=[0, 1]) == [0, 1]


def test_a_sigmoid_networks_probabilities_become_two_columns():
    net = Network([2, 1])
    G = maps.plane_rows(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3), 2)
    P = maps.outputs(net, G, (3, 4))
    assert P.shape == (3, 4, 2)
    np.testing.assert_allclose(P[..., 1], net.forward(G)[:, 0].reshape(3, 4))
    with pytest.raises(ValueError, match="two different inputs"):
        maps.plane_rows(np.zeros(2), np.zeros(2), 2, i=1, j=1)
