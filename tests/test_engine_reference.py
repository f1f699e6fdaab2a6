"""engine.reference: the plain, loop-free picture layers agree with the fast ones in engine.conv and
engine.norm, forward and backward, so a student can read the maths there and trust the engine."""

import numpy as np
import pytest

from engine import conv, parallel, reference
from engine.conv import Conv2D, Dropout, Flatten, MaxPool2D
from engine.gradcheck import numeric_gradient, relative_error
from engine.layers import Activation
from engine.norm import BatchNorm2D


@pytest.mark.parametrize("k, shape, C", [(3, (3, 6, 5, 2), 4), (1, (2, 4, 4, 3), 2), (5, (2, 7, 12, 1), 3)])
def test_convolution_reference_is_the_engines(k, shape, C):
    rng = np.random.default_rng(k)
    layer = Conv2D.initialized(k, shape[3], C, 1.0, rng, np.float64)
    layer.b[...] = rng.standard_normal(layer.b.shape)
    A_prev = rng.standard_normal(shape)
    dZ = rng.standard_normal(shape[:3] + (C,))
    np.testing.assert_allclose(layer.forward(A_prev), reference.conv_forward(A_prev, layer.W, layer.b),
                               rtol=1e-12, atol=1e-12)
    dA_prev, dW, db = reference.conv_backward(dZ, A_prev, layer.W)
    np.testing.assert_allclose(layer.backward(dZ), dA_prev, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.dW, dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.db, db, rtol=1e-12, atol=1e-12)


def test_convolution_reference_backward_matches_finite_differences():
    # The reference is checked on its own too, so the two cannot share a mistake.
    rng = np.random.default_rng(1)
    A_prev, W, b = rng.standard_normal((2, 4, 5, 2)), rng.standard_normal((3, 3, 2, 3)), rng.standard_normal((1, 3))
    R = rng.standard_normal((2, 4, 5, 3))

    def J():
        return float(np.sum(reference.conv_forward(A_prev, W, b) * R)) / 2

    dA_prev, dW, db = reference.conv_backward(R, A_prev, W)
    assert relative_error(dW, numeric_gradient(J, W)) < 1e-7
    assert relative_error(db, numeric_gradient(J, b)) < 1e-7
    assert relative_error(dA_prev / 2, numeric_gradient(J, A_prev)) < 1e-7


@pytest.mark.parametrize("threads", [1, 2])
def test_max_pooling_reference_is_the_engines_even_with_ties(monkeypatch, threads):
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "THREADS", threads)
    monkeypatch.setattr(conv, "BLOCK_BYTES", 1)
    rng = np.random.default_rng(2)
    A_prev = rng.integers(0, 3, (4, 6, 8, 3)).astype(np.float64)  # few values: many ties
    dA = rng.standard_normal((4, 3, 4, 3))
    layer = MaxPool2D()
    np.testing.assert_array_equal(layer.forward(A_prev), reference.maxpool_forward(A_prev))
    np.testing.assert_array_equal(layer.backward(dA), reference.maxpool_backward(dA, A_prev))


def test_max_pooling_reference_sends_each_gradient_to_one_input_in_column_order():
    A_prev = np.array([[0.0, 5.0], [5.0, 5.0]]).reshape(1, 2, 2, 1)  # the maximum three times
    d = reference.maxpool_backward(np.ones((1, 1, 1, 1)), A_prev)[0, :, :, 0]
    np.testing.assert_array_equal(d, [[0, 0], [1, 0]])  # down the left column first


def test_relu_flatten_and_dropout_references_are_the_engines():
    rng = np.random.default_rng(3)
    Z, dA = rng.standard_normal((2, 4, 4, 3)), rng.standard_normal((2, 4, 4, 3))
    relu = Activation("relu")
    np.testing.assert_array_equal(relu.forward(Z, training=True), reference.relu_forward(Z))
    np.testing.assert_array_equal(relu.backward(dA), reference.relu_backward(dA, Z))
    flat = Flatten()
    np.testing.assert_array_equal(flat.forward(Z), reference.flatten_forward(Z))
    np.testing.assert_array_equal(flat.backward(dA.reshape(2, -1)), reference.flatten_backward(dA.reshape(2, -1),
                                                                                               Z.shape))
    drop = Dropout(0.3, seed=4)
    A = drop.forward(Z, training=True)
    D = (drop._mask > 0).astype(float)
    np.testing.assert_allclose(A, reference.dropout_forward(Z, D, 0.3), rtol=1e-15)
    np.testing.assert_allclose(drop.backward(dA), reference.dropout_backward(dA, D, 0.3), rtol=1e-15)


def test_batchnorm_reference_backward_matches_finite_differences():
    rng = np.random.default_rng(5)
    A_prev, R = rng.standard_normal((3, 2, 4, 2)), rng.standard_normal((3, 2, 4, 2))
    gamma, beta = rng.uniform(0.5, 2, (1, 2)), rng.standard_normal((1, 2))

    def J():
        return float(np.sum(reference.batchnorm_forward(A_prev, gamma, beta)[0] * R)) / 3

    _, x_hat, var = reference.batchnorm_forward(A_prev, gamma, beta)
    dA_prev, dgamma, dbeta = reference.batchnorm_backward(R, x_hat, var, gamma)
    assert relative_error(dA_prev / 3, numeric_gradient(J, A_prev)) < 1e-7
    assert relative_error(dgamma, numeric_gradient(J, gamma)) < 1e-7
    assert relative_error(dbeta, numeric_gradient(J, beta)) < 1e-7


def test_batchnorm_reference_at_inference_is_the_engines():
    rng = np.random.default_rng(6)
    layer = BatchNorm2D(3)
    layer.running_mean[...], layer.running_var[...] = rng.standard_normal((1, 3)), rng.uniform(0.1, 3, (1, 3))
    X = rng.standard_normal((2, 3, 3, 3))
    np.testing.assert_allclose(layer.forward(X), reference.batchnorm_inference(
        X, layer.gamma, layer.beta, layer.running_mean, layer.running_var), rtol=1e-12)
