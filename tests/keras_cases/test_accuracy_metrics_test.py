"""keras/src/metrics/accuracy_metrics_test.py

The table in ``data/accuracy_metrics_test.py``, replayed on ``scratch_nn.metrics``.
"""

import pytest

from scratch_nn import metrics
from tests.keras_cases.data import accuracy_metrics_test as data
from tests.keras_cases.replay import case_ids, replay
from tests.keras_cases.support import check_metric_config


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(metrics, case)


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("Accuracy", {"name": "accuracy"}),
    ("BinaryAccuracy", {"name": "binary_accuracy"}),
    ("CategoricalAccuracy", {"name": "categorical_accuracy"}),
    ("SparseCategoricalAccuracy", {"name": "sparse_categorical_accuracy"}),
    ("TopKCategoricalAccuracy", {"name": "top_k_categorical_accuracy", "k": 1}),
    ("SparseTopKCategoricalAccuracy", {"name": "sparse_top_k_categorical_accuracy", "k": 1}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_config(cls, kwargs):
    """<Class>Test::test_config (by hand: Keras's case counts Variables, see check_metric_config)."""
    metric = getattr(metrics, cls)(dtype="float32", **kwargs)
    extra = {"k": kwargs["k"]} if "k" in kwargs else {}
    check_metric_config(metric, {"name": kwargs["name"], "dtype": "float32", **extra}, **extra)
