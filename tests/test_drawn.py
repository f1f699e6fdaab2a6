"""lessons.drawn: points placed on the plane, and the compact link text that carries them."""

import numpy as np
import pytest

from lessons import drawn


def test_two_hundred_points_of_six_classes_round_trip_within_half_a_grid_step():
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, (200, 2))
    y = rng.integers(0, 6, 200)
    text = drawn.encode(X, y, "classes")
    assert text[0] == "c" and len(text) <= drawn.MAX_CHARS == 801
    X2, y2, kind = drawn.decode(text)
    assert kind == "classes" and np.array_equal(y2, y)
    assert np.max(np.abs(X2 - X)) <= drawn.GRID / 2 + 1e-12
    assert drawn.encode(X2, y2, "classes") == text  # stable: a link written twice is the same link


def test_numbers_round_trip_on_their_own_grid():
    X = np.array([[0.0, 1.0], [-2.5, 3.3]])
    y = np.array([-4.99, 2.0])
    X2, y2, kind = drawn.decode(drawn.encode(X, y, "regression"))
    assert kind == "regression" and np.max(np.abs(y2 - y)) <= drawn.VALUE_LIMIT / 255 + 1e-12
    assert drawn.decode(drawn.encode(np.zeros((0, 2)), [], "classes"))[0].shape == (0, 2)


@pytest.mark.parametrize("text", ["", "x" + "A" * 8, "cAA", "c" + "A" * 802, "c<script>", "cAAAI", "c!!!!", "cAAAAAA",
                                  None, 12])
def test_anything_encode_would_not_write_is_refused(text):
    with pytest.raises(ValueError):
        drawn.decode(text)


def test_points_are_added_up_to_the_limit_and_removed_by_a_click_near_them():
    X, y = np.zeros((0, 2)), np.zeros(0, dtype=int)
    X, y = drawn.add_point(X, y, 1.0, 2.0, 3)
    X, y = drawn.add_point(X, y, 99.0, -99.0, 1)   # clipped to the plane
    assert X.tolist() == [[1.0, 2.0], [drawn.HI, drawn.LO]] and y.tolist() == [3, 1]
    X, y = drawn.remove_near(X, y, 1.1, 2.1)
    assert y.tolist() == [1]
    assert drawn.remove_near(X, y, 0.0, 0.0)[1].tolist() == [1]   # nothing within the radius
    full = np.zeros((drawn.MAX_POINTS, 2)), np.zeros(drawn.MAX_POINTS, dtype=int)
    assert len(drawn.add_point(*full, 0.0, 0.0, 1)[0]) == drawn.MAX_POINTS
