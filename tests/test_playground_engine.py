"""The playground's engine side: input features, the plane grids, saturation, presets and runs."""

import numpy as np
import pytest

from engine import Network
from lessons import features, grid, presets


# -- features ---------------------------------------------------------------------------------------

def test_expand_appends_each_feature_formula_after_x1_x2():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    X_in = features.expand(X, ["sin_x2", "x1_sq", "x1x2", "x2_sq", "sin_x1"])
    expected = np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1],
                                np.sin(X[:, 0]), np.sin(X[:, 1])])
    np.testing.assert_allclose(X_in, expected)
    assert features.input_labels(["x1x2", "x1_sq"]) == ["x1", "x2", "x1²", "x1·x2"]


def test_expand_rejects_unknown_features_and_non_2d_points():
    with pytest.raises(ValueError, match="Unknown input feature"):
        features.expand(np.zeros((3, 2)), ["x3"])
    with pytest.raises(ValueError, match=r"\(m, 2\)"):
        features.expand(np.zeros((3, 3)), [])


# -- grids ------------------------------------------------------------------------------------------

def test_plane_reshapes_to_heatmap_layout_rows_follow_y():
    xs, ys, G = grid.plane(-2, 2, 5)
    assert G.shape == (25, 2)
    values = G[:, 0] + 10 * G[:, 1]
    Z = values.reshape(5, 5)
    assert Z[1, 3] == pytest.approx(xs[3] + 10 * ys[1])


def test_probability_on_plane_equals_forward_pass_with_features():
    net = Network([4, 3, 1], "tanh", seed=1)
    xs, ys, G = grid.plane(-3, 3, 6)
    P = grid.probability(net, G, ["x1_sq", "x1x2"])
    assert P.shape == (6, 6)
    np.testing.assert_allclose(P.ravel(), net.forward(features.expand(G, ["x1_sq", "x1x2"]))[:, 0])


def test_unit_maps_give_inputs_every_hidden_unit_and_output():
    net = Network([3, 5, 2, 1], "relu", seed=2)
    _, _, G = grid.plane(-1, 1, 4)
    maps = grid.unit_maps(net, G, ["sin_x1"])
    assert [m.shape for m in maps] == [(3, 4, 4), (5, 4, 4), (2, 4, 4), (1, 4, 4)]
    np.testing.assert_allclose(maps[0][2], np.sin(G[:, 0]).reshape(4, 4))
    np.testing.assert_allclose(maps[-1][0], grid.probability(net, G, ["sin_x1"]))


def test_saturated_share_counts_flat_parts_of_the_activation():
    X = np.random.default_rng(0).normal(size=(50, 2))
    net = Network([2, 4, 1], "sigmoid", seed=0)
    net.weights[0] = np.full((4, 2), 1e-3)
    assert grid.saturated_share(net, X) == [0.0]  # z ≈ 0: the steepest part of σ
    net.biases[0] = np.full((1, 4), 50.0)
    assert grid.saturated_share(net, X) == [1.0]  # z ≈ 50: σ'(z) ≈ 0
    relu = Network([2, 3, 3, 1], "relu", seed=0)
    relu.biases[1] = np.full((1, 3), -1e3)
    shares = grid.saturated_share(relu, X)
    assert shares[1] == 1.0 and 0 < shares[0] < 1


# -- setups, runs and presets -----------------------------------------------------------------------

def test_setup_rejects_what_cannot_be_built():
    with pytest.raises(ValueError, match="at least 1 unit"):
        presets.Setup(hidden=(3, 0))
    with pytest.raises(ValueError, match="learning rate"):
        presets.Setup(learning_rate=0.0)
    assert presets.Setup(features=("x1x2",), hidden=(3,)).layer_sizes == [3, 3, 1]


def test_setup_keeps_features_in_the_order_expand_adds_them():
    setup = presets.Setup(features=("x1x2", "x1_sq"))
    assert setup.features == ("x1_sq", "x1x2")
    assert setup == presets.Setup(features=("x1_sq", "x1x2"))


def test_setup_round_trips_through_a_plain_dict():
    setup = presets.PRESETS["spiral_depth"].with_(features=("x1_sq",), batch_size=16)
    assert presets.Setup.from_dict(setup.as_dict()) == setup


def test_training_in_slices_equals_one_long_run_with_minibatches():
    setup = presets.Setup(dataset="moons", batch_size=32, optimizer="momentum", learning_rate=0.1)
    one, sliced = presets.Run(setup), presets.Run(setup)
    list(one.train(10))
    for _ in range(5):
        list(sliced.train(2))
    assert [r.epoch for r in sliced.records] == list(range(1, 11))
    np.testing.assert_allclose([r.train_cost for r in sliced.records], [r.train_cost for r in one.records])


def test_run_stops_at_the_epochs_limit():
    run = presets.Run(presets.Setup(max_epochs=7))
    assert len(list(run.train(100))) == 7
    assert run.finished and list(run.train(5)) == []


