"""keras/src/callbacks/monitor_callback_test.py

Keras's ``monitor_op`` is read as scratch_nn's ``_resolve_direction()``;
``hinge`` and ``f1_score`` are left out of the monitors (not in scratch_nn,
not planned).
"""

import numpy as np
import pytest

from scratch_nn import callbacks, losses
from tests.keras_cases.callback_models import regression_data, two_dense_relu
from tests.keras_cases.support import need


def test_monitor_op_logic():
    """test_monitor_op_logic: each mode/monitor pair gives Keras's direction; 'unknown' raises."""
    need(losses, "MeanAbsoluteError")
    rng = np.random.default_rng(0)
    (x_train, y_train), (x_test, y_test) = regression_data(rng), regression_data(rng)
    model = two_dense_relu(loss="mae", optimizer="adam", metrics=["mse", "acc", "accuracy"])
    cases = [("max", "val_mse", "max"), ("min", "val_loss", "min"), ("auto", "val_mse", "min"),
             ("auto", "loss", "min"), ("auto", "acc", "max"), ("auto", "val_accuracy", "max")]
    for mode, monitor, expected_mode in cases:
        monitor_callback = callbacks.MonitorCallback(monitor, mode)
        monitor_callback.set_model(model)
        model.fit(x_train, y_train, batch_size=5, validation_data=(x_test, y_test), epochs=2,
                  verbose=0)
        assert monitor_callback._resolve_direction() is (expected_mode == "min")
    monitor_callback = callbacks.MonitorCallback("unknown")
    with pytest.raises(ValueError):
        monitor_callback._resolve_direction()


def test_min_delta():
    """test_min_delta: mode max, min_delta 0.5: which values improve on which."""
    monitor_callback = callbacks.MonitorCallback(mode="max", min_delta=0.5)
    assert monitor_callback._is_improvement(0.75, 0)
    assert monitor_callback._is_improvement(0.5, None)
    assert not monitor_callback._is_improvement(0.5, 0)
    assert not monitor_callback._is_improvement(0.2, 0.5)
