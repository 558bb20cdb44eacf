"""Callbacks against Keras's own, driven by scripted metric sequences.

Properties (each compared exactly: the scripted values are multiples of 1/16
and the learning rates powers of 2, exact in binary, so both libraries see the
same ties):

- ReduceLROnPlateau: for every monitor, mode (``auto`` included, on loss and
  accuracy monitors), patience, cooldown, min_delta, factor and min_lr drawn,
  the learning rate, ``wait``, ``cooldown_counter`` and ``best`` after every
  epoch equal Keras's;
- EarlyStopping with ``mode='auto'`` on loss and accuracy monitors and
  ``restore_best_weights=True``: the same decisions and the same weights at
  the end as Keras's (the direction of an accuracy comes, in Keras, from the
  compiled metric, so the Keras side runs on a real compiled model);
- TerminateOnNaN stops at the same batch as Keras's on a scripted loss
  sequence with NaN, inf, -inf and missing losses.
"""

import contextlib
import functools
import io
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from tests.hypothesis_profiles import examples

MONITORS = ("loss", "val_loss", "accuracy", "val_accuracy")


@functools.cache
def keras_model():
    """A compiled Keras model whose `accuracy` metric is built (so `mode='auto'` can resolve it).

    Its kernel (1, 2) records the epoch the weights come from.
    """
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.evaluate(np.zeros((2, 1)), np.zeros(2), verbose=0)
    return model


class ScratchModel:
    """What the scratch_nn callbacks touch: weights (the epoch they come from), optimizer, stop_training."""

    def __init__(self, learning_rate=1.0):
        self.weights = [np.full((1, 2), -1.0), np.zeros(2)]
        self.optimizer = scratch_nn.optimizers.SGD(learning_rate=learning_rate)
        self.stop_training = False

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def fresh_keras_model(learning_rate=1.0):
    model = keras_model()
    model.stop_training = False
    model.optimizer.learning_rate = learning_rate
    model.set_weights([np.full((1, 2), -1.0), np.zeros(2)])
    return model


def drive(callback, model, values, record):
    """Epochs with `values` as the monitored metric, `record(callback, model)` after each."""
    callback.set_model(model)
    callback.on_train_begin()
    trace = []
    for epoch, value in enumerate(values):
        model.set_weights([np.full((1, 2), float(epoch)), np.zeros(2)])
        callback.on_epoch_end(epoch, {callback.monitor: value, "unwatched": 0.0})
        trace.append(record(callback, model))
        if model.stop_training:
            break
    callback.on_train_end()
    return trace, float(np.asarray(model.get_weights()[0])[0, 0])


def plateau_state(callback, model):
    """(learning rate, wait, cooldown_counter, best); the rate in float32, as Keras keeps it."""
    best = None if callback.best is None else float(callback.best)
    learning_rate = float(np.float32(np.asarray(model.optimizer.learning_rate)))
    return (learning_rate, callback.wait, callback.cooldown_counter, best)


def printed_words(text):
    """The words of `text`, decimals rounded to 6 digits (Keras prints float32 learning rates)."""
    return [f"{float(w):.6g}" if re.fullmatch(r"-?\d+\.\d+(e-?\d+)?", w) else w
            for w in re.sub(r"(\d)\.(\s|$)", r"\1\2", text).split()]


def early_stopping_state(callback, model):
    best = None if callback.best is None else float(callback.best)
    return (callback.wait, callback.stopped_epoch, callback.best_epoch, best, bool(model.stop_training))


@st.composite
def scripted_values(draw):
    return [v / 16 for v in draw(st.lists(st.integers(0, 16), min_size=1, max_size=12))]


@st.composite
def plateau_cases(draw):
    """ReduceLROnPlateau kwargs (monitor and mode drawn, `auto` on every monitor) and a sequence."""
    mode = draw(st.sampled_from(["auto", "min", "max"]))
    kwargs = {
        "monitor": draw(st.sampled_from(MONITORS)), "mode": mode,
        "factor": draw(st.sampled_from([0.5, 0.25])),
        "patience": draw(st.integers(0, 3)), "cooldown": draw(st.integers(0, 3)),
        "min_delta": draw(st.sampled_from([0, 1, 2])) / 16,
        "min_lr": draw(st.sampled_from([0.0, 0.125])),
    }
    return kwargs, draw(scripted_values())


