"""engine.norm: BatchNorm and BatchNorm2D against finite differences, the plain reference, PyTorch,
and model files (the running statistics are state: saved, read back exactly, never optimised)."""

import io
import json

import numpy as np
import pytest

from engine import ModelFileError, Network, optimizers, reference
from engine.conv import Conv2D, Flatten, MaxPool2D
from engine.gradcheck import numeric_gradient, relative_error
from engine.layers import LAYER_TYPES, Activation, Dense
from engine.losses import cost_from_logits
from engine.norm import BatchNorm, BatchNorm2D
from engine.training import fit

RTOL = 1e-7


def _bn(cls, C, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layer = cls(C, dtype=dtype)
    layer.gamma[...] = rng.uniform(0.5, 1.5, layer.gamma.shape)
    layer.beta[...] = rng.standard_normal(layer.beta.shape)
    return layer


@pytest.mark.parametrize("cls, shape", [(BatchNorm, (5, 4)), (BatchNorm2D, (3, 4, 5, 3))])
def test_batchnorm_backward_matches_finite_differences(cls, shape):
    # J = (1/m) Σ(A ⊙ R) in training mode, so dA = R per example; the batch's μ and σ² move with
    # every input, which the finite differences of dA_prev see.
    rng = np.random.default_rng(1)
    A_prev = rng.standard_normal(shape) * 2 + 1
    layer = _bn(cls, shape[-1])
    R = rng.standard_normal(shape)
    m = shape[0]

    def J():
        return float(np.sum(layer.forward(A_prev, training=True) * R)) / m

    layer.forward(A_prev, training=True)
    dA_prev = layer.backward(R.copy())
    for name, analytic in zip(layer.param_names, layer.grads()):
        assert relative_error(analytic.copy(), numeric_gradient(J, getattr(layer, name))) < RTOL, name
    assert relative_error(dA_prev / m, numeric_gradient(J, A_prev)) < RTOL


def test_batchnorm_training_output_has_mean_beta_and_std_gamma_per_channel():
    rng = np.random.default_rng(2)
    A_prev = rng.standard_normal((6, 5, 4, 3)) * [1, 5, 0.1] + [3, -2, 10]
    layer = _bn(BatchNorm2D, 3)
    A = layer.forward(A_prev, training=True).reshape(-1, 3)
    np.testing.assert_allclose(A.mean(axis=0), layer.beta[0], atol=1e-12)
    np.testing.assert_allclose(A.std(axis=0), layer.gamma[0] * np.sqrt(A_prev.reshape(-1, 3).var(axis=0) /
                                                                        (A_prev.reshape(-1, 3).var(axis=0) + 1e-5)),
                               rtol=1e-10)


def test_inference_uses_the_running_statistics_which_training_moves_by_the_momentum():
    rng = np.random.default_rng(3)
    layer = _bn(BatchNorm, 2)
    A1, A2 = rng.standard_normal((8, 2)) + 4, rng.standard_normal((8, 2)) - 1
    layer.forward(A1, training=True)
    layer.forward(A2, training=True)
    beta_avg = layer.momentum
    mean = beta_avg * (beta_avg * 0 + (1 - beta_avg) * A1.mean(0)) + (1 - beta_avg) * A2.mean(0)
    var = beta_avg * (beta_avg * 1 + (1 - beta_avg) * A1.var(0, ddof=1)) + (1 - beta_avg) * A2.var(0, ddof=1)
    np.testing.assert_allclose(layer.running_mean[0], mean, rtol=1e-12)
    np.testing.assert_allclose(layer.running_var[0], var, rtol=1e-12)
    X = rng.standard_normal((3, 2))
    expected = reference.batchnorm_inference(X, layer.gamma, layer.beta, layer.running_mean, layer.running_var)
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-12)
    # Inference leaves the running statistics alone, and one example is fine.
    before = layer.running_var.copy()
    layer.forward(X[:1])
    np.testing.assert_array_equal(layer.running_var, before)


def test_backward_after_an_inference_pass_is_the_fixed_affine_map():
    # Grad-CAM walks back from an inference pass: there μ and σ² are constants.
    rng = np.random.default_rng(4)
    layer = _bn(BatchNorm2D, 3)
    layer.running_mean[...] = rng.standard_normal((1, 3))
    layer.running_var[...] = rng.uniform(0.5, 2, (1, 3))
    A_prev, R = rng.standard_normal((2, 3, 3, 3)), rng.standard_normal((2, 3, 3, 3))

    def J():
        return float(np.sum(layer.forward(A_prev) * R)) / 2

    layer.forward(A_prev)
    dA_prev = layer.backward(R.copy())
    assert relative_error(dA_prev / 2, numeric_gradient(J, A_prev)) < RTOL
    assert relative_error(layer.dgamma.copy(), numeric_gradient(J, layer.gamma)) < RTOL


