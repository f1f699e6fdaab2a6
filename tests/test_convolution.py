"""lessons.convolution: the chapter's maths against direct loops, finite differences and the engine's shapes."""

import numpy as np
import pytest

from engine import Network
from engine.activations import sigmoid
from engine.conv import Conv2D, Flatten, MaxPool2D
from engine.gradcheck import numeric_gradient, relative_error
from engine.layers import Activation, Dense
from engine.pets.models import PetModel, Standardizer, conv_layers
from lessons import convolution as cv

RTOL = 1e-6  # float64 centred differences with ε = 1e-6


def loop_convolution(A, W, b):
    """Z[i, j] = Σ_a Σ_b W[a, b] · A[i+a−1, j+b−1] + b, one product at a time, A = 0 outside the picture."""
    H, Wd = A.shape
    Z = np.zeros((H, Wd))
    for i in range(H):
        for j in range(Wd):
            total = b
            for a in range(3):
                for c in range(3):
                    y, x = i + a - 1, j + c - 1
                    if 0 <= y < H and 0 <= x < Wd:
                        total += W[a, c] * A[y, x]
            Z[i, j] = total
    return Z


def tiny_net(seed=0, lift=0.0):
    """Conv 3×3 (2 → 3), ReLU, pool, conv 3×3 (3 → 4), ReLU, pool, flatten, dense 5, ReLU, dense 1; float64.

    ``lift`` is added to the last convolution's biases: with it all of that block's maps are > 0, so
    no ReLU sits at its kink and no pooling window holds a tie of zeros, where finite differences of
    max(·) disagree with any one-sided slope.
    """
    rng = np.random.default_rng(seed)
    layers = [Conv2D.initialized(3, 2, 3, 1.5, rng, np.float64), Activation("relu"), MaxPool2D(),
              Conv2D.initialized(3, 3, 4, 1.5, rng, np.float64), Activation("relu"), MaxPool2D(), Flatten(),
              Dense.initialized(16, 5, 1.5, rng, np.float64), Activation("relu"),
              Dense.initialized(5, 1, 1.0, rng, np.float64)]
    for layer in layers:
        if isinstance(layer, (Conv2D, Dense)):
            layer.b[...] = rng.normal(0, 0.1, layer.b.shape)
    layers[3].b += lift
    return Network.from_layers(layers, (8, 8, 2))


def tiny_pet_model(size=16, seed=0):
    standardizer = Standardizer(np.full(3, 0.5), np.full(3, 0.25))
    return PetModel.new("cnn", size, "rgb", standardizer, hidden=[4, 8], seed=seed)


# -- one convolution by hand ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(cv.FILTERS))
def test_convolution_with_every_filter_equals_a_direct_loop(name):
    A = np.random.default_rng(1).random((9, 7))
    W = cv.FILTERS[name].W
    np.testing.assert_allclose(cv.convolve(A, W, b=0.3), loop_convolution(A, W, 0.3), atol=1e-12)


def test_identity_filter_returns_the_picture_and_blur_averages_the_window():
    A = cv.sample_picture("cat", 24)
    np.testing.assert_allclose(cv.convolve(A, cv.FILTERS["identity"].W), A, atol=1e-12)
    blurred = cv.convolve(A, cv.FILTERS["blur"].W)
    assert blurred[10, 10] == pytest.approx(A[9:12, 9:12].mean())


def test_vertical_edge_filter_is_zero_on_flat_areas_and_signed_at_edges():
    A = np.zeros((8, 8))
    A[:, :4] = 1.0  # bright left half, dark right half
    Z = cv.convolve(A, cv.FILTERS["vertical"].W)
    assert Z[4, 1] == 0 and Z[4, 6] == 0
    assert Z[4, 3] == pytest.approx(3.0) and Z[4, 4] == pytest.approx(3.0)  # brighter on the left: +3


@pytest.mark.parametrize("i, j", [(1, 1), (1, 32), (32, 1), (32, 32), (19, 26), (7, 13)])
def test_the_nine_products_of_one_pixel_sum_to_the_engines_map(i, j):
    A = np.random.default_rng(2).random((32, 32))
    W = cv.FILTERS["sharpen"].W
    s = cv.pixel_sum(A, W, i, j, b=-0.2)
    Z = cv.convolve(A, W, b=-0.2)
    assert s.value == pytest.approx(Z[i - 1, j - 1], abs=1e-12)
    assert s.value == pytest.approx(float(np.sum(W * s.window)) - 0.2, abs=1e-12)
    np.testing.assert_array_equal(s.products, W * s.window)
    assert s.window[1, 1] == A[i - 1, j - 1]  # the centre of the window is pixel (i, j) itself


