"""lessons.transfer: the frozen features of the bundled conv net, a new softmax head that tells generated
pictures of three kinds apart, the bundled model left untouched, and the exported model."""

import numpy as np
import pytest

from engine import images
from engine.conv import Conv2D, Flatten
from engine.layers import Dense
from engine.pets.models import PetModel, Standardizer, load_bundled
from lessons import transfer


@pytest.fixture(scope="module")
def backbone():
    return transfer.Backbone(load_bundled("cnn"))


@pytest.fixture(scope="module")
def three_kinds():
    """20 generated pictures of each kind, decoded as an upload is."""
    photos = [(k, data) for k, kind in enumerate(transfer.KINDS) for data in transfer.sample_photos(kind, 20, seed=0)]
    pictures = np.stack([images.decode(data, 64, "rgb") for _, data in photos])
    return pictures, np.array([k for k, _ in photos])


def _train(backbone, pictures, y, **settings):
    run = transfer.OwnClasses.start(backbone, pictures, y, list(transfer.KINDS), transfer.Settings(**settings))
    records = list(run.training)
    return run, records


def test_the_cut_is_found_from_the_stack_not_a_fixed_index(backbone):
    layers = backbone.model.net.layers
    assert isinstance(layers[backbone.first_dense], Dense) and isinstance(layers[backbone.first_dense - 2], Flatten)
    assert isinstance(layers[backbone.last_block], Conv2D)
    assert not any(isinstance(layer, Conv2D) for layer in layers[backbone.last_block + 1:])
    # A conv net of another depth cuts at its own places.
    small = PetModel.new("cnn", 32, "rgb", Standardizer(np.zeros(3), np.ones(3)), hidden=[4, 8], seed=0)
    other = transfer.Backbone(small)
    assert (other.last_block, other.shape_at(other.first_dense)) == (3, (8 * 8 * 8,))


def test_the_features_are_the_networks_own_layer_outputs(backbone, three_kinds):
    pictures = three_kinds[0][:5]
    F = backbone.features(pictures, backbone.first_dense)
    X = backbone.model.features(pictures)
    trace = backbone.model.net.trace(X)
    np.testing.assert_allclose(F, trace[backbone.first_dense - 1][1], rtol=1e-6)
    assert F.shape == (5, int(np.prod(backbone.shape_at(backbone.first_dense)))) and F.dtype == np.float32


def test_a_new_head_tells_three_kinds_of_generated_picture_apart_on_held_out_pictures(backbone, three_kinds):
    pictures, y = three_kinds
    run, records = _train(backbone, pictures, y)
    held = run.held_out()
    assert len(held.y) == 12 and sorted(np.bincount(held.y)) == [4, 4, 4]  # 20 % of each class
    assert held.accuracy >= 0.9, held.confusion
    assert records[-1].test_accuracy == pytest.approx(held.accuracy)
    assert held.confusion.sum() == 12 and np.trace(held.confusion) == round(held.accuracy * 12)
    cells = [held.photos_in(t, p) for t in range(3) for p in range(3)]
    assert sorted(r for cell in cells for r in cell) == sorted(held.rows.tolist())
    # The frozen head is Dense(2048 → 3) with softmax; each epoch is one full-batch step on photos + mirrors.
    assert [type(layer) for layer in run.net.layers] == [Dense] and run.net.n_outputs == 3
    assert records[-1].steps == 1 and len(records) == 2 * transfer.Settings().epochs  # a batch and an epoch record


def test_fine_tuning_trains_a_copy_of_the_last_block_and_leaves_the_bundled_net_alone(backbone, three_kinds):
    pictures, y = three_kinds
    before = [p.copy() for p in backbone.model.net.parameters()]
    run, records = _train(backbone, pictures[::2], y[::2], fine_tune=True, epochs=4)
    kinds = [type(layer).__name__ for layer in run.net.layers]
    assert kinds[0] == "Conv2D" and kinds[-1] == "Dense" and "Dropout" not in kinds
    conv = run.net.layers[0]
    original = backbone.model.net.layers[backbone.last_block]
    assert conv is not original and not np.array_equal(conv.W, original.W)  # it learnt, on its own copy
    for p, saved in zip(backbone.model.net.parameters(), before):
        np.testing.assert_array_equal(p, saved)
    assert np.isfinite(records[-1].train_cost)


def test_the_exported_model_predicts_as_the_session_does_and_names_its_classes(backbone, three_kinds):
    pictures, y = three_kinds
    run, _ = _train(backbone, pictures, y, epochs=20)
    model = run.model()
    payload = model.to_bytes()
    loaded = transfer.ClassModel.load(payload)
    assert loaded.names == list(transfer.KINDS) and loaded.net.output.name == "softmax"
    np.testing.assert_allclose(loaded.predict_proba(pictures[:6]), model.predict_proba(pictures[:6]), rtol=1e-6)
    # The whole model agrees with the head on the frozen features (without the mirror average).
    X = model.standardizer.transform(pictures[:6]).reshape(6, 64, 64, 3)
    F = backbone.features(pictures[:6], backbone.first_dense)
    np.testing.assert_allclose(model.net.forward(X), run.net.forward(F), rtol=1e-5, atol=1e-6)
    assert len(payload) < 3_000_000


@pytest.mark.parametrize("y, names, message", [
    ([0] * 5 + [1] * 4, ["a", "b"], r"at least 5 photos; add more to: b \(4\)"),
    ([0] * 5, ["a"], "2 to 5 classes"),
    ([0] * 5 + [1] * 5, ["a", "A"], "name of its own"),
    ([0] * 5 + [1] * 5, ["a", " "], "name of its own"),
])
def test_classes_without_enough_photos_or_names_are_refused(y, names, message):
    with pytest.raises(ValueError, match=message):
        transfer.check_classes(np.array(y), names)


def test_generated_pictures_differ_in_shape_not_in_colour():
    rng = np.random.default_rng(0)
    means = {kind: np.mean([transfer.sample_picture(kind, rng).mean(axis=(0, 1)) for _ in range(30)], axis=0)
             for kind in transfer.KINDS}
    spread = np.ptp(np.array(list(means.values())), axis=0)
    assert spread.max() < 40  # average colours of the kinds within 40 of 255 of each other
