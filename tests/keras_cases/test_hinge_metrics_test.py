"""keras/src/metrics/hinge_metrics_test.py

The table in ``data/hinge_metrics_test.py``, replayed on ``scratch_nn.metrics``.
"""

import pytest

from scratch_nn import metrics
from tests.keras_cases.data import hinge_metrics_test as data
from tests.keras_cases.replay import case_ids, replay


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(metrics, case)
