"""keras/src/regularizers/regularizers_test.py

The table in ``data/regularizers_test.py``, replayed on ``scratch_nn.regularizers``.
"""

import pytest

from scratch_nn import regularizers
from tests.keras_cases.data import regularizers_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(regularizers, case)
