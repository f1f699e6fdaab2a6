"""engine.conv: Conv2D, MaxPool2D, Flatten, Dropout against loops, finite differences and PyTorch."""

import json

import numpy as np
import pytest

from engine import activations, conv, parallel
from engine.activations import sigmoid
from engine.conv import Conv2D, Dropout, Flatten, MaxPool2D
from engine.gradcheck import numeric_gradient, relative_error
from engine.layers import LAYER_TYPES, Activation, Dense
from engine.losses import cost_from_logits
from engine.norm import BatchNorm2D

RTOL = 1e-7  # float64 finite differences: below this the backward pass is right


def _check_layer_alone(layer, A_prev, seed=1):
    """J = (1/m) Σ(A ⊙ R), so dA = R per example; compares dW, db and dA_prev/m with ∂J/∂·."""
    rng = np.random.default_rng(seed)
    m = A_prev.shape[0]
    R = rng.standard_normal(layer.forward(A_prev).shape)

    def J():
        return float(np.sum(layer.forward(A_prev) * R)) / m

    layer.forward(A_prev)
    dA_prev = layer.backward(R.copy())
    for name, analytic in zip(layer.param_names, layer.grads()):
        analytic = analytic.copy()
        numeric = numeric_gradient(J, getattr(layer, name))
        assert relative_error(analytic, numeric) < RTOL, name
    assert relative_error(dA_prev / m, numeric_gradient(J, A_prev)) < RTOL


def _loop_conv(A_prev, W, b):
    """Z[i, y, x, c] = Σ_{a,b,c'} W[a, b, c', c] · A_prev_pad[i, y+a, x+b, c'] + b[c], one term at a time."""
    m, H, Wd, C_prev = A_prev.shape
    k, C = W.shape[0], W.shape[3]
    p = k // 2
    A_pad = np.zeros((m, H + 2 * p, Wd + 2 * p, C_prev))
    A_pad[:, p:p + H, p:p + Wd] = A_prev
    Z = np.zeros((m, H, Wd, C))
    for i in range(m):
        for y in range(H):
            for x in range(Wd):
                for c in range(C):
                    total = b[0, c]
                    for a in range(k):
                        for bb in range(k):
                            for c_in in range(C_prev):
                                total += W[a, bb, c_in, c] * A_pad[i, y + a, x + bb, c_in]
                    Z[i, y, x, c] = total
    return Z


