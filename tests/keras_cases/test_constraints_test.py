"""keras/src/constraints/constraints_test.py

The table in ``data/constraints_test.py``, replayed on ``scratch_nn.constraints``.
"""

import pytest

from scratch_nn import constraints
from tests.keras_cases.data import constraints_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(constraints, case)