def check_reduce_lr_on_plateau(kwargs, values):
    ours = drive(scratch_nn.callbacks.ReduceLROnPlateau(**kwargs), ScratchModel(), values, plateau_state)
    theirs = drive(keras.callbacks.ReduceLROnPlateau(**kwargs), fresh_keras_model(), values, plateau_state)
    assert ours == theirs, (
        f"ReduceLROnPlateau({kwargs}) on {values}: (lr, wait, cooldown_counter, best) per epoch, "
        f"scratch_nn {ours} != keras {theirs}")


def check_early_stopping_auto(kwargs, values):
    ours = drive(scratch_nn.callbacks.EarlyStopping(**kwargs), ScratchModel(), values, early_stopping_state)
    theirs = drive(keras.callbacks.EarlyStopping(**kwargs), fresh_keras_model(), values,
                   early_stopping_state)
    assert ours == theirs, (
        f"EarlyStopping({kwargs}) on {values}: (wait, stopped_epoch, best_epoch, best, stop) per "
        f"epoch and final weights, scratch_nn {ours} != keras {theirs}")


@examples(40)
@given(case=plateau_cases())
def test_reduce_lr_on_plateau_decides_like_keras(case):
    check_reduce_lr_on_plateau(*case)


@pytest.mark.parametrize("monitor", MONITORS)
@examples(10)
@given(values=scripted_values(), patience=st.integers(0, 3), min_delta=st.sampled_from([0, 1 / 16]),
       start_from_epoch=st.integers(0, 2))
def test_early_stopping_auto_mode_restores_best_weights_like_keras(
        monitor, values, patience, min_delta, start_from_epoch):
    check_early_stopping_auto({"monitor": monitor, "mode": "auto", "patience": patience,
                               "min_delta": min_delta, "restore_best_weights": True,
                               "start_from_epoch": start_from_epoch}, values)


def test_reduce_lr_on_plateau_cooldown_example():
    """A fixed sequence through a reduction, the cooldown and a second reduction (auto on accuracy)."""
    check_reduce_lr_on_plateau(
        {"monitor": "val_accuracy", "mode": "auto", "factor": 0.5, "patience": 1, "cooldown": 2,
         "min_delta": 0.0, "min_lr": 0.0},
        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.75, 0.5, 0.5])


class StopFlag:
    stop_training = False


def terminate_on_nan_stop(callback_class, losses):
    """The batch at which `callback_class` stops training on `losses` (None: it never does)."""
    callback, model = callback_class(), StopFlag()
    callback.set_model(model)
    for batch, loss in enumerate(losses):
        callback.on_train_batch_end(batch, {} if loss is None else {"loss": loss})
        if model.stop_training:
            return batch
    return None


@examples(30)
@given(losses=st.lists(st.sampled_from([0.5, 2.0, 1e30, None, np.nan, np.inf, -np.inf]), max_size=8))
def test_terminate_on_nan_stops_where_keras_stops(losses):
    with contextlib.redirect_stdout(io.StringIO()):  # both print why they stop
        ours = terminate_on_nan_stop(scratch_nn.callbacks.TerminateOnNaN, losses)
        theirs = terminate_on_nan_stop(keras.callbacks.TerminateOnNaN, losses)
    assert ours == theirs, f"TerminateOnNaN on {losses}: scratch_nn stops at {ours}, keras at {theirs}"


#: Monitored sequences for the default-constructed callbacks (patience 10, min_delta 1e-4):
#: improvements of 1/16, and a long plateau of improvements of 2**-15 (below min_delta).
DEFAULT_SEQUENCES = {
    "improving": [1 - k / 16 for k in range(14)],
    "plateau": [0.5 - k * 2.0**-15 for k in range(15)] + [0.25] + [0.25 - k * 2.0**-15 for k in range(14)],
    "noisy": [0.5, 0.75, 0.25, 0.5, 0.375, 0.25, 0.25, 0.5, 0.25, 0.5, 0.25, 0.25, 0.5, 0.25, 0.25, 0.125]
             + [0.25] * 12,
}


