"""engine: the softmax (k classes) and linear (numbers) outputs against finite differences and scikit-learn,
k = 2 softmax against the sigmoid, training, save/load and hostile model files."""

import io
import json
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor

from engine import ModelFileError, Network, datasets, fit, gradcheck, losses, optimizers, outputs
from engine.activations import NAMES


def _random_biases(net, seed=1):
    rng = np.random.default_rng(seed)
    net.biases = [rng.normal(0, 0.5, b.shape) for b in net.biases]


def _data(k, m=30, n=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = np.r_[np.arange(k), rng.integers(0, k, m - k)]  # every class present
    return X, y


# -- the functions -----------------------------------------------------------------------------------

def test_softmax_rows_sum_to_one_and_survive_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # e^(−2·10⁴) may underflow to 0
        A = losses.softmax(Z)
        J = losses.categorical_cost_from_logits(np.eye(3)[[1, 0, 2]], Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-15)
    assert A[0, 0] == 1.0 and A[0, 2] == 0.0
    np.testing.assert_allclose(A[1], 1 / 3)
    assert J == pytest.approx((1e4 + np.log(3) + (np.log(np.exp([-2, -1, 0]).sum()))) / 3)


def test_two_class_softmax_is_the_sigmoid_of_the_difference():
    rng = np.random.default_rng(0)
    Z = rng.normal(0, 4, (50, 2))
    A = losses.softmax(Z)
    s = 1 / (1 + np.exp(-(Z[:, 0] - Z[:, 1])))
    np.testing.assert_allclose(A[:, 0], s, rtol=1e-13)
    np.testing.assert_allclose(A[:, 1], 1 / (1 + np.exp(Z[:, 0] - Z[:, 1])), rtol=1e-13)
    # ... and its cost is the logistic cost of z = z1 − z2 with y = 1 for class 0.
    y = rng.integers(0, 2, 50)
    J = losses.categorical_cost_from_logits(np.eye(2)[y], Z)
    assert J == pytest.approx(losses.cost_from_logits((y == 0).astype(float), Z[:, 0] - Z[:, 1]), rel=1e-13)


def test_categorical_cost_from_logits_equals_sklearn_log_loss_and_the_formula():
    rng = np.random.default_rng(1)
    Z = rng.normal(0, 2, (200, 4))
    y = rng.integers(0, 4, 200)
    Y = np.eye(4)[y]
    A = losses.softmax(Z)
    J = losses.categorical_cost_from_logits(Y, Z)
    assert J == pytest.approx(log_loss(y, A, labels=range(4)), rel=1e-12)
    assert J == pytest.approx(-np.mean(np.sum(Y * np.log(A), axis=1)), rel=1e-12)
    assert losses.categorical_cost(Y, A) == pytest.approx(J, rel=1e-12)
    J2, A2 = losses.cost_and_softmax_from_logits(Y, Z)
    assert J2 == pytest.approx(J, rel=1e-14) and np.allclose(A2, A, rtol=1e-14)


def test_squared_error_cost_is_half_the_mean_square_as_in_sklearn():
    y, y_hat = np.array([1.0, 2.0, -1.0, 0.5]), np.array([0.5, 2.5, 0.0, 0.5])
    assert losses.squared_error_cost(y, y_hat) == pytest.approx(np.mean((y - y_hat) ** 2) / 2, rel=1e-15)
    assert losses.squared_error_cost(y, y_hat) == pytest.approx((0.25 + 0.25 + 1) / 8)
    assert losses.r2_score(y, y_hat) == pytest.approx(r2_score(y, y_hat), rel=1e-14)


# -- backprop against finite differences ----------------------------------------------------------------

@pytest.mark.parametrize("activation", list(NAMES))
@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("k", [2, 4])
def test_softmax_backprop_matches_centred_finite_differences(activation, depth, l2, k):
    X, y = _data(k, m=12, seed=depth)
    net = Network([3] + [3] * depth + [k], activation=activation, l2=l2, seed=depth, output="softmax")
    _random_biases(net)
    assert gradcheck.check(net, X, y).relative_error < 1e-7


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("depth", [0, 2])
@pytest.mark.parametrize("k", [1, 2])
def test_linear_backprop_matches_centred_finite_differences(activation, depth, k):
    rng = np.random.default_rng(depth)
    X = rng.normal(size=(12, 3))
    y = rng.normal(size=(12, k)) if k > 1 else rng.normal(size=12)
    net = Network([3] + [4] * depth + [k], activation=activation, l2=0.3, seed=depth, output="linear")
    _random_biases(net)
    assert gradcheck.check(net, X, y).relative_error < 1e-7


def test_one_hot_labels_and_class_indices_give_the_same_cost_and_gradients():
    X, y = _data(3)
    net = Network([3, 5, 3], activation="tanh", seed=0, output="softmax")
    dW_a, db_a = net.gradients(X, y)
    dW_b, db_b = net.gradients(X, np.eye(3)[y])
    assert net.cost(X, y) == net.cost(X, np.eye(3)[y])
    for a, b in zip(dW_a + db_a, dW_b + db_b):
        np.testing.assert_array_equal(a, b)


# -- the same network in scikit-learn ---------------------------------------------------------------------

def _copy_weights(net, reference):
    reference.coefs_ = [W.T.copy() for W in net.weights]
    reference.intercepts_ = [b[0].copy() for b in net.biases]


def _sklearn_backprop(reference, X, Y, layer_sizes):
    m = len(X)
    acts = [X] + [np.empty((m, u)) for u in layer_sizes[1:]]
    deltas = [np.empty_like(a) for a in acts[1:]]
    coef_grads = [np.empty((a, b)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    intercept_grads = [np.empty(b) for b in layer_sizes[1:]]
    return reference._backprop(X, Y, None, acts, deltas, coef_grads, intercept_grads)


@pytest.mark.parametrize("activation, sk_activation", [("tanh", "tanh"), ("relu", "relu"),
                                                       ("sigmoid", "logistic")])
def test_softmax_network_equals_sklearn_mlpclassifier_with_the_same_weights(activation, sk_activation):
    X, y = _data(4, m=80, n=5, seed=3)
    sizes = [5, 7, 6, 4]
    net = Network(sizes, activation=activation, l2=0.4, seed=2, output="softmax")
    _random_biases(net)
    reference = MLPClassifier(hidden_layer_sizes=(7, 6), activation=sk_activation, alpha=0.4, max_iter=1,
                              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    assert reference.out_activation_ == "softmax"
    _copy_weights(net, reference)
    np.testing.assert_allclose(net.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-10)
    assert (net.predict(X) == reference.predict(X)).all()
    Y = reference._label_binarizer.transform(y).astype(float)
    loss, coef_grads, intercept_grads = _sklearn_backprop(reference, X, Y, sizes)
    assert net.cost(X, y) == pytest.approx(loss, abs=1e-10)
    dW, db = net.gradients(X, y)
    for ours, theirs in zip(dW, coef_grads):
        np.testing.assert_allclose(ours, theirs.T, rtol=0, atol=1e-10)
    for ours, theirs in zip(db, intercept_grads):
        np.testing.assert_allclose(ours[0], theirs, rtol=0, atol=1e-10)


def test_linear_network_equals_sklearn_mlpregressor_with_the_same_weights():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 4))
    y = X @ [1.0, -2.0, 0.5, 0.0] + rng.normal(0, 0.3, 60)
    sizes = [4, 6, 1]
    net = Network(sizes, activation="relu", l2=0.25, seed=1, output="linear")
    _random_biases(net)
    reference = MLPRegressor(hidden_layer_sizes=(6,), activation="relu", alpha=0.25, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    _copy_weights(net, reference)
    np.testing.assert_allclose(net.predict(X), reference.predict(X), rtol=0, atol=1e-10)
    loss, coef_grads, intercept_grads = _sklearn_backprop(reference, X, y.reshape(-1, 1), sizes)
    assert net.cost(X, y) == pytest.approx(loss, abs=1e-10)
    dW, db = net.gradients(X, y)
    for ours, theirs in zip(dW + db, coef_grads + [g[None] for g in intercept_grads]):
        np.testing.assert_allclose(ours, theirs.T if ours.shape != theirs.shape else theirs, rtol=0, atol=1e-10)
    assert net.r2(X, y) == pytest.approx(reference.score(X, y), abs=1e-10)


# -- training --------------------------------------------------------------------------------------------

def test_four_blobs_are_learned_and_the_records_carry_accuracy():
    X, y = datasets.blobs(m=400, k=4, noise=0.6, seed=0)
    net = Network([2, 8, 4], activation="tanh", seed=0, output="softmax")
    records = list(fit(net, X, y, optimizers.Adam(0.05), epochs=150, X_test=X, y_test=y))
    assert records[-1].train_accuracy > 0.9 and records[-1].test_accuracy == pytest.approx(net.accuracy(X, y))
    assert records[-1].train_cost < records[0].train_cost / 4
    assert records[0].train_cost == pytest.approx(np.log(4), abs=0.5)


def test_a_plane_is_fitted_and_the_records_carry_r2_not_accuracy():
    X, y = datasets.plane(m=300, noise=0.1, seed=0)
    net = Network([2, 1], seed=0, output="linear")
    records = list(fit(net, X, y, optimizers.GradientDescent(0.1), epochs=300, X_test=X, y_test=y))
    last = records[-1]
    assert last.train_accuracy is None and last.test_accuracy is None
    assert last.test_r2 == pytest.approx(net.r2(X, y)) and last.test_r2 > 0.98
    # Full batch: the epoch's R² is that of the parameters before its one step.
    assert records[1].train_r2 == pytest.approx(1 - 2 * records[1].train_cost * len(X)
                                                / np.sum((y - y.mean()) ** 2), rel=1e-9)
    reference = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    np.testing.assert_allclose(np.r_[net.weights[0][0], net.biases[0][0]], reference, atol=1e-3)


def test_a_float32_softmax_network_trains_in_float32():
    X, y = datasets.spiral_arms(m=120, k=3, seed=0)
    net = Network([2, 8, 3], activation="relu", dtype=np.float32, output="softmax")
    for _ in fit(net, X, y, optimizers.Adam(0.01), epochs=3, batch_size=16, batches=True):
        pass
    assert all(p.dtype == np.float32 for p in net.parameters()) and net.forward(X).dtype == np.float32


# -- what a network refuses ------------------------------------------------------------------------------

@pytest.mark.parametrize("y, message", [
    (np.array([0, 1, 3] * 4), r"0 … 2"),
    (np.array([0, 1, -1] * 4), r"0 … 2"),
    (np.array([0.5, 1, 2] * 4), "whole numbers"),
    (np.ones((12, 3)), "one-hot"),
    (np.zeros(5), r"\(12,\)"),
])
def test_bad_class_labels_get_a_message_that_says_what_was_expected(y, message):
    net = Network([2, 3], output="softmax")
    with pytest.raises(ValueError, match=message):
        net.cost(np.zeros((12, 2)), y)


@pytest.mark.parametrize("kwargs, message", [
    (dict(layer_sizes=[2, 1], output="softmax"), "at least 2"),
    (dict(layer_sizes=[2, 3], output="sigmoid"), "output layer must have 1 unit"),
    (dict(layer_sizes=[2, 3], output="tanh"), "Unknown output"),
    (dict(layer_sizes=[2, 1001], output="softmax"), "at most 1000"),
])
def test_invalid_outputs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def test_a_regression_network_has_no_probabilities_or_accuracy_and_a_classifier_no_r2():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="numbers"):
        Network([2, 1], output="linear").predict_proba(X)
    with pytest.raises(ValueError, match="r2"):
        Network([2, 1], output="linear").accuracy(X, [0, 1, 2])
    with pytest.raises(ValueError, match="accuracy"):
        Network([2, 3], output="softmax").r2(X, [0, 1, 2])


def test_repr_names_a_non_default_output():
    assert repr(Network([2, 8, 3], activation="tanh", output="softmax")) == \
        "Network([2, 8, 3], activation='tanh', output='softmax')"


# -- model files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("output, k", [("softmax", 4), ("linear", 1), ("linear", 3)])
def test_save_and_load_round_trip_records_the_output(output, k):
    net = Network([3, 5, k], activation="relu", l2=0.1, seed=3, output=output)
    payload = net.to_bytes({"classes": ["a", "b", "c", "d"]})
    meta = json.loads(str(np.load(io.BytesIO(payload), allow_pickle=False)["meta"]))
    assert meta["output"] == output and meta.get("classes") == (k if output == "softmax" else None)
    loaded, extra = Network.load_with_metadata(payload)
    assert loaded.output.name == output and loaded.layer_sizes == [3, 5, k]
    assert extra == {"classes": ["a", "b", "c", "d"]}
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


def test_a_file_without_an_output_entry_is_a_sigmoid_network():
    payload = Network([2, 3, 1], seed=0).to_bytes()
    with np.load(io.BytesIO(payload), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")))
    meta.pop("output")
    buf = io.BytesIO()
    np.savez(buf, meta=np.array(json.dumps(meta)), **arrays)
    assert Network.load(buf.getvalue()).output.name == "sigmoid"


def _softmax_file(**changes) -> bytes:
    net = Network([2, 4, 3], seed=0, output="softmax")
    with np.load(io.BytesIO(net.to_bytes()), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta"))) | changes.pop("meta", {})
    arrays.update(changes)
    buf = io.BytesIO()
    np.savez(buf, meta=np.array(json.dumps(meta)), **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("changes, message", [
    (dict(meta={"classes": 10 ** 9}), "from 2 to 1000"),
    (dict(meta={"classes": 10 ** 9, "layers": [{"type": "Dense", "units": 4}, {"type": "Activation", "name": "sigmoid"},
                                                {"type": "Dense", "units": 10 ** 9}]}), "from 2 to 1000"),
    (dict(meta={"classes": 5}), "5 classes apart, but its last layer has 3 units"),
    (dict(meta={"classes": "3"}), "classes"),
    (dict(meta={"classes": True}), "classes"),
    (dict(meta={"output": "softmax2"}), "'output' must be one of"),
    (dict(meta={"output": "sigmoid"}), "1 unit"),
    ({"L2.b": np.array([[0.0, np.nan, 0.0]])}, "NaN"),
    ({"L2.W": np.full((3, 4), np.inf)}, "NaN or infinite"),
    ({"L2.W": np.zeros((5, 4))}, r"has shape \(5, 4\); this network needs \(3, 4\)"),
])
def test_hostile_softmax_files_are_refused(changes, message):
    with pytest.raises(ModelFileError, match=message):
        Network.load(_softmax_file(**changes))


def test_the_class_count_is_refused_before_the_layers_are_read():
    """10⁹ classes with a matching 10⁹-unit layer: refused from the metadata, never allocated."""
    payload = _softmax_file(meta={"classes": 10 ** 9, "layers": [{"type": "Dense", "units": 10 ** 9}]})
    with pytest.raises(ModelFileError, match="classes"):
        Network.load(payload, max_bytes=10 ** 15)


def test_the_registry_names_each_cost_and_formula():
    assert [outputs.spec(n).cost_name for n in outputs.NAMES] == ["cross-entropy", "categorical cross-entropy",
                                                                  "squared error"]
    assert "log ŷₖ" in outputs.spec("softmax").cost_formula and "1/2m" in outputs.spec("linear").cost_formula