def test_the_window_of_a_corner_pixel_holds_the_zero_padding():
    A = np.arange(1.0, 17.0).reshape(4, 4)
    s = cv.pixel_sum(A, cv.FILTERS["blur"].W, 1, 1)
    np.testing.assert_array_equal(s.window, [[0, 0, 0], [0, 1, 2], [0, 5, 6]])


def test_a_pixel_outside_the_picture_is_refused_with_a_message():
    with pytest.raises(ValueError, match="must lie in 1 … 4"):
        cv.pixel_sum(np.zeros((4, 4)), cv.FILTERS["blur"].W, 0, 2)


@pytest.mark.parametrize("name", list(cv.SAMPLES))
def test_sample_pictures_are_drawn_in_grey_and_colour(name):
    grey = cv.sample_picture(name, 32)
    colour = cv.sample_colour_picture(name, 64)
    assert grey.shape == (32, 32) and 0 <= grey.min() < grey.max() <= 1
    assert colour.shape == (64, 64, 3) and colour.dtype == np.float32 and 0 <= colour.min() <= colour.max() <= 1


# -- why convolution ------------------------------------------------------------------------------


def test_parameter_counts_of_a_dense_layer_and_a_filter_bank():
    assert cv.dense_parameters(64 * 64 * 3, 16) == 12288 * 16 + 16 == 196_624
    assert cv.conv_parameters(3, 3, 16) == 3 * 3 * 3 * 16 + 16 == 448
    rng = np.random.default_rng(0)
    assert cv.layer_parameters(Conv2D.initialized(3, 3, 16, 1.0, rng, np.float32)) == 448
    assert cv.layer_parameters(Dense.initialized(12288, 16, 1.0, rng, np.float32)) == 196_624
    assert cv.layer_parameters(MaxPool2D()) == 0


def test_shape_table_follows_each_layers_output_shape_and_counts_every_parameter():
    net = Network.from_layers(conv_layers(32, 3, [8, 16, 32], dense=64), (32, 32, 3))
    rows = cv.shape_table(net)
    assert rows[0].array == "A[0] = X" and rows[0].shape == (32, 32, 3)
    shape = (32, 32, 3)
    for layer, row in zip(net.layers, rows[1:-1]):
        shape = layer.output_shape(shape)
        assert row.shape == tuple(shape)
        assert row.parameters == sum(p.size for p in layer.parameters())
    assert [r.shape for r in rows if r.layer.startswith("max-pool")] == [(16, 16, 8), (8, 8, 16), (4, 4, 32)]
    assert sum(r.parameters for r in rows) == net.n_parameters
    first = rows[1]
    assert (first.array, first.parameters, first.count) == ("Z[1]", 224, "3·3·3·8 + 8")
    assert rows[-2].array == "Z[5] = Z[L]" and rows[-1].shape == (1,)


# -- inside a trained conv net --------------------------------------------------------------------


def test_logit_gradient_with_respect_to_the_input_matches_finite_differences():
    net = tiny_net()
    X = np.random.default_rng(3).normal(size=(2, 8, 8, 2))
    outputs, grads = cv.logit_gradients(net, X)
    assert len(outputs) == len(grads) == len(net.layers) + 1
    np.testing.assert_allclose(outputs[-1], net.logits(X))
    # Each example's z depends only on that example, so ∂(Σ_i z_i)/∂X holds every per-example gradient.
    numeric = numeric_gradient(lambda: float(net.logits(X).sum()), X)
    assert relative_error(grads[0], numeric) < RTOL


def test_logit_gradient_at_the_last_conv_block_matches_finite_differences():
    net = tiny_net(seed=1, lift=5.0)
    X = np.random.default_rng(4).normal(size=(2, 8, 8, 2))
    outputs, grads = cv.logit_gradients(net, X)
    k = cv.last_conv_output(net)
    assert outputs[k].min() > 0
    assert isinstance(net.layers[k - 1], Activation) and isinstance(net.layers[k - 2], Conv2D)
    A = outputs[k].copy()

    def z_from_block():
        out = A
        for layer in net.layers[k:]:
            out = layer.forward(out)
        return float(out.sum())

    assert relative_error(grads[k], numeric_gradient(z_from_block, A)) < RTOL


