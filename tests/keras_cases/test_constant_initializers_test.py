"""keras/src/initializers/constant_initializers_test.py

The table in ``data/constant_initializers_test.py``, replayed on
``scratch_nn.initializers``. Not ported: ``STFT`` (a spectrogram kernel).
"""

import pytest

from scratch_nn import initializers
from tests.keras_cases.data import constant_initializers_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay

#: not ported: a spectrogram initializer, not an MLP building block
OUT_OF_SCOPE = ("STFT",)
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_case(case):
    replay(initializers, case)