def _conv(k=3, C_prev=2, C=3, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layer = Conv2D.initialized(k, C_prev, C, 1.0, rng, dtype)
    layer.b[...] = rng.standard_normal(layer.b.shape)
    return layer


# -- Conv2D ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 3, 5])
def test_conv2d_forward_is_the_docstring_sum(k):
    layer = _conv(k=k)
    A_prev = np.random.default_rng(1).standard_normal((2, 5, 4, 2))
    np.testing.assert_allclose(layer.forward(A_prev), _loop_conv(A_prev, layer.W, layer.b), rtol=1e-12, atol=1e-12)


def test_conv2d_forward_and_gradients_match_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; the loop comparison above still runs")
    layer = _conv(k=3, C_prev=3, C=4)
    rng = np.random.default_rng(2)
    A_prev = rng.standard_normal((2, 7, 6, 3))
    R = rng.standard_normal((2, 7, 6, 4))
    Z = layer.forward(A_prev)
    dA_prev = layer.backward(R.copy())

    # PyTorch is channels first: pictures (m, C, H, W), filters (C, C_prev, k, k).
    A_t = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    W_t = torch.tensor(layer.W.transpose(3, 2, 0, 1), requires_grad=True)
    b_t = torch.tensor(layer.b[0], requires_grad=True)
    Z_t = torch.nn.functional.conv2d(A_t, W_t, b_t, padding=1).permute(0, 2, 3, 1)
    (Z_t * torch.tensor(R)).sum().div(2).backward()
    np.testing.assert_allclose(Z, Z_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.dW, W_t.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.db[0], b_t.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dA_prev / 2, A_t.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_conv2d_backward_matches_finite_differences(k):
    A_prev = np.random.default_rng(3).standard_normal((3, 5, 6, 2))
    _check_layer_alone(_conv(k=k), A_prev)


# Wide pictures take the planar patch matrix (W > k·C: runs of W numbers copy faster than runs of
# k·C), narrow ones channels last; dZ with more channels may take the other layout than A_prev.
@pytest.mark.parametrize("shape, C", [((2, 5, 11, 2), 3), ((2, 4, 12, 1), 5), ((3, 5, 4, 2), 3)])
def test_conv2d_forward_and_backward_are_right_in_either_patch_layout(shape, C):
    layer = _conv(k=3, C_prev=shape[3], C=C)
    A_prev = np.random.default_rng(19).standard_normal(shape)
    np.testing.assert_allclose(layer.forward(A_prev), _loop_conv(A_prev, layer.W, layer.b), rtol=1e-12, atol=1e-12)
    _check_layer_alone(layer, A_prev)


def test_planar_and_channels_last_patches_give_the_same_step(monkeypatch):
    rng = np.random.default_rng(20)
    A_prev, dZ = rng.standard_normal((3, 6, 10, 2)), rng.standard_normal((3, 6, 10, 4))
    results = []
    for planar in (False, True):
        monkeypatch.setattr(Conv2D, "_planar", lambda self, Wd, C: planar)
        layer = _conv(C_prev=2, C=4)
        Z = layer.forward(A_prev)
        results.append((Z, layer.backward(dZ), layer.dW.copy(), layer.db.copy()))
    for channels_last, planar in zip(*results):
        np.testing.assert_allclose(planar, channels_last, rtol=1e-12, atol=1e-13)


def test_conv2d_in_blocks_of_examples_gives_the_same_result(monkeypatch):
    layer = _conv()
    rng = np.random.default_rng(4)
    A_prev, dZ = rng.standard_normal((5, 6, 6, 2)), rng.standard_normal((5, 6, 6, 3))
    Z, dA_prev = layer.forward(A_prev), layer.backward(dZ)
    dW, db = layer.dW.copy(), layer.db.copy()
    monkeypatch.setattr(conv, "BLOCK_BYTES", 1)  # one example per block
    blocked = _conv()
    np.testing.assert_allclose(blocked.forward(A_prev), Z, rtol=1e-13)
    np.testing.assert_allclose(blocked.backward(dZ), dA_prev, rtol=1e-13)
    np.testing.assert_allclose(blocked.dW, dW, rtol=1e-13)
    np.testing.assert_allclose(blocked.db, db, rtol=1e-13)


@pytest.mark.parametrize("threads", [2, 3])
def test_threads_split_the_batch_without_changing_the_result(monkeypatch, threads):
    rng = np.random.default_rng(18)
    A_prev, dZ = rng.standard_normal((7, 6, 6, 2)), rng.standard_normal((7, 6, 6, 3))
    monkeypatch.setattr(conv, "BLOCK_BYTES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    results = []
    for n in (1, threads):
        monkeypatch.setattr(parallel, "THREADS", n)
        layer, pool = _conv(), MaxPool2D()
        Z = layer.forward(A_prev)
        dA_prev = layer.backward(dZ)
        A = pool.forward(Z)
        results.append((Z, dA_prev, layer.dW.copy(), layer.db.copy(), A, pool.backward(A)))
    for serial, split in zip(*results):
        np.testing.assert_allclose(split, serial, rtol=1e-13)


def test_conv2d_reused_work_arrays_keep_a_smaller_batch_and_a_new_size_right():
    layer = _conv()
    rng = np.random.default_rng(5)
    for shape in [(4, 6, 6, 2), (2, 6, 6, 2), (3, 4, 8, 2), (4, 6, 6, 2)]:
        A_prev = rng.standard_normal(shape)
        np.testing.assert_allclose(layer.forward(A_prev), _loop_conv(A_prev, layer.W, layer.b), rtol=1e-12)
        dZ = rng.standard_normal(shape[:3] + (3,))
        dA_prev = layer.backward(dZ)
        fresh = Conv2D(layer.W.copy(), layer.b.copy())
        fresh.forward(A_prev)
        np.testing.assert_allclose(dA_prev, fresh.backward(dZ), rtol=1e-13)
        np.testing.assert_allclose(layer.dW, fresh.dW, rtol=1e-13)


def test_conv2d_first_layer_skips_dA_prev_but_fills_dW_and_db():
    layer = _conv()
    rng = np.random.default_rng(6)
    A_prev, dZ = rng.standard_normal((2, 4, 4, 2)), rng.standard_normal((2, 4, 4, 3))
    layer.forward(A_prev)
    assert layer.backward(dZ, need_dA_prev=False) is None
    np.testing.assert_allclose(layer.db, dZ.mean(axis=0).sum(axis=(0, 1))[None, :], rtol=1e-12)
    assert np.abs(layer.dW).sum() > 0


def test_conv2d_backward_before_forward_is_a_clear_error():
    with pytest.raises(ValueError, match="forward pass"):
        _conv().backward(np.zeros((1, 4, 4, 3)))


def test_conv2d_initialized_scales_by_the_fan_in():
    rng = np.random.default_rng(7)
    layer = Conv2D.initialized(3, 16, 64, np.sqrt(2.0), rng, np.float32)
    assert layer.W.shape == (3, 3, 16, 64) and layer.b.shape == (1, 64)
    assert layer.W.dtype == np.float32 and not layer.b.any()
    assert layer.W.std() == pytest.approx(np.sqrt(2.0 / (3 * 3 * 16)), rel=0.05)
    again = Conv2D.initialized(3, 16, 64, np.sqrt(2.0), np.random.default_rng(7), np.float32)
    np.testing.assert_array_equal(layer.W, again.W)


def test_conv2d_needs_the_channels_it_was_built_for():
    with pytest.raises(ValueError, match="2"):
        _conv(C_prev=2).forward(np.zeros((1, 4, 4, 3)))
    with pytest.raises(ValueError, match="odd"):
        Conv2D(np.zeros((2, 2, 1, 1)), np.zeros((1, 1)))


# -- MaxPool2D ---------------------------------------------------------------------------------------

def test_maxpool_takes_the_largest_of_each_2x2_window():
    A_prev = np.arange(16.0).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(MaxPool2D().forward(A_prev)[0, :, :, 0], [[5, 7], [13, 15]])
    A_prev = np.random.default_rng(8).standard_normal((2, 6, 4, 3))
    expected = A_prev.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4))
    np.testing.assert_array_equal(MaxPool2D().forward(A_prev), expected)


def test_maxpool_backward_matches_finite_differences():
    # Random normals: no two values in a window are within 2ε, so the maximum never changes hands.
    _check_layer_alone(MaxPool2D(), np.random.default_rng(9).standard_normal((3, 6, 6, 2)))


def test_maxpool_tie_sends_the_gradient_to_exactly_one_input():
    pool = MaxPool2D()
    A_prev = np.zeros((1, 2, 4, 1))  # left window: four equal values
    A_prev[0, :, 2:, 0] = [[1.0, 3.0], [3.0, 3.0]]  # right window: a three-way tie for the maximum
    pool.forward(A_prev)
    dA_prev = pool.backward(np.array([[[[2.0], [5.0]]]]))
    # The first maximum reading down the left column of each window, then the right.
    np.testing.assert_array_equal(dA_prev[0, :, :, 0], [[2, 0, 0, 0], [0, 0, 5, 0]])


def test_maxpool_needs_even_sides():
    with pytest.raises(ValueError, match="even"):
        MaxPool2D().forward(np.zeros((1, 5, 4, 1)))
    with pytest.raises(ValueError, match="even"):
        MaxPool2D().output_shape((4, 7, 3))


# -- ReLU after a convolution ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_activation_backward_is_the_same_split_over_threads_and_after_either_pass(monkeypatch, name):
    # dZ = dA ⊙ g′(Z): g′ kept from a training pass, or computed from A after an inference pass
    # (chapter 6 walks backward after ``trace``); a large batch is split over threads.
    rng = np.random.default_rng(23)
    Z, dA = rng.standard_normal((5, 4, 4, 3)), rng.standard_normal((5, 4, 4, 3))
    expected = dA * activations.spec(name).derivative(Z)
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    for threads in (1, 2):
        monkeypatch.setattr(parallel, "THREADS", threads)
        for training in (True, False):
            layer = Activation(name)
            layer.forward(Z, training=training)
            np.testing.assert_allclose(layer.backward(dA), expected, rtol=1e-12, atol=1e-15)


def test_relu_backward_passes_dA_exactly_where_the_unit_is_on():
    rng = np.random.default_rng(21)
    Z = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)
    Z[0, 0, 0] = 0.0  # ReLU′(0) = 0
    relu = Activation("relu")
    relu.forward(Z)
    dA = rng.standard_normal(Z.shape).astype(np.float32)
    dZ = relu.backward(dA)
    assert dZ.dtype == np.float32
    np.testing.assert_array_equal(dZ, np.where(Z > 0, dA, 0))