def test_retune_keeps_the_weights_and_changes_the_learning_rate():
    run = presets.Run(presets.Setup())
    list(run.train(5))
    W = run.net.weights[0].copy()
    run.retune(run.setup.with_(learning_rate=0.3, l2=0.01))
    np.testing.assert_array_equal(run.net.weights[0], W)
    assert run.optimizer.learning_rate == 0.3 and run.net.l2 == 0.01 and run.epoch == 5


def test_diverged_run_rolls_back_to_finite_weights_with_a_message():
    run = presets.Run(presets.Setup(dataset="circles", hidden=(8, 8), activation="relu", optimizer="gd",
                                    learning_rate=30.0, max_epochs=50))
    list(run.train(50))
    assert "diverged" in run.diverged_message and "learning rate" in run.diverged_message
    assert all(np.all(np.isfinite(p)) for p in run.net.parameters())
    assert all(np.isfinite(r.train_cost) and r.train_cost < 5 for r in run.records)
    assert run.finished


def test_xor_preset_with_one_hidden_layer_reaches_95_percent_within_300_epochs():
    setup = presets.PRESETS["xor_one_hidden"]
    assert len(setup.hidden) == 1 and setup.max_epochs <= 300
    run = presets.Run(setup).run_to_end()
    assert run.records[-1].train_accuracy >= 0.95
    assert run.net.accuracy(run.X_train_in, run.y_train) >= 0.95


def test_logistic_regression_preset_cannot_learn_xor():
    run = presets.Run(presets.PRESETS["logreg_xor"]).run_to_end()
    assert run.setup.hidden == ()
    assert run.records[-1].train_accuracy < 0.7


def test_spiral_depth_preset_beats_one_layer_of_the_same_width():
    deep = presets.Run(presets.PRESETS["spiral_depth"]).run_to_end()
    shallow = presets.Run(presets.PRESETS["spiral_depth"].with_(hidden=(8,))).run_to_end()
    assert deep.records[-1].train_accuracy >= 0.97
    assert deep.records[-1].train_accuracy - shallow.records[-1].train_accuracy >= 0.05


def test_too_high_learning_rate_preset_never_settles_while_a_small_one_does():
    high = presets.Run(presets.PRESETS["lr_too_high"]).run_to_end()
    low = presets.Run(presets.PRESETS["lr_too_high"].with_(learning_rate=1.0)).run_to_end()
    start = high.records[0].train_cost
    assert min(r.train_cost for r in high.records[-100:]) > start  # worse than the random start
    assert low.records[-1].train_cost < 0.1


def test_deep_sigmoid_gradients_vanish_and_relu_fixes_it():
    sig = presets.Run(presets.PRESETS["sigmoid_deep"])
    relu = presets.Run(presets.PRESETS["relu_deep"])
    assert presets.PRESETS["sigmoid_deep"].with_(activation="relu") == presets.PRESETS["relu_deep"]
    sig.run_to_end()
    relu.run_to_end()
    first_sig, first_relu = sig.records[0].grad_norms[0], relu.records[0].grad_norms[0]
    assert first_sig < 1e-3 * first_relu  # ‖dW[1]‖ at the start
    assert sig.records[-1].train_accuracy < 0.7 <= 0.95 <= relu.records[-1].train_accuracy


# -- depth vs width, shapes -------------------------------------------------------------------------

def test_depth_vs_width_networks_have_about_the_same_parameter_count():
    setups = presets.depth_vs_width_setups(epochs=4)
    counts = {name: Network(s.layer_sizes).n_parameters for name, s in setups.items()}
    deep, wide = counts["deep & narrow"], counts["shallow & wide"]
    assert len(setups["deep & narrow"].hidden) == 4 and len(setups["shallow & wide"].hidden) == 1
    assert abs(deep - wide) <= 0.05 * deep
    assert all(s.dataset == "spiral" for s in setups.values())


def test_depth_vs_width_trains_both_networks_epoch_by_epoch():
    seen = {}
    for name, run, record in presets.depth_vs_width(epochs=3):
        seen.setdefault(name, []).append(record.epoch)
    assert seen == {"deep & narrow": [1, 2, 3], "shallow & wide": [1, 2, 3]}


def test_matrix_shapes_match_the_arrays_of_a_forward_pass():
    sizes = [4, 6, 3, 1]
    net = Network(sizes, seed=0)
    X = np.zeros((11, 4))
    rows = {name.split(" ")[0]: shape for name, shape, _ in presets.matrix_shapes(sizes, 11)}
    assert rows["X"] == X.shape
    for l, ((Z, A), W, b) in enumerate(zip(net.layer_outputs(X), net.weights, net.biases), start=1):
        assert rows[f"W[{l}]"] == W.shape and rows[f"b[{l}]"] == b.shape
        assert rows[f"Z[{l}]"] == Z.shape and rows[f"A[{l}]"] == A.shape
    assert presets.n_parameters(sizes) == net.n_parameters == 6 * 4 + 6 + 3 * 6 + 3 + 3 + 1