@pytest.mark.parametrize("shape", [(4, 6), (3, 5, 4, 2)])
def test_batchnorm_is_the_plain_reference(shape):
    rng = np.random.default_rng(5)
    A_prev, dA = rng.standard_normal(shape) * 3 + 1, rng.standard_normal(shape)
    layer = _bn(BatchNorm if len(shape) == 2 else BatchNorm2D, shape[-1])
    A_ref, x_hat, var = reference.batchnorm_forward(A_prev, layer.gamma, layer.beta)
    np.testing.assert_allclose(layer.forward(A_prev, training=True), A_ref, rtol=1e-12, atol=1e-12)
    dA_prev_ref, dgamma, dbeta = reference.batchnorm_backward(dA, x_hat, var, layer.gamma)
    np.testing.assert_allclose(layer.backward(dA), dA_prev_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.dgamma, dgamma, rtol=1e-12)
    np.testing.assert_allclose(layer.dbeta, dbeta, rtol=1e-12)


def test_batchnorm_matches_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; the reference comparison still runs")
    rng = np.random.default_rng(6)
    A_prev, R = rng.standard_normal((3, 4, 5, 2)) + 2, rng.standard_normal((3, 4, 5, 2))
    layer = _bn(BatchNorm2D, 2)
    bn = torch.nn.BatchNorm2d(2, eps=1e-5, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        bn.weight[:] = torch.tensor(layer.gamma[0])
        bn.bias[:] = torch.tensor(layer.beta[0])
    A_t = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    out = bn(A_t)
    (out * torch.tensor(R.transpose(0, 3, 1, 2))).sum().div(3).backward()
    np.testing.assert_allclose(layer.forward(A_prev, training=True), out.detach().numpy().transpose(0, 2, 3, 1),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.backward(R) / 3, A_t.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(layer.dgamma[0], bn.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.running_mean[0], bn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var[0], bn.running_var.numpy(), rtol=1e-12)


def _bn_conv_net(seed=7, dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers = [Conv2D.initialized(3, 2, 3, 1.0, rng, dtype), BatchNorm2D(3, dtype=dtype), Activation("relu"),
              MaxPool2D(), Flatten(), Dense.initialized(12, 4, 1.0, rng, dtype), BatchNorm(4, dtype=dtype),
              Activation("tanh"), Dense.initialized(4, 1, 1.0, rng, dtype)]
    layers[1].gamma[...] = rng.uniform(0.5, 1.5, (1, 3))
    layers[6].beta[...] = rng.standard_normal((1, 4))
    return Network.from_layers(layers, (4, 4, 2), l2=0.1, dtype=dtype)


def test_batchnorm_inside_a_conv_net_backward_matches_finite_differences():
    net = _bn_conv_net()
    rng = np.random.default_rng(8)
    X, y = rng.standard_normal((5, 4, 4, 2)), np.array([1.0, 0.0, 1.0, 1.0, 0.0])

    def J():  # the training-mode cost: each batch normalised by its own statistics
        W2 = sum(float(np.sum(layer.W ** 2)) for layer in net.weighted)
        return cost_from_logits(y.reshape(-1, 1), net.logits(X, training=True)) + net.l2 / (2 * len(X)) * W2

    net.backprop(X, y)
    analytic = np.concatenate([g.ravel() for g in net.grads()])
    numeric = np.concatenate([numeric_gradient(J, p).ravel() for p in net.parameters()])
    # All together: the convolution's bias before BatchNorm has gradient 0 (μ takes it away), where
    # a relative error of its own would compare two rounding errors.
    assert relative_error(analytic, numeric) < RTOL
    assert np.abs(net.layers[0].db).max() < 1e-12


def test_the_optimizer_sees_gamma_and_beta_but_never_the_running_statistics():
    net = _bn_conv_net()
    params = net.parameters()
    bn = net.layers[1]
    assert any(p is bn.gamma for p in params) and any(p is bn.beta for p in params)
    assert not any(p is bn.running_mean or p is bn.running_var for p in params)
    assert bn not in net.weighted  # no L2 on γ


def test_a_conv_net_with_batchnorm_trains():
    # Orange-left vs orange-right pictures, standardised: the net must learn a spatial pattern.
    rng = np.random.default_rng(9)
    m = 64
    X = rng.standard_normal((m, 4, 4, 2)) * 0.5
    y = (rng.random(m) < 0.5).astype(float)
    X[y == 1, :, :2, 0] += 1.5
    X[y == 0, :, 2:, 0] += 1.5
    net = _bn_conv_net(seed=10)
    records = list(fit(net, X, y, optimizers.Adam(0.02), epochs=30, batch_size=16, seed=0))
    assert records[-1].train_cost < 0.3 * records[0].train_cost
    assert net.accuracy(X, y) >= 0.95
    assert not np.allclose(net.layers[1].running_mean, 0)


def test_running_statistics_are_saved_in_the_model_file_and_read_back_exactly():
    net = _bn_conv_net(dtype=np.float32)
    rng = np.random.default_rng(11)
    X = rng.standard_normal((6, 4, 4, 2)).astype(np.float32)
    for _ in range(3):
        net.backprop(X * rng.uniform(0.5, 2), np.ones(6))
    loaded = Network.load(net.to_bytes())
    for a, b in zip(net.layers, loaded.layers):
        assert a.config() == b.config()
        for s, t in zip(a.state(), b.state()):
            np.testing.assert_array_equal(s, t)
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


def _file_with(change) -> bytes:
    """The BatchNorm net's model file with one entry replaced by change(name, array) (None: removed)."""
    net = _bn_conv_net(dtype=np.float32)
    with np.load(io.BytesIO(net.to_bytes()), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    out = {}
    for name, a in arrays.items():
        new = change(name, a)
        if new is not None:
            out[name] = new
    buf = io.BytesIO()
    np.savez(buf, **out)
    return buf.getvalue()


@pytest.mark.parametrize("change, match", [
    (lambda n, a: -np.abs(a) - 1 if n == "L1.running_var" else a, "negative"),
    (lambda n, a: np.full_like(a, np.nan) if n == "L1.running_mean" else a, "NaN"),
    (lambda n, a: np.full_like(a, np.inf) if n == "L6.running_var" else a, "NaN or infinite"),
    (lambda n, a: np.ones((1, 5), a.dtype) if n == "L1.running_var" else a, "shape"),
    (lambda n, a: np.ones((3,), a.dtype) if n == "L6.gamma" else a, "shape"),
    (lambda n, a: a.astype(np.int32) if n == "L1.running_mean" else a, "real numbers"),
    (lambda n, a: None if n == "L1.running_var" else a, "missing"),
])
def test_hostile_batchnorm_state_is_refused(change, match):
    with pytest.raises(ModelFileError, match=match):
        Network.load(_file_with(change))


@pytest.mark.parametrize("config, match", [
    ({"momentum": 1.0}, "momentum"), ({"momentum": -0.1}, "momentum"), ({"momentum": "0.9"}, "momentum"),
    ({"eps": 0}, "ε"), ({"eps": -1e-5}, "ε"), ({"eps": 1e300}, "ε"), ({"eps": True}, "ε"),
])
def test_hostile_batchnorm_configs_are_refused(config, match):
    def change(name, a):
        if name != "meta":
            return a
        meta = json.loads(str(a))
        meta["layers"][1].update(config)
        return np.array(json.dumps(meta))

    with pytest.raises(ModelFileError, match=match):
        Network.load(_file_with(change))


def test_a_batchnorm_of_the_wrong_kind_for_its_input_is_refused():
    def change(name, a):
        if name != "meta":
            return a
        meta = json.loads(str(a))
        meta["layers"][1]["type"] = "BatchNorm"  # rows, but the convolution gives pictures
        return np.array(json.dumps(meta))

    with pytest.raises(ModelFileError, match="Layer 2 .BatchNorm. is invalid"):
        Network.load(_file_with(change))


def test_batchnorm_configs_round_trip_and_name_their_type():
    for layer, shape in ((BatchNorm(5, momentum=0.8, eps=1e-3), (5,)), (BatchNorm2D(3), (4, 4, 3))):
        config = json.loads(json.dumps(layer.config()))
        assert LAYER_TYPES[config["type"]] is type(layer)
        rebuilt = type(layer).from_config(config, shape, np.float32)
        assert rebuilt.config() == layer.config() and rebuilt.output_shape(shape) == shape
        assert type(layer).state_shapes(config, shape) == {"running_mean": (1, shape[-1]),
                                                           "running_var": (1, shape[-1])}
    with pytest.raises(ValueError, match=r"shape \(m, H, W, 4\)"):
        BatchNorm2D(4).forward(np.zeros((2, 3, 3, 5)))


def test_float32_stays_float32_through_batchnorm():
    layer = _bn(BatchNorm2D, 3, dtype=np.float32)
    A = np.random.default_rng(12).standard_normal((2, 4, 4, 3)).astype(np.float32)
    assert layer.forward(A, training=True).dtype == np.float32
    assert layer.backward(np.ones_like(A)).dtype == np.float32
    assert layer.running_var.dtype == layer.dgamma.dtype == np.float32