# -- Flatten -----------------------------------------------------------------------------------------

def test_flatten_reads_each_picture_row_by_row_and_backward_restores_the_shape():
    A_prev = np.random.default_rng(10).standard_normal((2, 3, 4, 5))
    A = Flatten().forward(A_prev)
    assert A.shape == (2, 60)
    y, x, c = 1, 2, 3
    assert A[1, (y * 4 + x) * 5 + c] == A_prev[1, y, x, c]
    flatten = Flatten()
    flatten.forward(A_prev)
    np.testing.assert_array_equal(flatten.backward(A), A_prev)


# -- Dropout -----------------------------------------------------------------------------------------

def test_dropout_is_the_identity_at_inference():
    A_prev = np.random.default_rng(11).standard_normal((4, 10))
    drop = Dropout(0.5, seed=0)
    assert drop.forward(A_prev) is A_prev
    dA = np.ones_like(A_prev)
    assert drop.backward(dA) is dA


def test_dropout_switches_off_about_rate_and_scales_the_rest_by_one_over_keep():
    A_prev = np.ones((200, 50))
    A = Dropout(0.3, seed=1).forward(A_prev, training=True)
    assert set(np.unique(A)) == {0.0, 1 / 0.7}
    assert np.mean(A == 0) == pytest.approx(0.3, abs=0.02)
    assert A.mean() == pytest.approx(1.0, abs=0.03)  # inverted dropout keeps the expected activation


