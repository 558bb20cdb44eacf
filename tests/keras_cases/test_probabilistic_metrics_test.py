"""keras/src/metrics/probabilistic_metrics_test.py

The table in ``data/probabilistic_metrics_test.py``, replayed on ``scratch_nn.metrics``.
"""

import pytest

from scratch_nn import metrics
from tests.keras_cases.data import probabilistic_metrics_test as data
from tests.keras_cases.replay import case_ids, replay
from tests.keras_cases.support import refused


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    if "ignore_class" in case["id"]:
        refused("ignore_class is an argument for per-pixel segmentation; scratch_nn's metric "
                "has none (test_scratch_ignore_class_refused)")
    replay(metrics, case)


def test_scratch_ignore_class_refused():
    """The refusal: Python's ``TypeError`` for an argument the metric does not take."""
    with pytest.raises(TypeError, match="ignore_class"):
        metrics.SparseCategoricalCrossentropy(ignore_class=-1)