@pytest.mark.parametrize("verbose", [None, 1], ids=["default-verbose", "verbose-1"])
@pytest.mark.parametrize("values", DEFAULT_SEQUENCES.values(), ids=DEFAULT_SEQUENCES)
@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_default_callbacks_decide_and_print_like_keras(name, values, verbose):
    """Constructed with no arguments (or verbose=1 alone): same decisions every epoch, same printed lines."""
    kwargs = {} if verbose is None else {"verbose": verbose}
    record = plateau_state if name == "ReduceLROnPlateau" else early_stopping_state
    outcomes, printed = [], []
    for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model())):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            outcomes.append(drive(getattr(library.callbacks, name)(**kwargs), model, values, record))
        printed.append(printed_words(out.getvalue()))
    assert outcomes[0] == outcomes[1], f"{name}({kwargs}): scratch_nn {outcomes[0]} != keras {outcomes[1]}"
    assert printed[0] == printed[1], f"{name}({kwargs}) printed {printed[0]}, keras {printed[1]}"


@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_unknown_mode_warns_and_falls_back_to_auto_like_keras(name):
    values = DEFAULT_SEQUENCES["noisy"]
    kwargs = {"monitor": "val_loss", "mode": "largest", "patience": 2}
    if name == "ReduceLROnPlateau":
        kwargs["factor"] = 0.5  # exact in float32, however many reductions
    outcomes = []
    for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model())):
        with pytest.warns(UserWarning, match="mode.*largest.*unknown, fallback to auto mode"):
            callback = getattr(library.callbacks, name)(**kwargs)
        record = plateau_state if name == "ReduceLROnPlateau" else early_stopping_state
        outcomes.append(drive(callback, model, values, record))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("monitor", ["val_f1", "my_loss"])
@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_auto_mode_refuses_a_monitor_of_unknown_direction_like_keras(name, monitor):
    """A name that is no compiled metric (Keras) and no known metric name (scratch_nn) is refused."""
    ours = (f"{name} callback received monitor={monitor!r}, but cannot tell whether it should be maximized or "
            "minimized; pass mode='max' or mode='min'")
    theirs = rf"^{name} callback received monitor={monitor}, .*mode='max'"
    for library, model, match in ((scratch_nn, ScratchModel(), f"^{re.escape(ours)}$"),
                                  (keras, fresh_keras_model(), theirs)):
        callback = getattr(library.callbacks, name)(monitor=monitor)
        with pytest.raises(ValueError, match=match):
            drive(callback, model, [0.5], plateau_state if name == "ReduceLROnPlateau" else early_stopping_state)


def test_fresh_base_callback_and_history_like_keras():
    """Before `fit`: no model, no params, and a History with an empty record and no `epoch` yet."""
    states = []
    for library in (scratch_nn, keras):
        callback, history = library.callbacks.Callback(), library.callbacks.History()
        states.append((callback.model, callback.params, history.history, hasattr(history, "epoch")))
    assert states[0] == states[1]


#: Metrics whose direction `mode='auto'` takes from the compiled metric in Keras, and from the
#: name in scratch_nn: accuracies are maximized; errors, cross-entropies and losses minimized.
AUTO_METRICS = ("acc", "accuracy", "categorical_accuracy", "mean_absolute_error", "mae", "mse",
                "mean_squared_error", "categorical_crossentropy", "binary_crossentropy")
#: Rises, falls, and rises again: maximizing and minimizing decide differently at every epoch.
UP_DOWN = [0.5, 0.75, 0.25, 0.125, 0.875, 0.9375, 0.0625]


