"""keras/src/callbacks/terminate_on_nan_test.py

``test_raise_error_terminate_preserves_backup`` needs ``BackupAndRestore``
(fault-tolerant checkpoints), which scratch_nn does not provide; it is
counted as not in scratch_nn yet.

Keras's cases make the loss infinite with infinite targets. scratch_nn's
``fit`` refuses non-finite data up front (``test_scratch_infinite_targets_refused``),
so here the same loss comes from finite data: inputs of ``1e20`` through a
kernel of ones give predictions whose square overflows float32.
"""

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn import callbacks, initializers, layers
from tests.keras_cases.support import need

# The cases overflow on purpose (that is how the loss becomes infinite).
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")


def _one_dense():
    model = keras.Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    return model


#: where Keras's cases use ``y = inf``: a finite batch whose float32 loss is infinite
HUGE = 1e20


def test_scratch_infinite_targets_refused():
    """fit refuses non-finite targets, naming them (why the cases below use finite data)."""
    with pytest.raises(ValueError, match="y contains NaN or infinite values"):
        _one_dense().fit(np.array([[1.0]]), np.array([[np.inf]]), verbose=0)


def test_terminate_on_nan():
    """test_TerminateOnNaN: kernels of 1e5 through 5 relu layers: one epoch, its loss not finite."""
    constant = need(initializers, "Constant")
    rng = np.random.default_rng(1337)
    x_train, x_test = rng.random((10, 3)), rng.random((10, 3))
    y_train, y_test = np.eye(2)[rng.integers(0, 2, 10)], np.eye(2)[rng.integers(0, 2, 10)]
    model = keras.Sequential([layers.Input((3,))])
    for _ in range(5):
        model.add(layers.Dense(2, activation="relu", kernel_initializer=constant(value=1e5)))
    model.add(layers.Dense(2))
    model.compile(loss="mean_squared_error", optimizer="sgd")
    history = model.fit(x_train, y_train, batch_size=4, validation_data=(x_test, y_test),
                        callbacks=[callbacks.TerminateOnNaN()], epochs=20, verbose=0)
    loss = history.history["loss"]
    assert len(loss) == 1
    assert np.isnan(loss[0]) or np.isinf(loss[0])


def test_terminate_on_nan_graceful_stop():
    """test_terminate_on_nan_graceful_stop: an infinite target stops training without raising."""
    history = _one_dense().fit(np.array([[HUGE], [HUGE]]), np.array([[0.0], [0.0]]),
                               epochs=2, batch_size=1, verbose=0,
                               callbacks=[callbacks.TerminateOnNaN(raise_error=False)])
    assert len(history.history["loss"]) < 4


def test_terminate_on_nan_raise_error_raises_error():
    """test_terminate_on_nan_raise_error_raises_error: RuntimeError, Keras's words."""
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered"):
        _one_dense().fit(np.array([[HUGE], [HUGE]]), np.array([[0.0], [0.0]]), epochs=1,
                         batch_size=1, verbose=0,
                         callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


def test_raise_error_terminate_does_not_trigger_on_train_end():
    """test_raise_error_terminate_does_not_trigger_on_train_end: other callbacks' end is skipped."""

    class TrackingCallback(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.train_end_called = False

        def on_train_end(self, logs=None):
            self.train_end_called = True

    tracking = TrackingCallback()
    with pytest.raises(RuntimeError):
        _one_dense().fit(np.array([[HUGE]]), np.array([[0.0]]), epochs=1, verbose=0,
                         callbacks=[tracking, callbacks.TerminateOnNaN(raise_error=True)])
    assert not tracking.train_end_called


def test_raise_error_terminate_preserves_backup():
    """test_raise_error_terminate_preserves_backup: needs BackupAndRestore."""
    need(callbacks, "BackupAndRestore")


@pytest.mark.parametrize("raise_error", [False, True],
                         ids=["raise_error_false", "raise_error_true"])
def test_normal_training_does_not_raise(raise_error):
    """test_normal_training_does_not_raise: finite losses, two epochs."""
    history = _one_dense().fit(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]), epochs=2,
                               verbose=0, callbacks=[callbacks.TerminateOnNaN(raise_error)])
    assert len(history.history["loss"]) == 2


def test_raise_error_terminate_stops_on_later_batch():
    """test_raise_error_terminate_stops_on_later_batch: the message names batch 0 or 1."""
    with pytest.raises(RuntimeError) as exc:
        _one_dense().fit(np.array([[1.0], [HUGE]]), np.array([[1.0], [0.0]]), epochs=1,
                         batch_size=1, verbose=0,
                         callbacks=[callbacks.TerminateOnNaN(raise_error=True)])
    assert any(f"batch {i}" in str(exc.value) for i in [0, 1])
