"""keras/src/activations/activations_test.py

The table in ``data/activations_test.py`` (random inputs drawn once, with seed 1337, when the table was extracted), replayed on ``scratch_nn.activations``.
"""

import pytest

from scratch_nn import activations
from tests.keras_cases.data import activations_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(activations, case)
