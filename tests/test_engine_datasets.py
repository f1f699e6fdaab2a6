"""engine.datasets: shapes, balance, seeds, and the train/test split."""

import numpy as np
import pytest

from engine import datasets


@pytest.mark.parametrize("name", list(datasets.TWO_D))
def test_two_d_sets_are_balanced_seeded_and_shaped(name):
    X, y = datasets.make(name, m=101, noise=0.1, seed=4)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(y.sum()) - 50) <= 10
    X2, y2 = datasets.make(name, m=101, noise=0.1, seed=4)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, datasets.make(name, m=101, noise=0.1, seed=5)[0])


def test_xor_labels_follow_the_quadrants_when_noise_free():
    X, y = datasets.xor(m=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_one_feature_overlap_controls_separability():
    X, y = datasets.one_feature(m=200, overlap=0.0, seed=0)
    assert X.shape == (200, 1)
    assert X[y == 0].max() < X[y == 1].min()  # separable: no finite minimum of J
    X, y = datasets.one_feature(m=200, overlap=0.8, seed=0)
    assert X[y == 0].max() > X[y == 1].min()


def test_train_test_split_is_a_seeded_partition():
    X = np.arange(40).reshape(20, 2)
    y = np.arange(20)
    Xtr, Xte, ytr, yte = datasets.train_test_split(X, y, test_size=0.25, seed=1)
    assert len(Xte) == 5 and len(Xtr) == 15
    assert sorted(np.r_[ytr, yte]) == list(range(20))
    np.testing.assert_array_equal(Xte[:, 0] // 2, yte)
    assert np.array_equal(yte, datasets.train_test_split(X, y, 0.25, seed=1)[3])


@pytest.mark.parametrize("call, message", [
    (lambda: datasets.make("donut"), "Unknown data set"),
    (lambda: datasets.make("xor", m=1), "at least 2"),
    (lambda: datasets.one_feature(overlap=2), "overlap"),
    (lambda: datasets.train_test_split(np.ones((4, 1)), np.ones(4), test_size=1.5), "test_size"),
])
def test_bad_arguments_get_clear_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
