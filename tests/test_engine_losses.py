"""engine.losses: the logistic loss and cost J against scikit-learn and at the edges."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from engine import losses


def test_cost_equals_sklearn_log_loss():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    y_hat = rng.uniform(0.001, 0.999, 500)
    assert losses.cost(y, y_hat) == pytest.approx(log_loss(y, y_hat), rel=1e-12)


def test_cost_is_the_mean_of_the_per_example_loss_formula():
    y = np.array([1, 0, 1, 0])
    y_hat = np.array([0.9, 0.2, 0.4, 0.5])
    expected = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    assert losses.cost(y, y_hat) == pytest.approx(expected, rel=1e-14)


def test_loss_is_finite_at_zero_and_one():
    L = losses.logistic_loss(np.array([1, 0, 1, 0]), np.array([0.0, 1.0, 1.0, 0.0]))
    assert np.all(np.isfinite(L))
    assert L[0] == pytest.approx(-np.log(1e-15))
    assert L[2] == pytest.approx(0.0, abs=1e-14)


def test_logit_form_equals_probability_form_and_survives_huge_logits():
    z = np.linspace(-15, 15, 61)  # beyond this the probability form loses digits to rounding
    y = (np.arange(61) % 2).astype(float)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(losses.logistic_loss_from_logits(y, z), losses.logistic_loss(y, p), rtol=1e-6)
    big = losses.logistic_loss_from_logits(np.array([0.0, 1.0]), np.array([1e4, -1e4]))
    np.testing.assert_allclose(big, [1e4, 1e4])


def test_mismatched_sizes_are_refused():
    with pytest.raises(ValueError, match="must match"):
        losses.cost([0, 1, 1], [0.5, 0.5])
