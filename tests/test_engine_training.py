"""engine.fit and engine.optimizers: records, batching, divergence, and the update formulas."""

import numpy as np
import pytest

from engine import BatchRecord, EpochRecord, Network, datasets, fit, optimizers, train_step


def _data(m=60, seed=0):
    return datasets.make("gaussians", m=m, noise=1.0, seed=seed)


def test_full_batch_fit_is_plain_gradient_descent_step_for_step():
    X, y = _data()
    a, b = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    records = list(fit(a, X, y, optimizers.GradientDescent(0.5), epochs=5))
    costs = []
    for _ in range(5):
        costs.append(b.cost(X, y))
        dW, db = b.gradients(X, y)
        for W, g in zip(b.weights, dW):
            W -= 0.5 * g
        for bias, g in zip(b.biases, db):
            bias -= 0.5 * g
    np.testing.assert_allclose([r.train_cost for r in records], costs, rtol=1e-12)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_records_count_epochs_steps_and_score_the_test_set():
    X, y = _data(100)
    Xtr, Xte, ytr, yte = datasets.train_test_split(X, y, test_size=0.3, seed=0)
    net = Network([2, 4, 1], seed=0)
    records = list(fit(net, Xtr, ytr, optimizers.Adam(0.05), epochs=4, batch_size=16, X_test=Xte, y_test=yte))
    assert [r.epoch for r in records] == [1, 2, 3, 4]
    assert all(r.steps == 5 for r in records)  # 70 examples in batches of 16
    assert records[-1].test_cost == pytest.approx(net.cost(Xte, yte))
    assert records[-1].test_accuracy == pytest.approx(net.accuracy(Xte, yte))
    assert len(records[-1].grad_norms) == 2 and all(g > 0 for g in records[-1].grad_norms)
    assert records[-1].train_cost < records[0].train_cost


def test_sgd_takes_one_step_per_example():
    X, y = _data(24)
    rec = next(fit(Network([2, 1]), X, y, optimizers.GradientDescent(0.1), epochs=1, batch_size=1))
    assert rec.steps == 24


def test_train_accuracy_is_the_share_right_before_each_update():
    X, y = _data()
    net = Network([2, 1], seed=0)
    expected = net.accuracy(X, y)
    rec = next(fit(net, X, y, optimizers.GradientDescent(0.1), epochs=1))
    assert rec.train_accuracy == pytest.approx(expected)


def test_fit_reports_divergence_at_an_absurd_learning_rate_and_stops():
    X, y = datasets.make("spiral", m=100, seed=0)
    net = Network([2, 16, 16, 1], activation="relu", seed=0)
    records = list(fit(net, X * 100, y, optimizers.GradientDescent(1e6), epochs=100))
    assert records[-1].diverged
    assert len(records) < 100
    assert "learning rate" in records[-1].message
    assert not any(r.diverged for r in records[:-1])


def test_stopping_the_generator_keeps_the_trained_model():
    X, y = _data()
    net = Network([2, 3, 1], seed=0)
    before = net.cost(X, y)
    for record in fit(net, X, y, optimizers.Adam(0.05), epochs=1000):
        if record.epoch == 20:
            break
    assert net.cost(X, y) < before


def test_train_step_returns_the_cost_before_the_step():
    X, y = _data()
    net = Network([2, 1], seed=0)
    J0 = net.cost(X, y)
    assert train_step(net, X, y, optimizers.GradientDescent(0.5)) == pytest.approx(J0)
    assert net.cost(X, y) < J0


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=-1), "epochs"),
    (dict(epochs=1, batch_size=0), "batch_size"),
])
def test_fit_refuses_bad_arguments(kwargs, message):
    X, y = _data()
    with pytest.raises(ValueError, match=message):
        next(fit(Network([2, 1]), X, y, optimizers.GradientDescent(0.1), **kwargs))


# -- optimizers: one hand-computed step each ---------------------------------------------------


def _one_step(opt, steps=1):
    p = np.array([1.0, -2.0])
    for _ in range(steps):
        opt.step([p], [np.array([0.5, -1.0])])
    return p


def test_gradient_descent_step():
    np.testing.assert_allclose(_one_step(optimizers.GradientDescent(0.1)), [0.95, -1.9])


def test_momentum_averages_gradients():
    # v = 0.1·g after one step, 0.19·g after two (β = 0.9): θ moves by α·v each step.
    np.testing.assert_allclose(_one_step(optimizers.Momentum(1.0, beta=0.9), 2),
                               [1 - 0.29 * 0.5, -2 + 0.29 * 1.0])


