"""keras/src/activations/activations_test.py

The table in ``data/activations_test.py`` (random inputs drawn once, with seed 1337, when the table was extracted), replayed on ``scratch_nn.activations``.
"""

import pytest

from scratch_nn import activations
from tests.keras_cases.data import activations_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay

#: not ported: activations of other architectures, neither in scratch_nn nor planned
OUT_OF_SCOPE = ('celu', 'glu', 'sparsemax', 'hard_shrink', 'tanh_shrink', 'squareplus', 'soft_shrink', 'sparse_plus', 'sparse_sigmoid', 'log_sigmoid', 'hard_tanh', 'threshold', 'log_softmax', 'hard_silu')
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_case(case):
    replay(activations, case)