def test_dropout_with_the_same_seed_drops_the_same_units():
    A_prev = np.random.default_rng(12).standard_normal((8, 3, 3, 2))
    first = Dropout(0.5, seed=42).forward(A_prev, training=True)
    np.testing.assert_array_equal(Dropout(0.5, seed=42).forward(A_prev, training=True), first)
    assert not np.array_equal(Dropout(0.5, seed=43).forward(A_prev, training=True), first)


def test_dropout_gradient_flows_through_the_same_mask():
    rng = np.random.default_rng(13)
    A_prev, R = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 4, 5))
    m = A_prev.shape[0]

    def J():  # a fresh layer with the same seed draws the same mask every time
        return float(np.sum(Dropout(0.4, seed=5).forward(A_prev, training=True) * R)) / m

    drop = Dropout(0.4, seed=5)
    A = drop.forward(A_prev, training=True)
    dA_prev = drop.backward(R)
    np.testing.assert_array_equal(dA_prev == 0, A == 0)
    assert relative_error(dA_prev / m, numeric_gradient(J, A_prev)) < RTOL


def test_dropout_keeps_float32():
    A = Dropout(0.5, seed=0).forward(np.ones((3, 4), dtype=np.float32), training=True)
    assert A.dtype == np.float32


# -- a stack of layers ---------------------------------------------------------------------------------

def test_small_picture_network_backward_matches_finite_differences():
    # Conv2D → tanh → MaxPool2D → Flatten → Dropout → Dense → σ, on 6×6×2 pictures, m = 3.
    rng = np.random.default_rng(14)
    X = rng.standard_normal((3, 6, 6, 2))
    y = np.array([[1.0], [0.0], [1.0]])
    layers = [_conv(k=3, C_prev=2, C=3, seed=15), Activation("tanh"), MaxPool2D(), Flatten(),
              Dropout(0.25, seed=0), Dense.initialized(27, 1, 1.0, rng, np.float64)]
    layers[-1].b[...] = 0.1

    def logits():
        layers[4].rng = np.random.default_rng(3)  # the same dropout mask on every pass
        A = X
        for layer in layers:
            A = layer.forward(A, training=True)
        return A

    def J():
        return cost_from_logits(y, logits())

    dA = sigmoid(logits()) - y  # dZ[L] = A[L] − Y
    for l, layer in reversed(list(enumerate(layers))):
        dA = layer.backward(dA, need_dA_prev=l > 0)
    for layer in (layers[0], layers[-1]):
        for name, analytic in zip(layer.param_names, layer.grads()):
            analytic = analytic.copy()
            assert relative_error(analytic, numeric_gradient(J, getattr(layer, name))) < RTOL, (layer, name)


