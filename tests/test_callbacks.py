"""EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN and History decisions.

Callbacks are driven with scripted logs and a stand-in model whose
"weights" record the epoch they were taken at, so each test can see which
epoch's weights were restored.
"""

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn.callbacks import (
    CallbackList,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ReduceLROnPlateau,
    TerminateOnNaN,
    overrides_batch_hooks,
)
from scratch_nn.layers import Dense


class FakeModel:
    """Holds the epoch number as its only weight, and an optimizer with a learning rate."""

    def __init__(self):
        self.epoch = -1
        self.stop_training = False
        self.optimizer = keras.optimizers.SGD(0.1)

    def get_weights(self):
        return [np.array(self.epoch)]

    def set_weights(self, weights):
        self.epoch = int(weights[0])


def drive(callback, values, monitor="val_loss"):
    """Run ``callback`` over epochs with ``values`` as the monitor; return (stopped_at, model)."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    stopped_at = None
    for epoch, value in enumerate(values):
        model.epoch = epoch
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            stopped_at = epoch
            break
    callback.on_train_end()
    return stopped_at, model


def test_early_stopping_waits_patience_epochs_after_the_best():
    # best at epoch 1; epochs 2, 3, 4 do not improve; patience 3 stops at epoch 4
    stopped, model = drive(EarlyStopping(patience=3), [1.0, 0.5, 0.6, 0.7, 0.55, 0.1])
    assert stopped == 4
    assert model.epoch == 4  # no restoring without restore_best_weights


def test_early_stopping_restores_the_best_weights():
    stopped, model = drive(EarlyStopping(patience=2, restore_best_weights=True),
                           [1.0, 0.5, 0.6, 0.7, 0.1])
    assert stopped == 3 and model.epoch == 1


def test_early_stopping_restores_best_weights_even_without_stopping():
    # Keras 3 restores in on_train_end however training ended
    stopped, model = drive(EarlyStopping(patience=10, restore_best_weights=True),
                           [1.0, 0.2, 0.6, 0.7])
    assert stopped is None and model.epoch == 1


def test_early_stopping_min_delta_and_mode_max():
    # improvements smaller than min_delta do not count
    stopped, _ = drive(EarlyStopping(min_delta=0.1, patience=1), [1.0, 0.95, 0.92])
    assert stopped == 1
    stopped, model = drive(EarlyStopping(monitor="val_accuracy", patience=1,
                                         restore_best_weights=True),
                           [0.5, 0.9, 0.8], monitor="val_accuracy")
    assert stopped == 2 and model.epoch == 1


def test_early_stopping_baseline_and_start_from_epoch():
    # Improving without beating the baseline does not reset wait: the first miss stops
    stopped, _ = drive(EarlyStopping(patience=2, baseline=0.1), [1.0, 0.9, 0.95])
    assert stopped == 2
    stopped, _ = drive(EarlyStopping(patience=2), [1.0, 0.9, 0.95])
    assert stopped is None
    # Epochs before start_from_epoch are ignored entirely
    stopped, _ = drive(EarlyStopping(patience=1, start_from_epoch=3), [1.0, 2.0, 3.0, 4.0, 5.0])
    assert stopped == 4


def test_early_stopping_missing_monitor_warns():
    with pytest.warns(UserWarning, match="val_loss.*not available"):
        stopped, _ = drive(EarlyStopping(), [1.0], monitor="loss")
    assert stopped is None


def test_reduce_lr_on_plateau_with_cooldown():
    cb = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2, min_lr=0.02)
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    lrs = []
    for epoch, value in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        cb.on_epoch_end(epoch, {"val_loss": value})
        lrs.append(model.optimizer.learning_rate)
    # reduce at epoch 1 (0.05); cooldown 2 counts down at epochs 2 and 3, and Keras
    # already counts the wait again at epoch 3, so it reduces there (0.025); again at 5,
    # where 0.0125 would pass min_lr: clipped to 0.02
    np.testing.assert_allclose(lrs, [0.1, 0.05, 0.05, 0.025, 0.025, 0.02])


def test_learning_rate_scheduler_sets_rate_each_epoch():
    model = keras.Sequential([keras.Input((2,)), Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="sparse_categorical_crossentropy")
    x, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 1.0 / (epoch + 1)

    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[LearningRateScheduler(schedule)])
    assert seen == [1.0, 1.0, 0.5]
    assert history.history["learning_rate"] == [1.0, 0.5, 1.0 / 3]


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_terminate_on_nan_stops_and_explains(capsys):
    model = keras.Sequential([keras.Input((2,)), Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(1e6), loss="mse")
    x = np.full((64, 2), 1e3)
    y = np.zeros((64, 2))
    history = model.fit(x, y, epochs=5, batch_size=1, verbose=0, callbacks=[TerminateOnNaN()])
    out = capsys.readouterr().out
    assert "Invalid loss" in out and "learning rate" in out
    assert len(history.history["loss"]) == 1


def test_history_records_every_epoch():
    history = History()
    model = FakeModel()
    history.set_model(model)
    history.on_train_begin()
    for epoch in range(3):
        history.on_epoch_end(epoch, {"loss": float(epoch), "accuracy": 0.5})
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [0.0, 1.0, 2.0], "accuracy": [0.5] * 3}
    assert model.history is history


class Recorder(keras.callbacks.Callback):
    """Keeps what each hook received."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_begin(self, logs=None):
        self.seen.append(("params", dict(self.params)))

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(("epoch_end", epoch, logs))

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(("batch_end", batch, logs))


