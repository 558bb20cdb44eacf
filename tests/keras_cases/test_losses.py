"""keras/src/losses/losses_test.py

The test classes of the losses an MLP uses (mean squared/absolute/percentage/
log errors, the hinges, cosine similarity, Huber, log-cosh, KL divergence,
Poisson, the three cross-entropies), from the table in
``data/losses_test.py``. Not ported: the focal, CTC, Dice, Tversky, Circle and
generalized cross-entropy classes (sequence, segmentation and metric-learning
losses, not MLP building blocks).
"""

import pytest

from scratch_nn import losses
from tests.keras_cases.data import losses_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(losses, case)
