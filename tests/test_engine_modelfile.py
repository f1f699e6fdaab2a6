"""Model files: format 2 (a list of layers), format 1 still read, and hostile files refused cheaply.

Every hostile file is generated here, small: what it *claims* is huge, and the reader must refuse
it from the zip directory, the .npy headers or the metadata before allocating or decompressing.
"""

import io
import json
import resource
import time
import zipfile

import numpy as np
import pytest

from engine import ModelFileError, Network
from engine.layers import Activation, Dense


def _npz(meta: dict | str, **arrays) -> bytes:
    buf = io.BytesIO()
    text = meta if isinstance(meta, str) else json.dumps(meta)
    np.savez(buf, meta=np.array(text), **arrays)
    return buf.getvalue()


def _v1_file(net: Network, **changes) -> bytes:
    """A file exactly as format 1 wrote it: layer_sizes + activation, arrays W0, b0, W1, …"""
    meta = {"format": "neuronlab-network", "version": 1, "layer_sizes": net.layer_sizes,
            "activation": net.activation_names, "l2": net.l2, "dtype": net.dtype.name,
            "metadata": {"kind": "v1"}} | changes
    arrays = {f"W{l}": W for l, W in enumerate(net.weights)} | {f"b{l}": b for l, b in enumerate(net.biases)}
    return _npz(meta, **arrays)


def _refused_quickly(payload: bytes, match: str, **limits) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match):
        Network.load(payload, **limits)
    assert time.perf_counter() - start < 1.0  # generous for a loaded CI machine; typical ≪ 0.1 s
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50


def test_format_2_lists_every_layer():
    net = Network([3, 4, 1], activation="relu", seed=0)
    with zipfile.ZipFile(io.BytesIO(net.to_bytes())) as z:
        names = sorted(z.namelist())
        meta = json.loads(str(np.load(z.open("meta.npy"), allow_pickle=False)))
    assert names == ["L0.W.npy", "L0.b.npy", "L2.W.npy", "L2.b.npy", "meta.npy"]
    assert meta["version"] == 2 and meta["input_shape"] == [3]
    assert meta["layers"] == [{"type": "Dense", "units": 4}, {"type": "Activation", "name": "relu"},
                              {"type": "Dense", "units": 1}]


def test_format_1_files_still_load_exactly():
    net = Network([4, 5, 3, 1], activation=["tanh", "relu"], l2=0.5, seed=2)
    loaded, meta = Network.load_with_metadata(_v1_file(net))
    assert meta == {"kind": "v1"}
    assert loaded.layer_sizes == [4, 5, 3, 1] and loaded.activation_names == ["tanh", "relu"]
    assert loaded.l2 == 0.5
    X = np.random.default_rng(0).normal(size=(6, 4))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


def test_a_stack_built_from_layers_round_trips():
    rng = np.random.default_rng(0)
    layers = [Dense.initialized(2, 3, 1.0, rng, np.float32), Activation("tanh"),
              Dense.initialized(3, 1, 1.0, rng, np.float32)]
    net = Network.from_layers(layers, (2,), l2=0.1, dtype=np.float32)
    loaded = Network.load(net.to_bytes())
    assert loaded.dtype == np.float32 and loaded.layer_sizes == [2, 3, 1]
    for a, b in zip(net.parameters(), loaded.parameters()):
        np.testing.assert_array_equal(a, b)


def test_the_bundled_format_1_models_still_load():
    from engine.pets import models
    for name in ("logistic", "mlp"):
        assert models.load_bundled(name).net.layer_sizes[0] == 64 * 64 * 3


META2 = {"format": "neuronlab-network", "version": 2, "input_shape": [2], "l2": 0.0, "dtype": "float64",
         "layers": [{"type": "Dense", "units": 1}]}