@functools.cache
def keras_model_with_metric(metric):
    """A compiled Keras model whose metric `metric` is built, so `mode='auto'` can read its direction."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="categorical_crossentropy",
                  metrics=[metric])
    model.evaluate(np.zeros((2, 1)), np.eye(2), verbose=0)
    return model


@pytest.mark.parametrize("prefix", ["", "val_"])
@pytest.mark.parametrize("metric", AUTO_METRICS)
@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_auto_mode_direction_of_each_metric_like_keras(name, metric, prefix):
    """`mode='auto'` on a monitor named after a compiled metric: the decisions of every epoch equal Keras's."""
    kwargs = {"monitor": prefix + metric, "mode": "auto", "patience": 1}
    if name == "ReduceLROnPlateau":
        kwargs.update(factor=0.5, min_delta=0.0)
    record = plateau_state if name == "ReduceLROnPlateau" else early_stopping_state
    keras_model = keras_model_with_metric(metric)
    keras_model.optimizer.learning_rate = 1.0
    keras_model.stop_training = False
    outcomes = [drive(getattr(library.callbacks, name)(**kwargs), model, UP_DOWN, record)
                for library, model in ((scratch_nn, ScratchModel()), (keras, keras_model))]
    assert outcomes[0] == outcomes[1], f"{name}({kwargs}): scratch_nn {outcomes[0]} != keras {outcomes[1]}"


def constructed_state(callback):
    """What a callback holds before `on_train_begin`: its counters, best, and the arguments it kept."""
    names = ("wait", "cooldown_counter", "stopped_epoch", "best", "patience", "cooldown", "factor",
             "min_lr", "min_delta", "monitor", "mode", "baseline", "verbose", "restore_best_weights",
             "start_from_epoch", "best_weights")
    return {n: getattr(callback, n) for n in names if hasattr(callback, n)}


@pytest.mark.parametrize("kwargs", [{}, {"monitor": "accuracy", "patience": 2, "min_delta": -0.5}],
                         ids=["defaults", "given"])
@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_constructed_callback_state_like_keras(name, kwargs):
    """Right after construction (before `on_train_begin`) the counters and kept arguments equal Keras's.

    Neither library warns: the default `mode` is a known one.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = constructed_state(getattr(scratch_nn.callbacks, name)(**kwargs))
    theirs = constructed_state(getattr(keras.callbacks, name)(**kwargs))
    assert {k: ours.get(k) for k in theirs} == theirs


def drive_without_train_begin(callback, model, values, record, runs=2):
    """A custom loop that calls only `on_epoch_end`, `runs` times from epoch 0, with one callback.

    The callback counts from its constructed state, then carries its state into the next run.
    """
    callback.set_model(model)
    trace = []
    for _ in range(runs):
        model.stop_training = False
        for epoch, value in enumerate(values):
            callback.on_epoch_end(epoch, {callback.monitor: value})
            trace.append(record(callback, model))
    return trace


def plateau_setup(name, patience):
    """The arguments both libraries' ``name`` callback is built with, and its state recorder."""
    kwargs = {"monitor": "loss", "patience": patience, "min_delta": 0.0}
    if name == "ReduceLROnPlateau":
        kwargs.update(factor=0.5, cooldown=1)
    return kwargs, (plateau_state if name == "ReduceLROnPlateau" else early_stopping_state)


@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_callbacks_count_from_construction_and_across_runs_like_keras(name):
    """Without `on_train_begin`, counters start where Keras's start and carry over: the same decisions."""
    kwargs, record = plateau_setup(name, patience=2)
    values = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.5, 0.5, 0.5]
    outcomes = [drive_without_train_begin(getattr(library.callbacks, name)(**kwargs), model, values, record)
                for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model()))]
    assert outcomes[0] == outcomes[1], f"{name}({kwargs}): scratch_nn {outcomes[0]} != keras {outcomes[1]}"


@pytest.mark.parametrize("verbose", [0, 1])
def test_early_stopping_restore_message_like_keras(verbose):
    """With `restore_best_weights=True`: the weights, and the lines printed on stopping and restoring."""
    kwargs = {"monitor": "loss", "patience": 1, "restore_best_weights": True, "verbose": verbose}
    outcomes, printed = [], []
    for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model())):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            outcomes.append(drive(library.callbacks.EarlyStopping(**kwargs), model, [0.5, 0.25, 0.5, 0.75],
                                  early_stopping_state))
        printed.append(printed_words(out.getvalue()))
    assert outcomes[0] == outcomes[1]
    assert printed[0] == printed[1], f"EarlyStopping({kwargs}) printed {printed[0]}, keras {printed[1]}"