def test_grad_cam_weighs_each_channel_by_its_mean_gradient_then_applies_relu():
    net = tiny_net(seed=2, lift=5.0)
    X = np.random.default_rng(5).normal(size=(1, 8, 8, 2))
    outputs, grads = cv.logit_gradients(net, X)
    k = cv.last_conv_output(net)
    A = outputs[k].copy()
    numeric = numeric_gradient(lambda: float(_forward_from(net, k, A)), A)
    alpha = numeric[0].mean(axis=(0, 1))
    expected = np.maximum(sum(alpha[c] * A[0, :, :, c] for c in range(A.shape[-1])), 0)
    np.testing.assert_allclose(cv.grad_cam(A, grads[k])[0], expected, atol=1e-7)
    # Evidence for cat is the same with −∂z/∂A: the two never overlap.
    both = cv.grad_cam(A, grads[k]) * cv.grad_cam(A, -grads[k])
    assert np.all(both == 0)


def _forward_from(net, k, A):
    out = A
    for layer in net.layers[k:]:
        out = layer.forward(out)
    return out.sum()


def test_grad_cam_of_known_maps_and_gradients():
    A = np.zeros((1, 2, 2, 2))
    A[0, :, :, 0] = [[1, 2], [3, 4]]
    A[0, :, :, 1] = [[4, 0], [0, 0]]
    dA = np.zeros_like(A)
    dA[..., 0] = 0.5    # α_0 = 0.5
    dA[..., 1] = -1.0   # α_1 = −1
    np.testing.assert_allclose(cv.grad_cam(A, dA)[0], [[0, 1], [1.5, 2]])  # ReLU(0.5·A0 − A1)


def test_gradient_times_input_is_w_times_x_for_logistic_regression():
    net = Network([5, 1], seed=0)
    X = np.random.default_rng(6).normal(size=(3, 5))
    outputs, grads = cv.logit_gradients(net, X)
    np.testing.assert_allclose(outputs[0] * grads[0], X * net.weights[0])


def test_look_inside_a_tiny_conv_net():
    model = tiny_pet_model()
    picture = np.random.default_rng(7).random((16, 16, 3)).astype(np.float32)
    inside = cv.look_inside(model, picture)
    assert [(l, A.shape) for l, A in inside.maps] == [(1, (16, 16, 4)), (2, (8, 8, 8))]
    assert all(A.min() >= 0 for _, A in inside.maps)  # after ReLU
    assert inside.p_dog == pytest.approx(model.predict_proba(picture[None])[0])
    assert inside.p_dog == pytest.approx(float(sigmoid(np.array(inside.z))), abs=1e-6)
    for cam in (inside.cam_dog, inside.cam_cat):
        assert cam.shape == (16, 16) and 0 <= cam.min() and cam.max() <= 1
    assert max(inside.cam_dog.max(), inside.cam_cat.max()) == pytest.approx(1.0)
    assert inside.saliency.shape == (16, 16)


def test_look_inside_shares_the_model_with_its_lock_free_afterwards():
    model = tiny_pet_model()
    cv.look_inside(model, np.zeros((16, 16, 3), np.float32))
    assert model.lock.acquire(blocking=False)
    model.lock.release()


def test_upsample_keeps_constants_and_blends_neighbours():
    np.testing.assert_allclose(cv.upsample(np.full((1, 4, 4), 2.5), 16), np.full((1, 16, 16), 2.5))
    ramp = cv.upsample(np.array([[[0.0, 1.0], [0.0, 1.0]]]), 8)[0]
    assert ramp.shape == (8, 8)
    assert np.all(np.diff(ramp[0]) >= 0) and ramp[0, 0] == 0 and ramp[0, -1] == 1


def test_first_layer_filters_are_stretched_to_unit_range_one_by_one():
    net = Network.from_layers(conv_layers(16, 3, [4, 8]), (16, 16, 3))
    net.layers[0].W[..., 2] = 0.7  # a constant filter
    F = cv.first_layer_filters(net)
    assert F.shape == (4, 3, 3, 3)
    for c in (0, 1, 3):
        assert F[c].min() == pytest.approx(0) and F[c].max() == pytest.approx(1)
    np.testing.assert_allclose(F[2], 0.5)


def test_strongest_channels_are_ordered_by_mean_activation():
    A = np.zeros((4, 4, 3))
    A[..., 0], A[..., 1], A[..., 2] = 0.1, 0.9, 0.5
    assert cv.strongest_channels(A, 2) == [1, 2]
