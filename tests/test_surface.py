"""lessons.surface: the cost surface J(w, b) of one-feature logistic regression and descent paths on it."""

import numpy as np
import pytest

from engine import Network, datasets, fit, optimizers
from lessons import surface
from engine.losses import logistic_loss_from_logits


def _data(n=60, overlap=0.5, seed=0):
    return datasets.one_feature(n, overlap, seed)


def _net(w, b, l2=0.0):
    net = Network([1, 1], l2=l2)
    net.weights[0] = [[w]]
    net.biases[0] = [[b]]
    return net


@pytest.mark.parametrize("l2", [0.0, 3.0])
def test_cost_grid_equals_network_cost_at_every_grid_point(l2):
    X, y = _data()
    w_values, b_values = np.linspace(-6, 6, 13), np.linspace(-4, 4, 9)
    J = surface.cost_grid(X, y, w_values, b_values, l2)
    assert J.shape == (9, 13)  # rows follow b, columns follow w
    expected = [[_net(w, b, l2).cost(X, y) for w in w_values] for b in b_values]
    np.testing.assert_allclose(J, expected, rtol=1e-12)


def test_cost_at_is_the_docstring_formula_mean_logit_loss_plus_l2():
    X, y = _data(n=40, seed=3)
    w, b, l2, m = 1.7, -0.4, 2.0, 40
    z = w * X[:, 0] + b
    by_formula = np.mean(np.log1p(np.exp(z)) - y * z) + l2 / (2 * m) * w ** 2
    by_loss = np.mean(logistic_loss_from_logits(y, z)) + l2 / (2 * m) * w ** 2
    assert surface.cost_at(X, y, w, b, l2) == pytest.approx(by_formula, rel=1e-12)
    assert surface.cost_at(X, y, w, b, l2) == pytest.approx(by_loss, rel=1e-12)


def test_cost_grid_is_exact_far_out_and_never_warns():
    X, y = _data()
    J = surface.cost_grid(X, y, [-1e4, 1e4], [0.0])  # RuntimeWarnings are errors in this suite
    assert np.all(np.isfinite(J)) and J.min() > 100
    np.testing.assert_allclose(J[0], [_net(-1e4, 0).cost(X, y), _net(1e4, 0).cost(X, y)], rtol=1e-12)
    assert not np.isfinite(surface.cost_at(X, y, 1e308, 1e308))


def test_cost_grid_handles_more_examples_than_one_chunk():
    X, y = _data(n=600)
    w_values, b_values = np.linspace(-3, 3, 120), np.linspace(-3, 3, 120)
    J = surface.cost_grid(X, y, w_values, b_values)
    assert J[57, 83] == pytest.approx(_net(w_values[83], b_values[57]).cost(X, y), rel=1e-12)


def _gradient(X, y, w, b, l2=0.0):
    dW, db = _net(w, b, l2).gradients(X, y)
    return dW[0][0, 0], db[0][0, 0]


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_full_batch_path_is_network_plus_fit_step_for_step(name):
    X, y = _data()
    path = surface.descent_path(X, y, -4.0, 3.0, name, 0.5, steps=40, l2=1.0)
    net = _net(-4.0, 3.0, l2=1.0)
    records, points = [], []
    for record in fit(net, X, y, optimizers.make(name, 0.5), epochs=40):
        records.append(record.train_cost)
        points.append((net.weights[0][0, 0], net.biases[0][0, 0]))
    assert path.steps == 40 and not path.diverged
    np.testing.assert_allclose(np.c_[path.w[1:], path.b[1:]], points, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(path.J[:-1], records, rtol=1e-10)  # fit's J is before each step
    assert path.J[-1] == pytest.approx(net.cost(X, y), rel=1e-10)


@pytest.mark.parametrize("name, batch_size", [("gd", 16), ("adam", 7), ("momentum", 1)])
def test_mini_batch_path_is_network_plus_fit_with_the_same_seed(name, batch_size):
    X, y = _data(n=50)
    per_epoch = -(-50 // batch_size)
    epochs = 3
    path = surface.descent_path(X, y, 2.0, -1.0, name, 0.1, steps=epochs * per_epoch,
                                batch_size=batch_size, seed=11)
    net = _net(2.0, -1.0)
    ends = []
    for _ in fit(net, X, y, optimizers.make(name, 0.1), epochs=epochs, batch_size=batch_size, seed=11):
        ends.append((net.weights[0][0, 0], net.biases[0][0, 0]))
    assert path.steps == epochs * per_epoch and path.batch_size == batch_size
    np.testing.assert_allclose(np.c_[path.w, path.b][per_epoch::per_epoch], ends, rtol=1e-10, atol=1e-12)


def test_sgd_steps_follow_one_example_each_so_the_cost_goes_up_at_times():
    X, y = _data(n=30)
    path = surface.descent_path(X, y, 2.0, -1.0, "gd", 0.5, steps=30, batch_size=1, seed=2)
    one_each = np.array([_gradient(X[i:i + 1], y[i:i + 1], 2.0, -1.0) for i in range(30)])
    assert np.min(np.abs(one_each[:, 0] - path.dw[0])) < 1e-12  # the first step used a single example
    assert np.any(np.diff(path.J) > 0)  # unlike full batch, SGD sometimes steps uphill on J


def test_path_records_the_gradient_each_update_used():
    X, y = _data()
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 0.3, steps=5)
    assert path.w.shape == path.b.shape == path.J.shape == (6,)
    assert path.dw.shape == path.db.shape == (5,)
    np.testing.assert_allclose(path.w[1:], path.w[:-1] - 0.3 * path.dw, rtol=1e-12)
    np.testing.assert_allclose(path.b[1:], path.b[:-1] - 0.3 * path.db, rtol=1e-12)
    assert path.dw[2] == pytest.approx(_gradient(X, y, path.w[2], path.b[2])[0], rel=1e-12)


def test_learning_rate_sets_how_far_the_path_gets():
    X, y = _data()
    best = surface.minimum(X, y)
    slow = surface.descent_path(X, y, -4.0, 3.0, "gd", 0.01, steps=100)
    good = surface.descent_path(X, y, -4.0, 3.0, "gd", 2.0, steps=100)
    assert slow.J[-1] > 3.0 > 1e-3 > good.J[-1] - best.J
    assert np.all(np.diff(good.J) <= 1e-12)  # full-batch GD with a safe α never goes uphill


def test_huge_step_with_l2_diverges_and_stops_at_the_explosion():
    X, y = _data()
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 12.0, steps=60, l2=10.0)
    assert path.diverged and path.steps < 60
    assert np.all(np.isfinite(path.J)) and np.all(np.isfinite(path.w))
    assert path.J[-1] > 1e3 * max(path.J[0], np.log(2))  # the last point kept is the evidence
    assert np.all(path.J[:-1] <= 1e3 * max(path.J[0], np.log(2)))
    assert "diverged" in path.message and "10× smaller" in path.message
    # fit says the same, at the same epoch
    records = list(fit(_net(-4.0, 3.0, 10.0), X, y, optimizers.GradientDescent(12.0), epochs=60))
    assert records[-1].diverged and len(records) == path.steps + 1