SCHEDULES = {
    "epoch-and-rate": lambda epoch, learning_rate: learning_rate / 2 if epoch % 2 else learning_rate,
    "epoch-only": lambda epoch: 2.0 ** -epoch,
    "numpy-float32": lambda epoch, learning_rate: np.float32(learning_rate * 4),
}


def drive_scheduler(callback, model, epochs=4):
    """(rate set at each epoch's start, logged `learning_rate` at its end) per epoch, and what was printed."""
    callback.set_model(model)
    trace = []
    with contextlib.redirect_stdout(io.StringIO()) as out:
        for epoch in range(epochs):
            callback.on_epoch_begin(epoch, {})
            logs = {"loss": 0.5}  # Keras replaces an empty logs dict (`logs or {}`) and adds nothing to it
            callback.on_epoch_end(epoch, logs)
            trace.append((float(np.asarray(model.optimizer.learning_rate)), logs["learning_rate"]))
    return trace, printed_words(out.getvalue())


@pytest.mark.parametrize("verbose", [None, 0, 1], ids=["default-verbose", "verbose-0", "verbose-1"])
@pytest.mark.parametrize("schedule", SCHEDULES.values(), ids=SCHEDULES)
def test_learning_rate_scheduler_sets_logs_and_prints_like_keras(schedule, verbose):
    kwargs = {} if verbose is None else {"verbose": verbose}
    ours = drive_scheduler(scratch_nn.callbacks.LearningRateScheduler(schedule, **kwargs),
                           ScratchModel(learning_rate=0.5))
    theirs = drive_scheduler(keras.callbacks.LearningRateScheduler(schedule, **kwargs),
                             fresh_keras_model(learning_rate=0.5))
    assert ours == theirs


@pytest.mark.parametrize("returned", [1, True, "0.5", None, np.int64(1), np.float16(0.5)],
                         ids=["int", "bool", "str", "None", "numpy-int", "numpy-float16"])
def test_learning_rate_scheduler_refuses_a_non_float_like_keras(returned):
    """A schedule must return a float (Python, NumPy float32 or float64), as Keras checks."""
    for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model())):
        callback = library.callbacks.LearningRateScheduler(lambda epoch, learning_rate: returned)
        callback.set_model(model)
        with pytest.raises(ValueError, match="should be a float"):
            callback.on_epoch_begin(0, {})


@pytest.mark.parametrize("factor", [1.0, 1.5])
def test_reduce_lr_on_plateau_refuses_a_factor_of_one_or_more_like_keras(factor):
    for library in (scratch_nn, keras):
        with pytest.raises(ValueError, match=rf"factor >= 1.0. Received factor={factor}"):
            library.callbacks.ReduceLROnPlateau(factor=factor)


#: Epoch logs with the monitor `loss` missing (None: no logs dict at all) before, between and after values.
GAPPY_LOGS = [None, {"accuracy": 0.5}, {"loss": 0.5}, {}, {"loss": 0.5, "accuracy": 0.25}, {"loss": 0.5},
              {"accuracy": 0.75, "val_accuracy": 0.5}, {"loss": 0.5}]


@pytest.mark.parametrize("name", ["EarlyStopping", "ReduceLROnPlateau"])
def test_missing_monitor_warns_and_keeps_state_like_keras(name):
    """Epochs without the monitor: the same warnings, state after each epoch, and logs written back."""
    kwargs, record = plateau_setup(name, patience=1)
    outcomes = []
    for library, model in ((scratch_nn, ScratchModel()), (keras, fresh_keras_model())):
        callback = getattr(library.callbacks, name)(**kwargs)
        callback.set_model(model)
        callback.on_train_begin()
        trace = []
        for epoch, logs in enumerate(GAPPY_LOGS):
            logs = None if logs is None else dict(logs)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                callback.on_epoch_end(epoch, logs)
            said = [str(w.message) for w in caught if w.category is UserWarning]  # not NumPy's deprecations
            trace.append((record(callback, model), logs, said))
        outcomes.append(trace)
    assert outcomes[0] == outcomes[1], f"{name}({kwargs}): scratch_nn {outcomes[0]} != keras {outcomes[1]}"
