"""engine.pets.models / metrics / training: bundled models, standardisation, w ⊙ x̃, scores."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from engine import Network, activations
from engine.errors import ModelFileError
from engine.pets import metrics
from engine.pets.models import BUNDLED, PetModel, Standardizer, load_bundled, verdict
from engine.pets.training import augmenter


def photo_bytes(colour=(200, 120, 40), size=(120, 90)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_bundled_model_loads_without_pickle_and_records_its_provenance(name):
    with np.load(BUNDLED[name], allow_pickle=False) as f:  # raises if anything needs unpickling
        meta = json.loads(str(f["meta"]))["metadata"]
        assert all(f[k].dtype == np.float32 for k in f.files if k != "meta")
    for key in ("input_size", "colour", "normalisation", "train_accuracy", "test_accuracy",
                "data", "date", "n_train", "n_test"):
        assert key in meta, key
    assert meta["input_size"] == 64 and meta["colour"] == "rgb"
    assert BUNDLED[name].stat().st_size < 5_000_000
    model = load_bundled(name)
    assert model.kind == name and int(np.prod(model.net.input_shape)) == 12288
    assert 0.5 < model.metadata["test_accuracy"] <= 1.0


def test_bundled_logistic_regression_is_a_single_neuron():
    assert load_bundled("logistic").net.layer_sizes == [12288, 1]


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_predict_bytes_gives_a_probability(name):
    p = load_bundled(name).predict_bytes(photo_bytes())
    assert 0.0 < p < 1.0


def test_standardizer_makes_each_channel_mean_0_std_1():
    rng = np.random.default_rng(0)
    pics = rng.uniform(0, 1, (10, 4, 4, 3)) * [1.0, 0.5, 0.2] + [0, 0.3, 0.6]
    s = Standardizer.fit(pics)
    X = s.transform(pics).reshape(-1, 3)
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-4)
    # uint8 pictures standardise like the same pictures in [0, 1].
    u8 = np.round(pics * 255).astype(np.uint8)
    np.testing.assert_allclose(s.transform(u8), s.transform(u8 / 255.0), atol=1e-5)


def test_model_file_round_trip_keeps_normalisation_and_predictions(tmp_path):
    rng = np.random.default_rng(1)
    pics = rng.uniform(0, 1, (5, 8, 8, 1)).astype(np.float32)
    model = PetModel.new("mlp", 8, "grey", Standardizer.fit(pics), hidden=[4], seed=3)
    path = tmp_path / "m.npz"
    model.save(path)
    again = PetModel.load(path)
    assert (again.size, again.colour, again.kind) == (8, "grey", "mlp")
    np.testing.assert_allclose(again.predict_proba(pics), model.predict_proba(pics), rtol=1e-6)


def test_a_plain_network_file_is_refused_as_a_pet_model(tmp_path):
    Network([12, 1]).save(tmp_path / "plain.npz")
    with pytest.raises(ModelFileError, match="not a cats-vs-dogs model"):
        PetModel.load(tmp_path / "plain.npz")


def test_contributions_sum_with_bias_to_the_logit():
    model = load_bundled("logistic")
    pic = model.picture(photo_bytes((90, 60, 30)))
    contrib, b = model.contributions(pic)
    assert contrib.shape == (64, 64, 3)
    z = contrib.sum() + b
    assert float(activations.sigmoid(np.array(z))) == pytest.approx(model.predict_proba(pic[None])[0], rel=1e-4)


def test_logistic_weights_only_exist_for_logistic_regression():
    assert load_bundled("logistic").logistic_weights().shape == (64, 64, 3)
    with pytest.raises(ValueError, match="Only a logistic-regression"):
        load_bundled("mlp").logistic_weights()


def test_metrics_agree_with_scikit_learn():
    from sklearn import metrics as sk

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = np.clip(0.3 * y + rng.uniform(0, 0.7, 200), 0, 1)
    p[:20] = np.round(p[:20], 1)  # some ties
    fpr, tpr, _ = metrics.roc_curve(y, p)
    assert metrics.auc(fpr, tpr) == pytest.approx(sk.roc_auc_score(y, p))
    np.testing.assert_array_equal(metrics.confusion_matrix(y, p), sk.confusion_matrix(y, p >= 0.5))
    assert metrics.accuracy(y, p) == pytest.approx(sk.accuracy_score(y, p >= 0.5))


def test_most_confident_mistakes_come_first():
    y = np.array([0, 1, 0, 1, 0])
    p = np.array([0.9, 0.2, 0.6, 0.95, 0.1])
    np.testing.assert_array_equal(metrics.most_confident_mistakes(y, p), [0, 1, 2])


def _tiny_cnn(mirror_average=False) -> tuple[PetModel, np.ndarray]:
    pics = np.random.default_rng(0).random((5, 16, 16, 3)).astype(np.float32)
    model = PetModel.new("cnn", 16, "rgb", Standardizer.fit(pics), hidden=[4, 8], dense=6, seed=1)
    model.metadata["mirror_average"] = mirror_average
    return model, pics


def test_the_conv_net_takes_pictures_and_round_trips_through_a_file():
    model, pics = _tiny_cnn()
    assert model.kind == "cnn" and model.features(pics).shape == (5, 16, 16, 3)
    assert model.net.input_shape == (16, 16, 3)
    loaded = PetModel.load(model.to_bytes())
    assert loaded.kind == "cnn"
    np.testing.assert_array_equal(loaded.predict_proba(pics), model.predict_proba(pics))


def test_mirror_average_is_the_mean_over_a_photo_and_its_mirror_image():
    model, pics = _tiny_cnn()
    plain, mirrored = model.predict_proba(pics), model.predict_proba(pics[:, :, ::-1])
    model.metadata["mirror_average"] = True
    np.testing.assert_allclose(model.predict_proba(pics), (plain + mirrored) / 2, rtol=1e-6)


def test_augmenter_mirrors_and_shifts_each_picture_within_its_edge_padded_frame():
    X = np.arange(2 * 6 * 6 * 1, dtype=np.float32).reshape(2, 6, 6, 1)
    rng = np.random.default_rng(3)
    plain = augmenter(0)(X, rng)
    for out, x in zip(plain, X):
        assert np.array_equal(out, x) or np.array_equal(out, x[:, ::-1])
    shifted = augmenter(2)(X, np.random.default_rng(4))
    assert shifted.shape == X.shape
    for out, x in zip(shifted, X):
        frames = [np.pad(v, ((2, 2), (2, 2), (0, 0)), mode="edge") for v in (x, x[:, ::-1])]
        assert any(np.array_equal(out, f[dy:dy + 6, dx:dx + 6]) for f in frames for dy in range(5) for dx in range(5))


@pytest.mark.parametrize("p, expected", [(0.9, "dog"), (0.65, "dog"), (0.6, "unsure, leans dog"),
                                         (0.5, "unsure, leans dog"), (0.45, "unsure, leans cat"),
                                         (0.35, "cat"), (0.02, "cat")])
def test_verdicts_carry_an_unsure_band_around_one_half(p, expected):
    assert verdict(p) == expected
