"""keras/src/initializers/random_initializers_test.py

The table in ``data/random_initializers_test.py``, replayed on ``scratch_nn.initializers``.
"""

import pytest

from scratch_nn import initializers
from tests.keras_cases.data import random_initializers_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay

#: not ported: VarianceScaling's input_axes/output_axes (fans of attention kernels)
OUT_OF_SCOPE = ('RandomInitializersTest::test_variance_scaling_serialization_with_axes',)
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_case(case):
    replay(initializers, case)