def test_rmsprop_divides_by_root_mean_square():
    s = 0.1 * np.array([0.25, 1.0])
    expected = np.array([1.0, -2.0]) - 0.01 * np.array([0.5, -1.0]) / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(_one_step(optimizers.RMSProp(0.01)), expected)


def test_adam_first_step_has_size_alpha_in_every_coordinate():
    np.testing.assert_allclose(_one_step(optimizers.Adam(0.01)), [0.99, -1.99], rtol=1e-6)


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_every_optimizer_lowers_the_cost(name):
    X, y = _data()
    net = Network([2, 4, 1], seed=0)
    records = list(fit(net, X, y, optimizers.make(name, 0.05), epochs=30))
    assert records[-1].train_cost < records[0].train_cost


def test_optimizer_lookup_and_validation():
    assert isinstance(optimizers.make("adam", 0.1), optimizers.Adam)
    with pytest.raises(ValueError, match="gd, momentum"):
        optimizers.make("lbfgs", 0.1)
    with pytest.raises(ValueError, match="learning rate"):
        optimizers.GradientDescent(0)


def test_fit_augments_every_mini_batch_before_its_step():
    X, y = _data(m=40)
    seen = []

    def augment(Xb, rng):
        seen.append(len(Xb))
        return Xb + rng.normal(0, 0.01, Xb.shape)

    records = list(fit(Network([2, 1], seed=0), X, y, optimizers.GradientDescent(0.1), epochs=3, batch_size=16,
                       augment=augment))
    assert len(records) == 3 and seen == [16, 16, 8] * 3


def test_batch_records_come_between_the_same_epochs_and_change_nothing():
    X, y = datasets.make("xor", m=100, seed=1)
    plain, stepped = (Network([2, 4, 1], activation="tanh", seed=3) for _ in range(2))
    epochs = list(fit(plain, X, y, optimizers.Adam(0.05), epochs=3, batch_size=32))
    records = list(fit(stepped, X, y, optimizers.Adam(0.05), epochs=3, batch_size=32, batches=True))
    batches = [r for r in records if isinstance(r, BatchRecord)]
    # 100 rows in batches of 32: four steps an epoch, each epoch's record after its fourth step.
    assert [type(r).__name__ for r in records[:5]] == ["BatchRecord"] * 4 + ["EpochRecord"]
    assert [(b.epoch, b.step, b.steps) for b in batches[:4]] == [(1, 1, 4), (1, 2, 4), (1, 3, 4), (1, 4, 4)]
    assert [b.at for b in batches[4:8]] == [1.25, 1.5, 1.75, 2.0]
    with_batches = [r for r in records if isinstance(r, EpochRecord)]
    assert [r.train_cost for r in with_batches] == [r.train_cost for r in epochs]
    for W1, W2 in zip(plain.parameters(), stepped.parameters()):
        np.testing.assert_array_equal(W1, W2)
    # The epoch's cost is the batches' costs weighted by their sizes (32, 32, 32, 4).
    sizes = np.array([32, 32, 32, 4])
    assert np.dot([b.cost for b in batches[:4]], sizes) / 100 == pytest.approx(epochs[0].train_cost, rel=1e-12)


def test_a_batch_generator_can_be_resumed_in_another_context():
    # Streamlit runs each script run in a new thread and context; a UI resumes the run there, between
    # two mini-batches. NumPy's errstate is a ContextVar, so it must not be held across a yield.
    import contextvars

    X, y = datasets.make("xor", m=40, seed=2)
    run = fit(Network([2, 3, 1], seed=0), X, y, optimizers.Adam(0.05), epochs=2, batch_size=16, batches=True)
    records = [contextvars.Context().run(next, run) for _ in range(8)]  # 3 steps + epoch, twice
    assert [type(r).__name__ for r in records] == (["BatchRecord"] * 3 + ["EpochRecord"]) * 2


def test_a_batch_record_gives_the_cross_entropy_apart_from_the_l2_term():
    from engine.losses import cost as cross_entropy

    X, y = datasets.make("xor", m=50, seed=4)
    net = Network([2, 4, 1], activation="tanh", seed=1, l2=5.0)
    before = net.predict_proba(X)
    first = next(fit(net, X, y, optimizers.GradientDescent(0.1), epochs=1, batches=True))  # one full batch
    assert first.loss == pytest.approx(cross_entropy(y, before), rel=1e-9)
    assert first.cost == pytest.approx(first.loss + 5.0 / (2 * 50) * sum(
        float(np.sum(W * W)) for W in Network([2, 4, 1], activation="tanh", seed=1).weights), rel=1e-9)
