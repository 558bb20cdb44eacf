"""keras/src/regularizers/regularizers_test.py

The table in ``data/regularizers_test.py``, replayed on ``scratch_nn.regularizers``.
"""

import numpy as np
import pytest

from scratch_nn import regularizers
from tests.keras_cases.data import regularizers_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay
from tests.keras_cases.support import need

#: not ported: OrthogonalRegularizer (not planned) and ValidateFloatArgTest (Keras's internal
#: helper validate_float_arg); test_get_method is ported by hand below, without the orthogonal line
OUT_OF_SCOPE = ('OrthogonalRegularizer', 'RegularizersTest::test_get_method')
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_case(case):
    replay(regularizers, case)


def test_get_method():
    """RegularizersTest::test_get_method, without its ``orthogonal_regularizer`` line."""
    assert isinstance(regularizers.get("l1l2"), regularizers.L1L2)
    assert isinstance(regularizers.get("l1"), regularizers.L1)
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError):
        regularizers.get("typo")


def test_l1l2_get_config():
    """RegularizersTest::test_l1l2_get_config: l1 0.01, l2 0.02 survive the config round trip."""
    reg = regularizers.L1L2(l1=0.01, l2=0.02)
    config = need(reg, "get_config")()
    np.testing.assert_allclose([config["l1"], config["l2"]], [0.01, 0.02])
    again = regularizers.L1L2.from_config(config)
    assert again.get_config() == config
    np.testing.assert_allclose([again.l1, again.l2], [0.01, 0.02])


@pytest.mark.parametrize(("fill", "l2_larger"), [(10.0, True), (0.1, False)],
                         ids=["test_l2_is_larger_than_l1_for_large_weights",
                              "test_l2_is_smaller_than_l1_for_small_weights"])
def test_l1_against_l2(fill, l2_larger):
    """RegularizersTest::test_l2_is_<larger|smaller>_than_l1_...: ones (4, 4) times 10 or 0.1."""
    x = np.ones((4, 4), np.float32) * fill
    l1_val, l2_val = float(regularizers.L1(1.0)(x)), float(regularizers.L2(1.0)(x))
    assert (l2_val > l1_val) if l2_larger else (l2_val < l1_val)
