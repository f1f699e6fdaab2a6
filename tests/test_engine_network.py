"""engine.Network: shapes, backprop against finite differences, scikit-learn agreement, persistence."""

import io

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from engine import ModelFileError, Network, datasets, fit, gradcheck, optimizers
from engine.activations import NAMES


def _random_biases(net, seed=1):
    # Nonzero biases keep every ReLU input away from its kink at exactly 0, where the
    # centred difference (slope 0.5) and the derivative (0) legitimately disagree.
    rng = np.random.default_rng(seed)
    net.biases = [rng.normal(0, 0.5, b.shape) for b in net.biases]


def test_shapes_follow_the_course_notation():
    net = Network([3, 5, 4, 1], seed=0)
    assert [W.shape for W in net.weights] == [(5, 3), (4, 5), (1, 4)]
    assert [b.shape for b in net.biases] == [(1, 5), (1, 4), (1, 1)]
    X = np.ones((7, 3))
    outs = net.layer_outputs(X)
    assert [(Z.shape, A.shape) for Z, A in outs] == [((7, 5), (7, 5)), ((7, 4), (7, 4)), ((7, 1), (7, 1))]
    assert net.forward(X).shape == (7, 1)
    assert net.n_parameters == 5 * 3 + 5 + 4 * 5 + 4 + 4 + 1


def test_one_layer_network_is_logistic_regression():
    net = Network([2, 1])
    net.weights[0] = [[2.0, -1.0]]
    net.biases[0] = [[0.5]]
    X = np.array([[1.0, 3.0], [0.0, 0.0]])
    z = X @ np.array([2.0, -1.0]) + 0.5
    np.testing.assert_allclose(net.forward(X)[:, 0], 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("activation", list(NAMES))
@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_backprop_matches_centred_finite_differences(activation, depth, l2):
    X, y = datasets.make("moons", m=12, noise=0.2, seed=depth)
    net = Network([2] + [3] * depth + [1], activation=activation, l2=l2, seed=depth)
    _random_biases(net)
    assert gradcheck.check(net, X, y).relative_error < 1e-7


def test_cost_includes_the_l2_term():
    X, y = datasets.make("gaussians", m=40, seed=0)
    plain = Network([2, 3, 1], seed=0)
    penalised = Network([2, 3, 1], l2=2.0, seed=0)
    expected = 2.0 / (2 * 40) * sum(np.sum(W ** 2) for W in plain.weights)
    assert penalised.cost(X, y) - plain.cost(X, y) == pytest.approx(expected, rel=1e-12)


def test_full_batch_gradient_descent_reaches_sklearn_unpenalized_logistic_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X @ [1.5, -2.0, 0.5] + 0.3 + rng.logistic(size=400) > 0).astype(int)
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    net = Network([3, 1], seed=0)
    for _ in fit(net, X, y, optimizers.GradientDescent(2.0), epochs=3000):
        pass
    np.testing.assert_allclose(net.weights[0][0], reference.coef_[0], atol=1e-4)
    assert net.biases[0][0, 0] == pytest.approx(reference.intercept_[0], abs=1e-4)


def test_xor_is_learned_by_a_2_4_1_tanh_network():
    X, y = datasets.make("xor", m=200, noise=0.05, seed=0)
    net = Network([2, 4, 1], activation="tanh", seed=0)
    assert net.accuracy(X, y) < 0.8
    for _ in fit(net, X, y, optimizers.Adam(0.05), epochs=400):
        pass
    assert net.accuracy(X, y) >= 0.97


def test_y_may_be_a_vector_or_a_column():
    X, y = datasets.make("linear", m=30, seed=0)
    net = Network([2, 2, 1], seed=0)
    assert net.cost(X, y) == net.cost(X, y.reshape(-1, 1))
    assert net.accuracy(X, y) == net.accuracy(X, y.reshape(-1, 1))


def test_float32_network_stays_float32():
    X, y = datasets.make("xor", m=64, seed=0)
    net = Network([2, 8, 1], activation="relu", dtype=np.float32)
    for _ in fit(net, X, y, optimizers.Adam(0.01), epochs=3, batch_size=16):
        pass
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.forward(X).dtype == np.float32


def test_save_and_load_round_trip_exactly(tmp_path):
    net = Network([4, 6, 3, 1], activation=["relu", "tanh"], l2=0.1, seed=3)
    path = tmp_path / "net.npz"
    net.save(path, metadata={"note": "test"})
    loaded, meta = Network.load_with_metadata(path)
    assert meta == {"note": "test"}
    assert loaded.layer_sizes == net.layer_sizes and loaded.activation_names == ["relu", "tanh"]
    assert loaded.l2 == 0.1
    for a, b in zip(net.parameters(), loaded.parameters()):
        np.testing.assert_array_equal(a, b)
    X = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_array_equal(net.forward(X), Network.load(net.to_bytes()).forward(X))


@pytest.mark.parametrize("payload, message", [
    (b"not a zip at all", "not a Neuron Lab model"),
    (b"", "not a Neuron Lab model"),
])
def test_load_rejects_files_that_are_not_models(payload, message):
    with pytest.raises(ModelFileError, match=message):
        Network.load(payload)


def test_load_rejects_wrong_shapes_and_non_finite_values():
    net = Network([2, 3, 1])
    good = net.to_bytes()
    with np.load(io.BytesIO(good), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    bad_shape = dict(arrays, **{"L0.W": np.zeros((4, 2))})
    buf = io.BytesIO()
    np.savez(buf, **bad_shape)
    with pytest.raises(ModelFileError, match=r"L0.W has shape \(4, 2\); this network needs \(3, 2\)"):
        Network.load(buf.getvalue())
    nan = dict(arrays, **{"L2.b": np.array([[np.nan]])})
    buf = io.BytesIO()
    np.savez(buf, **nan)
    with pytest.raises(ModelFileError, match="NaN"):
        Network.load(buf.getvalue())


def test_load_never_unpickles():
    buf = io.BytesIO()
    np.savez(buf, meta=np.array([{"format": "neuronlab-network"}], dtype=object))
    with pytest.raises(ModelFileError):
        Network.load(buf.getvalue())


@pytest.mark.parametrize("kwargs, message", [
    (dict(layer_sizes=[2, 3]), "output layer must have 1 unit"),
    (dict(layer_sizes=[2]), "at least"),
    (dict(layer_sizes=[2, 0, 1]), "≥ 1"),
    (dict(layer_sizes=[2, 3, 1], activation=["relu", "tanh"]), "exactly 1"),
    (dict(layer_sizes=[2, 3, 1], activation="swish"), "Unknown activation"),
    (dict(layer_sizes=[2, 1], l2=-1), "l2"),
])
def test_invalid_networks_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def test_wrong_input_shapes_say_what_to_do():
    net = Network([2, 1])
    with pytest.raises(ValueError, match="reshape"):
        net.forward(np.ones(2))
    with pytest.raises(ValueError, match="expects 2"):
        net.forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="must have shape"):
        net.weights[0] = np.ones((2, 2))


def test_seed_makes_initialisation_reproducible():
    a, b, c = Network([5, 4, 1], seed=7), Network([5, 4, 1], seed=7), Network([5, 4, 1], seed=8)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_repr_names_the_architecture():
    assert repr(Network([2, 8, 8, 1], activation="tanh")) == "Network([2, 8, 8, 1], activation='tanh')"
    assert repr(Network([3, 1])) == "Network([3, 1])"
