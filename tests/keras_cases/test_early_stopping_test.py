"""keras/src/callbacks/early_stopping_test.py

Keras's ``cbks[0].monitor_op`` (``ops.greater``/``ops.less``) is read here
as scratch_nn's direction (``_resolve_direction()``: minimize or not). The
monitors ``hinge`` and ``f1_score`` of ``test_early_stopping`` are left out:
neither metric is in scratch_nn or planned.
"""

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn import callbacks, losses
from tests.keras_cases.callback_models import regression_data, two_dense_relu
from tests.keras_cases.support import need


def test_early_stopping():
    """test_early_stopping: each mode/monitor pair gives Keras's direction; 'unknown' raises."""
    need(losses, "MeanAbsoluteError")  # the test's loss is "mae"
    rng = np.random.default_rng(0)
    (x_train, y_train), (x_test, y_test) = regression_data(rng), regression_data(rng)
    model = two_dense_relu(loss="mae", optimizer="adam", metrics=["mse", "acc", "accuracy"])
    cases = [("max", "val_mse", "max"), ("min", "val_loss", "min"), ("auto", "val_mse", "min"),
             ("auto", "loss", "min"), ("auto", "acc", "max"), ("auto", "val_accuracy", "max")]
    for mode, monitor, expected_mode in cases:
        cbks = [callbacks.EarlyStopping(patience=0, monitor=monitor, mode=mode)]
        model.fit(x_train, y_train, batch_size=5, validation_data=(x_test, y_test),
                  callbacks=cbks, epochs=2, verbose=0)
        assert cbks[0]._resolve_direction() is (expected_mode == "min")
    with pytest.raises(ValueError):
        model.fit(x_train, y_train, batch_size=5, validation_data=(x_test, y_test),
                  callbacks=[callbacks.EarlyStopping(patience=0, monitor="unknown")],
                  epochs=2, verbose=0)


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_patience(patience):
    """test_early_stopping_patience: losses 10, 9, 8, 9, 8.9...: stops at max(patience, 1) + 2."""
    losses_seen = [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5]
    stopper = callbacks.EarlyStopping(monitor="loss", patience=patience)
    stopper.set_model(keras.Sequential())
    stopper.model.compile(loss="mse", optimizer="sgd")
    stopper.on_train_begin()
    for epoch, loss in enumerate(losses_seen):
        stopper.on_epoch_end(epoch=epoch, logs={"loss": loss})
        if stopper.model.stop_training:
            break
    assert stopper.stopped_epoch == max(patience, 1) + 2


def test_early_stopping_reuse():
    """test_early_stopping_reuse: one stopper, two fits of 20 epochs: each runs >= patience epochs."""
    need(losses, "MeanAbsoluteError")
    data = np.random.default_rng(0).random((100, 1))
    labels = np.where(data > 0.5, 1, 0)
    model = keras.Sequential([keras.layers.Input((1,)), keras.layers.Dense(1, activation="relu"),
                              keras.layers.Dense(1, activation="relu")])
    model.compile(optimizer="sgd", loss="mae", metrics=["mse"])
    stopper = callbacks.EarlyStopping(monitor="mse", patience=3)
    assert len(model.fit(data, labels, callbacks=[stopper], verbose=0, epochs=20).epoch) >= 3
    assert len(model.fit(data, labels, callbacks=[stopper], verbose=0, epochs=20).epoch) >= 3


def test_state_reset_across_fit_calls():
    """test_state_reset_across_fit_calls: on_train_begin clears best, wait, epochs, weights."""
    stopper = callbacks.EarlyStopping(monitor="loss", patience=3)
    stopper.set_model(keras.Sequential())
    stopper.on_train_begin()
    stopper.best, stopper.wait, stopper.stopped_epoch, stopper.best_epoch = 0.1, 3, 5, 5
    stopper.best_weights = object()
    stopper.on_train_begin()
    assert stopper.best is None and stopper.wait == 0
    assert stopper.stopped_epoch == 0 and stopper.best_epoch == 0
    assert stopper.best_weights is None


def test_early_stopping_with_baseline():
    """test_early_stopping_with_baseline: baseline 0.6, patience 3: at least 3 epochs."""
    need(losses, "MeanAbsoluteError")
    x, y = regression_data(np.random.default_rng(0))
    model = two_dense_relu(loss="mae", optimizer="sgd", metrics=["mse"])
    stopper = callbacks.EarlyStopping(monitor="mse", patience=3, baseline=0.6)
    assert len(model.fit(x, y, callbacks=[stopper], verbose=0, epochs=20).epoch) >= 3


class _DummyModel:
    """Keras's test model: its "weights" are the epoch they were set at."""

    def __init__(self):
        self.stop_training = False
        self.weights = -1

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


def _drive(early_stop, losses_seen, stop_at=None):
    epochs_trained = 0
    early_stop.set_model(_DummyModel())
    early_stop.on_train_begin()
    for epoch, loss in enumerate(losses_seen):
        epochs_trained += 1
        early_stop.model.weights = epoch
        early_stop.on_epoch_end(epoch, logs={"val_loss": loss})
        if epoch == stop_at:
            early_stop.model.stop_training = True
        if early_stop.model.stop_training:
            break
    early_stop.on_train_end()
    return epochs_trained


def test_early_stopping_final_weights_when_restoring_model_weights():
    """test_early_stopping_final_weights_when_restoring_model_weights: its three runs."""
    early_stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    _drive(early_stop, [0.2, 0.15, 0.1, 0.11, 0.12])
    assert early_stop.model.get_weights() == 2

    early_stop = callbacks.EarlyStopping(monitor="val_loss", patience=5, baseline=0.5,
                                         restore_best_weights=True)
    assert _drive(early_stop, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73]) == 5
    assert early_stop.model.get_weights() == 2

    early_stop = callbacks.EarlyStopping(monitor="val_loss", patience=5, baseline=0.5,
                                         restore_best_weights=True)
    assert _drive(early_stop, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], stop_at=3) == 4
    assert early_stop.model.get_weights() == 2


def test_early_stopping_with_start_from_epoch():
    """test_early_stopping_with_start_from_epoch: patience 3 and 0 after 2 epochs ignored."""
    need(losses, "MeanAbsoluteError")
    x, y = regression_data(np.random.default_rng(0))
    model = two_dense_relu(loss="mae", optimizer="sgd", metrics=["mse"])
    for patience in (3, 0):
        stopper = callbacks.EarlyStopping(monitor="mse", patience=patience, start_from_epoch=2)
        history = model.fit(x, y, callbacks=[stopper], verbose=0, epochs=20)
        assert len(history.epoch) >= patience + 2
