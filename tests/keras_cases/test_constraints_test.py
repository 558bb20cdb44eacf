"""keras/src/constraints/constraints_test.py

The table in ``data/constraints_test.py``, replayed on ``scratch_nn.constraints``.
"""

import numpy as np
import pytest

from scratch_nn import constraints
from tests.keras_cases.data import constraints_test as data
from tests.keras_cases.replay import case_ids, replay
from tests.keras_cases.support import need


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(constraints, case)


# -- by hand: the cases whose checks compute on the output ----------------------
def _example_array():
    """Keras's ``get_example_array``: seed 3537, uniform in [-50, 50), (100, 100), a zero at [0, 0]."""
    x = np.random.RandomState(3537).random_sample((100, 100)) * 100.0 - 50.0
    x[0, 0] = 0.0
    return x


def test_non_neg():
    """ConstraintsTest::test_non_neg: no negative entry left."""
    assert (np.min(np.asarray(constraints.NonNeg()(_example_array())), axis=1) >= 0.0).all()


def test_unit_norm():
    """ConstraintsTest::test_unit_norm: every column of norm 1."""
    out = np.asarray(constraints.UnitNorm()(_example_array()))
    np.testing.assert_allclose(np.sqrt(np.sum(np.square(out), axis=0)), 1.0, rtol=1e-6, atol=1e-6)


def test_min_max_norm():
    """ConstraintsTest::test_min_max_norm: column norms within [0.2, 0.5]."""
    out = np.asarray(constraints.MinMaxNorm(min_value=0.2, max_value=0.5)(_example_array()))
    l2 = np.sqrt(np.sum(np.square(out), axis=0))
    assert np.all(l2 >= 0.2) and np.all(l2 <= 0.5 + 1e-6)


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("MaxNorm", {"max_value": 3.0, "axis": 1}), ("UnitNorm", {"axis": 1}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.7, "axis": 1})],
    ids=["test_max_norm_get_config", "test_unit_norm_get_config", "test_min_max_norm_get_config"])
def test_get_config(cls, kwargs):
    """ConstraintsTest::test_<name>_get_config: the config is the arguments; a copy acts the same."""
    constraint_fn = getattr(constraints, cls)(**kwargs)
    config = need(constraint_fn, "get_config")()
    assert config == kwargs
    restored = type(constraint_fn).from_config(config)
    for key in kwargs:
        assert getattr(restored, key) == getattr(constraint_fn, key)
    x = _example_array()
    np.testing.assert_allclose(constraint_fn(x), restored(x), rtol=1e-6, atol=1e-6)


def test_non_neg_serialization_roundtrip():
    """ConstraintsTest::test_non_neg_serialization_roundtrip."""
    original = constraints.NonNeg()
    config = need(original, "get_config")()
    restored = constraints.NonNeg.from_config(config)
    x = _example_array()
    np.testing.assert_allclose(original(x), restored(x))