@pytest.mark.parametrize("sizes", [[20000, 20000, 1], [10 ** 9, 1], [100000, 100000, 1]])
def test_huge_described_networks_are_refused_before_allocating(sizes):
    net = Network([2, 1])
    meta = {"format": "neuronlab-network", "version": 1, "layer_sizes": sizes, "activation": ["relu"] *
            (len(sizes) - 2), "l2": 0.0, "dtype": "float64"}
    _refused_quickly(_npz(meta, W0=net.weights[0], b0=net.biases[0]), "parameters|units|whole numbers")


def test_huge_v2_layers_are_refused_before_allocating():
    meta = META2 | {"input_shape": [20000], "layers": [{"type": "Dense", "units": 20000},
                                                       {"type": "Dense", "units": 1}]}
    _refused_quickly(_npz(meta), "parameters")


def test_max_units_limits_every_layer():
    payload = Network([3, 40, 1]).to_bytes()
    _refused_quickly(payload, "at most 32", max_units=32)
    assert Network.load(payload).layer_sizes == [3, 40, 1]


def _with_member(payload: bytes, name: str, data: bytes, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO(payload)
    with zipfile.ZipFile(buf, "a", compression=method) as z:
        z.writestr(name, data)
    return buf.getvalue()


def test_a_deflate_bomb_member_is_refused_from_the_zip_directory():
    bomb = _with_member(Network([2, 1]).to_bytes(), "unused.npy", bytes(200_000_000))
    assert len(bomb) < 1_000_000
    _refused_quickly(bomb, "unpack to")


def test_a_bzip2_bomb_member_is_refused_too():
    bomb = _with_member(Network([2, 1]).to_bytes(), "x.npy", bytes(100_000_000), zipfile.ZIP_BZIP2)
    _refused_quickly(bomb, "unpack to")


def test_too_many_members_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(300):
            z.writestr(f"a{i}.npy", b"")
    _refused_quickly(buf.getvalue(), "entries")


@pytest.mark.parametrize("change, match", [
    ({"version": "2"}, "version must be a whole number"),
    ({"version": True}, "version must be a whole number"),
    ({"version": 99}, "newer"),
    ({"l2": 1e400}, "l2"),
    ({"dtype": "complex128"}, "dtype"),
    ({"input_shape": "2"}, "input_shape"),
    ({"layers": [{"type": "Pickle"}]}, "unknown type"),
    ({"layers": [{"type": "Dense", "units": -1}]}, "units"),
    ({"layers": [{"type": "Dense", "units": True}]}, "units"),
])
def test_bad_metadata_gets_our_own_message(change, match):
    arrays = {"L0.W": np.zeros((1, 2)), "L0.b": np.zeros((1, 1))}
    _refused_quickly(_npz(META2 | change, **arrays), match)


def test_deeply_nested_metadata_is_refused_before_parsing():
    text = json.dumps(META2)[:-1] + ', "metadata": ' + "[" * 1000 + "]" * 1000 + "}"
    _refused_quickly(_npz(text), "nested too deeply")


@pytest.mark.parametrize("bad", [
    np.zeros((1, 2), dtype=np.complex128), np.zeros((1, 2), dtype=np.int64),
    np.zeros((1, 2), dtype=bool), np.zeros((1, 2), dtype="datetime64[D]"),
])
def test_only_real_float_arrays_are_accepted_as_weights(bad):
    _refused_quickly(_npz(META2, **{"L0.W": bad, "L0.b": np.zeros((1, 1))}), "real numbers")


def test_an_array_header_claiming_a_huge_shape_is_refused_before_reading():
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                   "shape": (100000, 100000)})
    # The header alone (magic, dtype, shape) says 80 GB; no data follows.
    payload = _with_member(_npz(META2, **{"L0.b": np.zeros((1, 1))}), "L0.W.npy", header.getvalue())
    _refused_quickly(payload, r"has shape \(100000, 100000\); this network needs \(1, 2\)")


def test_a_file_that_is_not_a_model_gets_our_message_not_numpys():
    with pytest.raises(ModelFileError) as info:
        Network.load(b"PK\x03\x04 this is not really a zip")
    assert "allow_pickle" not in str(info.value) and "not a Neuron Lab model" in str(info.value)
