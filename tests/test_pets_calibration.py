"""engine.pets.calibration and its use by PetModel: ECE, temperature scaling fitted on validation and
saved in the model file, the unsure band, and "unsure" for pictures far from anything seen."""

import io
import json

import numpy as np
import pytest

from engine import activations
from engine.errors import ModelFileError
from engine.pets import calibration, nonpets
from engine.pets.data import load
from engine.pets.models import NOVEL, PetModel, Standardizer, verdict
from engine.pets.training import TrainConfig, train
from tests.photos import photo_folder


def test_ece_is_the_count_weighted_gap_per_bin():
    # Bin 0.8–0.9: four photos at P(dog) 0.85, three dogs (share 0.75): gap 0.10.
    # Bin 0.1–0.2: one photo at 0.15, a cat (share 0): gap 0.15.
    y = np.array([1, 1, 1, 0, 0])
    p = np.array([0.85, 0.85, 0.85, 0.85, 0.15])
    table = calibration.reliability(y, p)
    assert table.count[8] == 4 and table.count[1] == 1 and table.count.sum() == 5
    assert table.share_dogs[8] == pytest.approx(0.75)
    assert calibration.ece(y, p) == pytest.approx(4 / 5 * 0.10 + 1 / 5 * 0.15)
    assert calibration.ece([1, 0], [1.0, 0.0]) == 0.0  # p = 1 falls in the last bin


def test_temperature_scaling_recovers_the_overconfidence_it_was_given():
    rng = np.random.default_rng(0)
    z_true = rng.normal(0, 2, 4000)
    y = (rng.random(4000) < activations.sigmoid(z_true)).astype(int)
    z = 3.0 * z_true  # a network three times too sure of itself
    T = calibration.fit_temperature(y, z)
    assert T == pytest.approx(3.0, rel=0.1)
    before, after = calibration.probability(z), calibration.probability(z, T)
    assert calibration.ece(y, after) < calibration.ece(y, before) / 3
    assert calibration.nll(y, after) < calibration.nll(y, before)
    # Dividing by T > 0 never reorders the photos, so the accuracy at 0.5 is the same.
    np.testing.assert_array_equal(after >= 0.5, before >= 0.5)


def test_temperature_with_mirror_images_averages_the_two_calibrated_probabilities():
    z, z_m = np.array([2.0, -1.0]), np.array([1.0, -3.0])
    p = calibration.probability(z, 2.0, z_m)
    np.testing.assert_allclose(p, (activations.sigmoid(z / 2) + activations.sigmoid(z_m / 2)) / 2)


def test_the_unsure_band_is_the_narrowest_with_ninety_percent_right_outside_it():
    # Far from 0.5 always right; near 0.5 always wrong: the band must cover enough of those.
    near = np.linspace(0.41, 0.59, 20)
    p = np.r_[np.linspace(0.9, 1.0, 45), np.linspace(0.0, 0.1, 45), near]
    y = np.r_[np.ones(45), np.zeros(45), near < 0.5].astype(int)
    h = calibration.choose_band(y, p)
    accuracy, share = calibration.band_accuracy(y, p, h)
    assert accuracy >= 0.9
    assert calibration.band_accuracy(y, p, round(h - 0.01, 10))[0] < 0.9
    assert 0.0 < h <= 0.1
    assert share == pytest.approx(np.mean(np.abs(p - 0.5) >= h))


def test_novelty_is_the_largest_scaled_mahalanobis_distance_to_the_nearer_class():
    rng = np.random.default_rng(1)
    y = np.r_[np.zeros(200), np.ones(200)].astype(int)
    F = np.r_[rng.normal(0, 1, (200, 3)), rng.normal(0, 1, (200, 3)) + [4, 0, 0]]
    G = rng.normal(0, 2, (400, 2)) + y[:, None] * [0, 5]  # a second layer's features
    train, val = slice(0, None, 2), slice(1, None, 2)
    novelty = calibration.Novelty.fit([(0, "values"), (3, "moments")], [F[train], G[train]], y[train],
                                      [F[val], G[val]])
    part = novelty.parts[0]
    assert 0.03 < np.mean(part.distance(F[val]) > part.scale) < 0.08  # scale: 95 % of the validation pets
    assert np.mean(novelty.is_novel([F[val], G[val]])) == pytest.approx(0.05, abs=0.011)
    # Far in either layer is far: a photo need only be strange in one of them.
    odd = novelty.is_novel([np.array([[2.0, 30.0, 0.0], [0.0, 0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 60.0]])])
    assert odd.tolist() == [True, True]
    assert part.distance(np.array([[4.0, 3.0, 0.0]]))[0] == pytest.approx(9.0, rel=0.15)  # 3 σ from the dogs
    again = calibration.Novelty.from_dict(json.loads(json.dumps(novelty.to_dict())), novelty.spec, [3, 2])
    np.testing.assert_allclose(again.score([F[:5], G[:5]]), novelty.score([F[:5], G[:5]]), rtol=1e-5)
    with pytest.raises(ValueError, match="reads layers"):
        calibration.Novelty.from_dict(novelty.to_dict(), [(1, "values"), (3, "moments")], [3, 2])