def test_overflow_keeps_only_finite_points():
    X, y = _data()
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 50.0, steps=500, l2=100.0, diverge_factor=np.inf)
    assert path.diverged and "overflowed" in path.message
    assert all(np.all(np.isfinite(a)) for a in (path.w, path.b, path.J, path.dw, path.db))


def test_plain_logistic_regression_does_not_diverge_even_at_alpha_50():
    # |dw| ≤ mean |x| bounds every step: a huge α flings the path out, the flat rim sends it back.
    X, y = _data()
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 50.0, steps=200)
    assert not path.diverged and path.steps == 200


def test_minimum_matches_scikit_learn_with_and_without_l2():
    from sklearn.linear_model import LogisticRegression

    X, y = _data()
    for l2 in (0.0, 4.0):
        best = surface.minimum(X, y, l2)
        # ours: mean loss + λ/(2m) w²  ⇔  sklearn: Σ loss + w²/(2C) with C = 1/λ
        C = 1e12 if l2 == 0 else 1 / l2
        ref = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
        assert best.w == pytest.approx(ref.coef_[0, 0], rel=1e-5)
        assert best.b == pytest.approx(ref.intercept_[0], abs=1e-5)
        gw, gb = _gradient(X, y, best.w, best.b, l2)
        assert abs(gw) < 1e-9 and abs(gb) < 1e-9


def test_separable_data_has_no_minimum_unless_l2_is_on():
    X, y = _data(overlap=0.0)
    assert surface.is_separable(X, y)
    assert surface.minimum(X, y) is None
    best = surface.minimum(X, y, l2=1.0)
    assert best is not None and np.isfinite(best.J)
    assert not surface.is_separable(*_data(overlap=0.5))


def test_view_window_holds_the_anchors_and_the_nearby_path_but_not_a_runaway():
    w_lo, w_hi, b_lo, b_hi = surface.view_window([0.0, 5.0, 1e6, np.inf, np.nan], [0.0, -2.0, 3.0, 1.0, 0.0],
                                                 anchor_w=[-4.0, 3.0], anchor_b=[3.0, 0.0])
    assert w_lo < -4.0 and 5.0 < w_hi < 100
    assert b_lo < -2.0 and b_hi > 3.0
    # a tiny spread still gets a readable window
    w_lo, w_hi, _, _ = surface.view_window([], [], [1.0], [1.0])
    assert w_hi - w_lo >= 3.0


@pytest.mark.parametrize("kwargs, words", [
    (dict(steps=-1), "steps"), (dict(w0=np.nan), "starting point"), (dict(batch_size=0), "batch_size"),
    (dict(optimizer="sgdx"), "Unknown optimizer"), (dict(learning_rate=0.0), "learning rate"),
    (dict(l2=-1.0), "L2"),
])
def test_descent_path_rejects_bad_settings_with_a_clear_message(kwargs, words):
    X, y = _data()
    args = dict(w0=0.0, b0=0.0, optimizer="gd", learning_rate=0.1, steps=5) | kwargs
    with pytest.raises(ValueError, match=words):
        surface.descent_path(X, y, **args)


def test_two_features_are_rejected():
    X, y = datasets.make("linear", m=20)
    with pytest.raises(ValueError, match="one feature"):
        surface.cost_grid(X, y, [0.0], [0.0])
