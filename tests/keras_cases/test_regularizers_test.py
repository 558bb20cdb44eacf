"""keras/src/regularizers/regularizers_test.py

The table in ``data/regularizers_test.py``, replayed on ``scratch_nn.regularizers``.
"""

import pytest

from scratch_nn import regularizers
from tests.keras_cases.data import regularizers_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay

#: not ported: OrthogonalRegularizer (not planned); test_get_method is ported by hand below, without it
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
