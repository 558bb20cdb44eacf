"""The one shuffled-batch loop, ``scratch_nn.data.batches``."""

import numpy as np
import pytest

from scratch_nn.data import batches


def test_in_order_batches_are_views_covering_every_row_once():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    got = [(xb.copy(), yb.copy()) for xb, yb in batches(x, y, 4)]
    assert [len(yb) for _, yb in got] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in got]), x)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in got]), y)


def test_shuffled_batches_follow_the_order_given():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    order = np.random.default_rng(0).permutation(10)
    got = [(xb.copy(), yb.copy()) for xb, yb in batches(x, y, 3, order)]
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in got]), order)
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in got]), x[order])


def test_targets_may_be_absent():
    x = np.zeros((5, 2))
    assert [yb for _, yb in batches(x, None, 2, np.arange(5))] == [None, None, None]


def test_an_order_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="permutation of range\\(5\\)"):
        next(batches(np.zeros((5, 2)), None, 2, np.arange(4)))
