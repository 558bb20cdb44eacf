"""keras/src/initializers/random_initializers_test.py

The table in ``data/random_initializers_test.py``, replayed on ``scratch_nn.initializers``.
"""

import pytest

from scratch_nn import initializers
from tests.keras_cases.data import random_initializers_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(initializers, case)
