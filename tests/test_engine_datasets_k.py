"""engine.datasets: the k-class and regression sets, and the stratified split."""

import numpy as np
import pytest

from engine import datasets


@pytest.mark.parametrize("name", list(datasets.K_CLASSES))
@pytest.mark.parametrize("k", [3, 5, 6])
def test_k_class_sets_hold_every_class_evenly_and_are_seeded(name, k):
    X, y = datasets.make_classes(name, k, m=301, seed=4)
    assert X.shape == (301, 2) and y.shape == (301,)
    counts = np.bincount(y)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    X2, y2 = datasets.make_classes(name, k, m=301, seed=4)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, datasets.make_classes(name, k, m=301, seed=5)[0])


def test_blob_centres_sit_on_a_circle_and_each_class_around_its_own():
    X, y = datasets.blobs(m=4000, k=5, noise=0.3, seed=0)
    centres = np.array([X[y == c].mean(axis=0) for c in range(5)])
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, atol=0.05)


def test_each_spiral_arm_turns_at_its_own_angle():
    X, y = datasets.spiral_arms(m=600, k=3, noise=0.0, seed=0)
    r = np.linalg.norm(X, axis=1) / 3
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * r + 2 * np.pi * y / 3
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)


@pytest.mark.parametrize("k", [1, 11, 2.5])
def test_a_bad_class_count_is_refused(k):
    with pytest.raises(ValueError, match="k"):
        datasets.blobs(m=100, k=k)


def test_the_plane_is_the_stated_function_plus_noise():
    X, y = datasets.plane(m=500, noise=0.0, seed=1)
    a, b, c = datasets.PLANE
    np.testing.assert_allclose(y, a * X[:, 0] + b * X[:, 1] + c)
    _, noisy = datasets.plane(m=500, noise=0.5, seed=1)
    assert np.std(noisy - y) == pytest.approx(0.5, rel=0.1)


def test_bumps_have_two_hills_and_a_dip():
    X, y = datasets.make_regression("bumps", m=400, noise=0.0, seed=0)
    np.testing.assert_allclose(y, datasets.bump_surface(X))
    peaks = datasets.bump_surface(np.array([[c[0], c[1]] for c in datasets.BUMPS]))
    assert peaks[0] > 1.9 and peaks[1] > 1.4 and peaks[2] < -1.4
    with pytest.raises(ValueError, match="Unknown regression"):
        datasets.make_regression("spiral")


def test_a_stratified_split_keeps_every_class_on_both_sides():
    y = np.r_[np.zeros(5), np.ones(5), np.full(6, 2)].astype(int)
    X = np.arange(16).reshape(-1, 1)
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, y, test_size=0.25, seed=0, stratify=True)
    assert sorted(np.bincount(y_te)) == [1, 1, 2] and set(y_tr) == {0, 1, 2}
    assert sorted(np.r_[X_tr[:, 0], X_te[:, 0]].tolist()) == list(range(16))
    train, test = datasets.stratified_split(y, 0.25, seed=0)
    np.testing.assert_array_equal(X[test], np.sort(X_te, axis=0))
    assert len(np.intersect1d(train, test)) == 0