def test_fit_gives_callbacks_keras_params():
    """`callback.params` holds `epochs`, `verbose` and `steps`, as Keras's trainer passes them."""
    model = keras.Sequential([keras.Input((2,)), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    recorder = Recorder()
    model.fit(np.ones((5, 2)), np.array([0, 1, 0, 1, 0]), batch_size=2, epochs=3, verbose=0,
              callbacks=[recorder])
    assert recorder.seen[0] == ("params", {"epochs": 3, "verbose": 0, "steps": 3})


def test_callback_list_passes_index_and_python_float_logs():
    """Every hook gets its epoch or batch index and a logs dict of Python floats (Keras's `pythonify_logs`)."""
    recorder = Recorder()
    callbacks = CallbackList([recorder], FakeModel(), {})
    callbacks.on_epoch_end(2, {"loss": np.float32(0.5), "name": "kept"})
    callbacks.on_train_batch_end(7, {"loss": np.float64(0.25)})
    assert recorder.seen == [("epoch_end", 2, {"loss": 0.5, "name": "kept"}),
                             ("batch_end", 7, {"loss": 0.25})]
    assert type(recorder.seen[0][2]["loss"]) is float and type(recorder.seen[1][2]["loss"]) is float


class LegacyBatchHooks(keras.callbacks.Callback):
    """Overrides only the older names `on_batch_begin` / `on_batch_end`."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_batch_begin(self, batch, logs=None):
        self.seen.append(("begin", batch, dict(logs)))

    def on_batch_end(self, batch, logs=None):
        self.seen.append(("end", batch, sorted(logs)))


def test_older_batch_hook_names_run_after_every_training_batch():
    """`on_batch_begin` / `on_batch_end` get the batch index and its logs, as Keras's defaults pass them."""
    model = keras.Sequential([keras.Input((2,)), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    callback = LegacyBatchHooks()
    model.fit(np.ones((3, 2)), np.array([0, 1, 0]), batch_size=2, epochs=1, verbose=0, callbacks=[callback])
    assert callback.seen == [("begin", 0, {}), ("end", 0, ["loss"]), ("begin", 1, {}), ("end", 1, ["loss"])]


def test_only_callbacks_with_batch_hooks_are_called_per_batch():
    assert not overrides_batch_hooks(History(), "train")
    assert overrides_batch_hooks(TerminateOnNaN(), "train")
    assert overrides_batch_hooks(LegacyBatchHooks(), "train")
    assert not overrides_batch_hooks(LegacyBatchHooks(), "test")


def test_callback_list_has_only_hooks():
    with pytest.raises(AttributeError, match="^set_model$"):
        CallbackList([], FakeModel(), {}).set_model  # noqa: B018 (the attribute lookup is the test)


def test_early_stopping_unknown_monitor_in_auto_mode_raises_even_when_absent_from_the_logs():
    """Keras (``early_stopping.py``) settles the direction before reading the value: an
    unknown monitor in ``mode='auto'`` raises at the first epoch end, never warns and trains on."""
    from scratch_nn.callbacks import EarlyStopping

    callback = EarlyStopping(monitor="unknown", mode="auto")
    with pytest.raises(ValueError, match="callback received monitor='unknown'"):
        callback.on_epoch_end(0, {"loss": 1.0})