def _relu_pool_stack(seed=30, C_prev=2, C=3, dtype=np.float64):
    return [_conv(k=3, C_prev=C_prev, C=C, seed=seed, dtype=dtype), Activation("relu"), MaxPool2D()]


@pytest.mark.parametrize("shape", [(3, 6, 8, 2), (2, 4, 12, 1)])  # channels last, and planar patches
def test_fused_conv_relu_pool_backward_matches_finite_differences(shape):
    # J = (1/m) Σ(A ⊙ R), as in _check_layer_alone; the parameters are the convolution's.
    rng = np.random.default_rng(31)
    A_prev, R = rng.standard_normal(shape), rng.standard_normal((shape[0], shape[1] // 2, shape[2] // 2, 3))
    layers = _relu_pool_stack(C_prev=shape[3])
    group = conv.ConvReluPool(*layers)

    def J():
        return float(np.sum(group.forward(A_prev) * R)) / shape[0]

    group.forward(A_prev)
    dA_prev = group.backward(R.copy())
    for p, analytic in zip(group.parameters(), group.grads()):
        assert relative_error(analytic.copy(), numeric_gradient(J, p)) < RTOL
    assert relative_error(dA_prev / shape[0], numeric_gradient(J, A_prev)) < RTOL


def test_fused_conv_relu_pool_is_the_three_layers_exactly_even_with_ties(monkeypatch):
    # ReLU(max) = max(ReLU): the same A; the gradient reaches the window's maximum where A > 0.
    # Zero pictures and a negative bias make whole windows tie at ReLU's 0.
    monkeypatch.setattr(conv, "BLOCK_BYTES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    rng = np.random.default_rng(32)
    A_prev = rng.standard_normal((5, 6, 6, 2))
    A_prev[1:3] = 0.0
    dA = rng.standard_normal((5, 3, 3, 3))
    for threads in (1, 2):
        monkeypatch.setattr(parallel, "THREADS", threads)
        apart, fused = _relu_pool_stack(), _relu_pool_stack()
        apart[0].b[0, 0] = fused[0].b[0, 0] = -0.5
        A = A_prev
        for layer in apart:
            A = layer.forward(A, training=True)
        d = dA
        for layer in reversed(apart):
            d = layer.backward(d)
        group = conv.ConvReluPool(*fused)
        np.testing.assert_array_equal(group.forward(A_prev), A)
        np.testing.assert_array_equal(group.backward(dA), d)
        np.testing.assert_array_equal(fused[0].dW, apart[0].dW)
        np.testing.assert_array_equal(fused[0].db, apart[0].db)


def test_fuse_groups_only_conv_relu_pool_and_keeps_the_other_layers():
    rng = np.random.default_rng(33)
    c1, c2 = _conv(C_prev=2, C=3), _conv(C_prev=3, C=2)
    layers = [c1, Activation("relu"), MaxPool2D(), c2, Activation("tanh"), MaxPool2D(), Flatten(),
              Dense.initialized(2, 1, 1.0, rng, np.float64)]
    steps = conv.fuse(layers)
    assert isinstance(steps[0], conv.ConvReluPool) and steps[0].conv is c1
    assert steps[1:] == layers[3:]


def test_relu_and_pool_backward_refuse_after_a_fused_forward():
    layers = _relu_pool_stack()
    conv.ConvReluPool(*layers).forward(np.ones((2, 4, 4, 2)))
    with pytest.raises(ValueError, match="forward pass"):
        layers[1].backward(np.ones((2, 4, 4, 3)))
    with pytest.raises(ValueError, match="forward pass"):
        layers[2].backward(np.ones((2, 2, 2, 3)))


def test_network_training_step_is_the_same_with_fused_layers_and_trace_still_sees_every_layer():
    from engine import Network

    rng = np.random.default_rng(34)
    layers = (_relu_pool_stack(C_prev=3, C=4) + [Flatten(), Dense.initialized(16 * 4, 3, 1.0, rng, np.float64),
                                                 Activation("relu"), Dense.initialized(3, 1, 1.0, rng, np.float64)])
    net = Network.from_layers(layers, (8, 8, 3))
    X, y = rng.standard_normal((4, 8, 8, 3)), np.array([1.0, 0.0, 1.0, 0.0])
    J = net.backprop(X, y).cost
    fused = [g.copy() for g in net.grads()]
    A = net.check_inputs(X)
    for layer in net.layers:  # the layers one by one, as before the fusion
        A = layer.forward(A, training=True)
    net.backward(sigmoid(A) - y.reshape(-1, 1))
    for a, b in zip(fused, net.grads()):
        np.testing.assert_array_equal(a, b)
    assert J == net.cost(X, y)
    kinds = [type(layer) for layer, _ in net.trace(X)]
    assert kinds == [type(layer) for layer in layers]
    dW, db = net.gradients(X, y)
    for analytic, p in ((dW[0], layers[0].W), (db[0], layers[0].b)):
        assert relative_error(analytic, numeric_gradient(lambda: net.cost(X, y), p)) < RTOL


def test_float32_pictures_stay_float32_through_every_layer():
    rng = np.random.default_rng(16)
    layers = [Conv2D.initialized(3, 3, 4, 1.0, rng, np.float32), Activation("relu"), MaxPool2D(), Flatten(),
              Dropout(0.5, seed=0), Dense.initialized(16, 1, 1.0, rng, np.float32)]
    A = rng.standard_normal((2, 4, 4, 3), dtype=np.float32)
    for layer in layers:
        A = layer.forward(A, training=True)
        assert A.dtype == np.float32, layer
    dA = np.ones_like(A)
    for layer in reversed(layers):
        dA = layer.backward(dA)
        assert dA.dtype == np.float32, layer
    assert layers[0].dW.dtype == layers[0].db.dtype == np.float32


# -- shapes and model files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("layer, input_shape, output_shape", [
    (Conv2D(np.zeros((3, 3, 2, 5)), np.zeros((1, 5))), (8, 6, 2), (8, 6, 5)),
    (MaxPool2D(), (8, 6, 5), (4, 3, 5)),
    (Flatten(), (4, 3, 5), (60,)),
    (Dropout(0.2), (60,), (60,)),
])
def test_output_shape_is_what_forward_gives_and_config_round_trips(layer, input_shape, output_shape):
    assert layer.output_shape(input_shape) == output_shape
    A = layer.forward(np.zeros((2,) + input_shape))
    assert A.shape == (2,) + output_shape
    config = json.loads(json.dumps(layer.config()))
    assert LAYER_TYPES[config["type"]] is type(layer)
    rebuilt = type(layer).from_config(config, input_shape, np.float32)
    assert rebuilt.config() == layer.config()
    assert rebuilt.output_shape(input_shape) == output_shape
    for p, q in zip(rebuilt.parameters(), layer.parameters()):
        assert p.shape == q.shape and p.dtype == np.float32 and not p.any()
    shapes = type(layer).param_shapes(config, input_shape)
    assert shapes == {name: p.shape for name, p in zip(layer.param_names, layer.parameters())}


def test_a_picture_network_saves_and_loads_with_its_conv_layers():
    from engine import Network

    rng = np.random.default_rng(17)
    layers = [Conv2D.initialized(3, 3, 4, np.sqrt(2.0), rng, np.float32), Activation("relu"), MaxPool2D(),
              Flatten(), Dropout(0.5, seed=1), Dense.initialized(64, 1, 1.0, rng, np.float32)]
    net = Network.from_layers(layers, (8, 8, 3), dtype=np.float32)
    X = rng.standard_normal((5, 8, 8, 3), dtype=np.float32)
    loaded = Network.load(net.to_bytes())
    assert [layer.config() for layer in loaded.layers] == [layer.config() for layer in layers]
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


def test_conv2d_config_names_filters_and_kernel_size():
    assert _conv(k=5, C=7).config() == {"type": "Conv2D", "filters": 7, "kernel_size": 5}
    assert Dropout(0.3, seed=9).config() == {"type": "Dropout", "rate": 0.3, "seed": 9}


@pytest.mark.parametrize("cls, config, input_shape, message", [
    (Conv2D, {"filters": 8, "kernel_size": 2}, (8, 8, 3), "odd"),
    (Conv2D, {"filters": 8, "kernel_size": 0}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 8, "kernel_size": -3}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 8, "kernel_size": 99}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 8, "kernel_size": 3.0}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 8, "kernel_size": True}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 8, "kernel_size": "3"}, (8, 8, 3), "kernel_size"),
    (Conv2D, {"filters": 0, "kernel_size": 3}, (8, 8, 3), "filters"),
    (Conv2D, {"filters": 10 ** 6, "kernel_size": 3}, (8, 8, 3), "filters"),
    (Conv2D, {"kernel_size": 3}, (8, 8, 3), "filters"),
    (Conv2D, {"filters": 8, "kernel_size": 3}, (64,), "channels last"),
    (Conv2D, {"filters": 8, "kernel_size": 3}, (8, 0, 3), "side"),
    (MaxPool2D, {}, (7, 8, 3), "even"),
    (MaxPool2D, {}, (64,), "channels last"),
    (Flatten, {}, (), "axis"),
    (Dropout, {"rate": 1.0}, (10,), r"\[0, 1\)"),
    (Dropout, {"rate": -0.1}, (10,), r"\[0, 1\)"),
    (Dropout, {"rate": True}, (10,), r"\[0, 1\)"),
    (Dropout, {"rate": "0.5"}, (10,), r"\[0, 1\)"),
    (Dropout, {}, (10,), r"\[0, 1\)"),
    (Dropout, {"rate": 0.5, "seed": -1}, (10,), "seed"),
])
def test_bad_configs_raise_a_value_error_that_says_what_to_fix(cls, config, input_shape, message):
    with pytest.raises(ValueError, match=message):
        cls.from_config({"type": cls.type, **config}, input_shape, np.float32)


