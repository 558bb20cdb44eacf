"""keras/src/metrics/reduction_metrics_test.py

The table in ``data/reduction_metrics_test.py``, replayed on ``scratch_nn.metrics``.
"""

import numpy as np
import pytest

from scratch_nn import metrics
from tests.keras_cases.data import reduction_metrics_test as data
from tests.keras_cases.replay import case_ids, replay
from tests.keras_cases.support import MISSING, check_metric_config


@pytest.mark.parametrize("case", data.CASES, ids=case_ids(data.CASES))
def test_case(case):
    replay(metrics, case)


# -- by hand: the config cases (Keras counts Variables) and MetricWrapperTest, whose
# function ``mse`` is the test file's own: ``(y_true - y_pred) ** 2`` per element.
@pytest.mark.parametrize("cls", ["Sum", "Mean"], ids=["SumTest", "MeanTest"])
def test_config(cls):
    """SumTest / MeanTest::test_config."""
    name = cls.lower()
    check_metric_config(getattr(metrics, cls)(name=name, dtype="float32"),
                        {"name": name, "dtype": "float32"})


def _mse(y_true, y_pred):
    return (np.asarray(y_true) - np.asarray(y_pred)) ** 2


Y_TRUE = np.array([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
Y_PRED = np.array([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])


def test_metric_wrapper_config():
    """MetricWrapperTest::test_config: name, dtype, a config holding ``fn``."""
    metric = metrics.MeanMetricWrapper(fn=_mse, name="mse", dtype="float32")
    if "fn" not in metric.get_config():  # the configs of metrics are the flatten-save branch's
        pytest.skip(MISSING + "MeanMetricWrapper.get_config()['fn']")
    check_metric_config(metric, {"name": "mse", "dtype": "float32"})


@pytest.mark.parametrize(("sample_weight", "expected"), [
    (None, 0.5), (np.array([1.0, 1.5, 2.0, 2.5]), 0.54285),
    (np.array([[1.0, 0.0, 0.5, 0.0, 1.0]]), 0.45)],
    ids=["test_unweighted", "test_weighted", "test_weighted_broadcast"])
def test_metric_wrapper(sample_weight, expected):
    """MetricWrapperTest::test_unweighted / test_weighted / test_weighted_broadcast."""
    metric = metrics.MeanMetricWrapper(fn=_mse, name="mse", dtype="float32")
    result = metric(Y_TRUE, Y_PRED, sample_weight=sample_weight)
    np.testing.assert_allclose(float(result), expected, atol=1e-5)


def test_binary_accuracy_with_boolean_inputs():
    """MetricWrapperTest::test_binary_accuracy_with_boolean_inputs: boolean labels and outputs."""
    x = np.random.default_rng(0).random((32, 1))
    metric = metrics.BinaryAccuracy()
    metric.update_state(x > 0.5, x > 0.5)
    assert metric.result() == 1.0