def test_a_novel_picture_is_unsure_whatever_its_probability():
    assert verdict(0.99, (0.3, 0.7), novel=True) == NOVEL
    assert verdict(0.99, (0.3, 0.7)) == "dog" and verdict(0.6, (0.3, 0.7)) == "unsure, leans dog"


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """A small MLP trained with calibrate=True on generated orange cats and blue dogs, and its file."""
    root = photo_folder(tmp_path_factory.mktemp("pets"), n_train=40, n_test=10)
    data = load(root, size=16, cache_dir=tmp_path_factory.mktemp("cache"))
    config = TrainConfig(kind="mlp", hidden=(8,), learning_rate=3e-3, l2=0.0, epochs=15, batch_size=16,
                         patience=100, val_fraction=0.25, flip=False, refit=False, calibrate=True, seed=1)
    model = None
    for model, record in train(data, config):
        if record is None:
            break
    return model, data, model.to_bytes()


def test_training_fits_the_temperature_band_and_novelty_on_validation_and_saves_them(calibrated):
    model, data, file = calibrated
    meta = model.metadata
    assert meta["calibration"]["fitted_on"] == "validation split (20 photos)"
    assert 0.05 <= model.temperature <= 20 and model.temperature != 1.0
    low, high = model.unsure_band
    assert low == pytest.approx(1 - high) and low <= 0.5 <= high
    assert meta["unsure_band_validation"]["accuracy_outside"] >= 0.9
    assert meta["novelty"]["share_flagged_validation"] <= 0.1
    assert {"test_reliability_before", "test_reliability_after", "unsure_band_test"} <= set(meta)
    loaded = PetModel.load(file)
    assert loaded.temperature == model.temperature and loaded.unsure_band == model.unsure_band
    for a, b in zip(loaded.novelty.parts, model.novelty.parts):
        np.testing.assert_allclose(a.precision, b.precision, rtol=1e-6)


def test_predict_proba_is_the_network_divided_by_the_saved_temperature(calibrated):
    model, data, file = calibrated
    loaded = PetModel.load(file)
    pictures = data.images_test[:6]
    z = loaded.net.logits(loaded.features(pictures))[:, 0].astype(np.float64)
    np.testing.assert_allclose(loaded.predict_proba(pictures), activations.sigmoid(z / loaded.temperature),
                               rtol=1e-6)
    np.testing.assert_allclose(loaded.predict_proba(pictures, calibrated=False), activations.sigmoid(z), rtol=1e-6)


def test_pictures_with_no_animal_are_called_unsure(calibrated):
    model, data, _ = calibrated
    pets = model.assess(data.images_test)
    from engine import images
    others = model.assess(np.stack([images.decode(nonpets.as_png(pic), 16) for _, pic in nonpets.generate(2)]))
    assert np.mean([a.novel for a in others]) > 0.8
    assert np.mean([a.novel for a in pets]) < 0.2
    assert all(a.verdict == NOVEL for a in others if a.novel)


def _with_metadata(file: bytes, change) -> bytes:
    with np.load(io.BytesIO(file), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["meta"]))
    change(meta["metadata"])
    arrays["meta"] = np.array(json.dumps(meta))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@pytest.mark.parametrize("change, match", [
    (lambda m: m["calibration"].update(temperature=-1.0), "temperature"),
    (lambda m: m["calibration"].update(temperature="2"), "temperature"),
    (lambda m: m["calibration"].update(temperature=1e9), "temperature"),
    (lambda m: m.update(unsure_band=[0.7, 0.3]), "unsure band"),
    (lambda m: m.update(unsure_band=[0.2]), "unsure band"),
    (lambda m: m["novelty"]["parts"][0].update(means=[[0.0] * 3] * 2), "shapes"),
    (lambda m: m["novelty"]["parts"][0].update(layer=5), "reads layers"),
    (lambda m: m["novelty"]["parts"][0].update(scale=float("nan")), "finite"),
    (lambda m: m["novelty"].update(threshold=-1), "threshold"),
    (lambda m: m["novelty"].update(threshold=None), "calibration"),
])
def test_a_model_file_with_broken_calibration_is_refused(calibrated, change, match):
    with pytest.raises(ModelFileError, match=match):
        PetModel.load(_with_metadata(calibrated[2], change))


def test_an_uncalibrated_model_keeps_temperature_one_and_the_default_band():
    rng = np.random.default_rng(2)
    model = PetModel.new("mlp", 8, "rgb", Standardizer(np.zeros(3), np.ones(3)), [4])
    assert model.temperature == 1.0 and model.unsure_band == (0.35, 0.65) and model.novelty is None
    said = model.assess(rng.random((3, 8, 8, 3)))
    assert [a.novel for a in said] == [False] * 3