# -- the bundled conv net --------------------------------------------------------------------------------

def _reference_logits(net, X):
    """The bundled stack written plainly in float64: each convolution as its k·k shifted products
    Z = Σ_{a,b} A_pad[:, a:a+H, b:b+W, :]·W[a, b] + b, pooling as a max over axes; inference, so
    dropout is the identity and batch norm uses its running statistics."""
    A = X.astype(np.float64)
    for layer in net.layers:
        if isinstance(layer, Conv2D):
            k, p = layer.k, layer.k // 2
            m, H, Wd, _ = A.shape
            A_pad = np.pad(A, ((0, 0), (p, p), (p, p), (0, 0)))
            W = layer.W.astype(np.float64)
            A = sum(A_pad[:, a:a + H, b:b + Wd, :] @ W[a, b] for a in range(k) for b in range(k)) + layer.b[0]
        elif isinstance(layer, Activation):
            A = np.maximum(A, 0.0) if layer.name == "relu" else layer.spec.g(A)
        elif isinstance(layer, MaxPool2D):
            m, H, Wd, C = A.shape
            A = A.reshape(m, H // 2, 2, Wd // 2, 2, C).max(axis=(2, 4))
        elif isinstance(layer, Flatten):
            A = A.reshape(len(A), -1)
        elif isinstance(layer, Dense):
            A = A @ layer.W.astype(np.float64).T + layer.b[0]
        elif isinstance(layer, BatchNorm2D):  # inference: the running statistics saved with the model
            mean, var = layer.running_mean[0].astype(np.float64), layer.running_var[0].astype(np.float64)
            A = (A - mean) / np.sqrt(var + layer.eps) * layer.gamma[0] + layer.beta[0]
        else:
            assert isinstance(layer, Dropout), layer
    return A


def test_bundled_conv_net_predicts_what_a_plain_reference_of_its_layers_predicts():
    from engine.pets.models import load_bundled

    model = load_bundled("cnn")
    rng = np.random.default_rng(22)
    y, x = np.mgrid[0:64, 0:64] / 63.0
    smooth = np.stack([np.stack([0.5 + 0.5 * np.sin(3 * x + s), y, np.sqrt(x * y)], axis=-1) for s in range(3)])
    pictures = np.concatenate([rng.random((3, 64, 64, 3)), smooth]).astype(np.float32)
    X = model.features(pictures)
    T = model.temperature  # P(dog) = σ(z / T), T fitted on the validation split (1 if never calibrated)
    P_ref = sigmoid(_reference_logits(model.net, X) / T)[:, 0]
    if model.mirror_average:
        P_ref = (P_ref + sigmoid(_reference_logits(model.net, X[:, :, ::-1]) / T)[:, 0]) / 2
    P = model.predict_proba(pictures)
    assert np.abs(P - P_ref).max() < 1e-5
    assert P.std() > 1e-3  # the pictures are told apart, so the comparison means something
