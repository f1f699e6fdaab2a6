"""engine.activations: the formulas in the docstrings, stability, and derivatives."""

import warnings

import numpy as np
import pytest

from engine import activations

Z = np.linspace(-6, 6, 101)


def test_sigmoid_does_not_overflow_and_hits_exact_limits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert s[2] == 0.5
    assert np.all(np.isfinite(s))


def test_sigmoid_keeps_float32():
    assert activations.sigmoid(np.zeros(3, dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("name, formula", [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
    ("tanh", lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))),
    ("relu", lambda z: np.maximum(0, z)),
    ("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z)),
    ("linear", lambda z: z),
])
def test_activation_matches_its_docstring_formula(name, formula):
    g, _ = activations.get(name)
    np.testing.assert_allclose(g(Z), formula(Z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(activations.NAMES))
def test_derivative_matches_centred_differences(name):
    g, dg = activations.get(name)
    z = Z[np.abs(Z) > 1e-3]  # away from the ReLU kink
    h = 1e-6
    np.testing.assert_allclose(dg(z), (g(z + h) - g(z - h)) / (2 * h), atol=1e-7)


@pytest.mark.parametrize("name", list(activations.NAMES))
def test_local_gradient_from_output_equals_derivative(name):
    g, dg = activations.get(name)
    np.testing.assert_allclose(activations.spec(name).local_gradient(Z, g(Z)), dg(Z), atol=1e-12)


def test_sigmoid_derivative_is_s_times_one_minus_s_and_at_most_a_quarter():
    s = activations.sigmoid(Z)
    d = activations.sigmoid_derivative(Z)
    np.testing.assert_allclose(d, s * (1 - s))
    assert d.max() == pytest.approx(0.25)
    assert activations.sigmoid_derivative(0.0) == 0.25


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="sigmoid, tanh, relu"):
        activations.get("swish")


def test_registry_holds_each_activations_facts_in_one_place():
    assert activations.HIDDEN == ("sigmoid", "tanh", "relu", "leaky_relu")
    assert activations.spec("relu").init_scale == pytest.approx(np.sqrt(2))
    assert activations.spec("tanh").init_scale == 1.0
    assert activations.spec("sigmoid").output_range == (0.0, 1.0)
    assert activations.spec("relu").output_range is None
    z = np.array([-2.0, 0.0, 2.0])
    np.testing.assert_array_equal(activations.spec("relu").saturated(z, activations.relu(z)), [True, True, False])
    s = np.array([0.005, 0.5, 0.995])
    np.testing.assert_array_equal(activations.spec("sigmoid").saturated(None, s), [True, False, True])
