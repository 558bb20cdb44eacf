"""ModelCheckpoint against Keras's: the same scripted logs save the same files.

Property: for a drawn monitor (``val_loss``, ``val_accuracy``, ``loss``,
``accuracy``), mode, ``save_best_only``, ``save_weights_only``,
``initial_value_threshold``, ``save_freq`` (``'epoch'`` or every 1-3
batches) and sequence of epoch logs (values multiples of 1/16, exact in
binary, so both see the same ties; sometimes the monitor is missing), the
scratch_nn callback and Keras's, each driven through ``on_epoch_begin`` /
``on_train_batch_end`` / ``on_epoch_end`` with a real model of its own
library, write files of the same names (formatted from
``ckpt-{epoch:02d}...`` with the logs) and end with the same ``best``.
Keras resolves ``mode='auto'`` for accuracies from the compiled metric's
direction, so both models are compiled with ``metrics=['accuracy']``.
Keras's ModelCheckpoint refuses the same constructor arguments, with the
same messages.
"""

import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from tests.hypothesis_profiles import examples

MONITORS = ("val_loss", "val_accuracy", "loss", "accuracy")


@pytest.fixture(scope="module")
def models():
    """A built, compiled, evaluated tiny model of each library (Keras's metrics exist then)."""
    x, y = np.zeros((4, 3), np.float32), np.zeros(4, int)
    ours = scratch_nn.Sequential([scratch_nn.Input((3,)), scratch_nn.layers.Dense(2)])
    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.evaluate(x, y, verbose=0)
    return ours, theirs


@st.composite
def checkpoint_cases(draw):
    epochs = draw(st.integers(1, 6))
    steps = draw(st.integers(1, 3))
    sixteenths = st.integers(0, 32).map(lambda k: k / 16)
    monitor = draw(st.sampled_from(MONITORS))
    logs = []
    for _ in range(epochs):
        entry = {"loss": draw(sixteenths), "accuracy": draw(sixteenths),
                 "val_loss": draw(sixteenths), "val_accuracy": draw(sixteenths)}
        if draw(st.integers(0, 5)) == 0:
            del entry[monitor]
        logs.append(entry)
    save_freq = draw(st.sampled_from(["epoch", 1, 2, 3]))
    weights_only = draw(st.booleans())
    in_name = "loss" if monitor != "loss" else "val_loss"  # a key every epoch's logs hold
    name = "ckpt-{epoch:02d}" + ("-{batch:02d}" if save_freq != "epoch" else f"-{{{in_name}:.3f}}")
    return {
        "filepath": name + (".weights.h5" if weights_only else ".keras"),
        "monitor": monitor,
        "mode": draw(st.sampled_from(["auto", "min", "max"])),
        "save_best_only": draw(st.booleans()),
        "save_weights_only": weights_only,
        "save_freq": save_freq,
        "initial_value_threshold": draw(st.none() | sixteenths),
    }, logs, steps


def run(callback_class, model, kwargs, logs, steps):
    """Drive a checkpoint callback through scripted epochs; return (files written, best)."""
    with tempfile.TemporaryDirectory() as folder:
        kwargs = {**kwargs, "filepath": os.path.join(folder, kwargs["filepath"])}
        callback = callback_class(**kwargs)
        callback.set_model(model)
        if isinstance(callback, keras.callbacks.ModelCheckpoint):
            # Keras 3 picks its comparison at the first epoch end only, so a second
            # batch-level save_best_only save before it raises TypeError (monitor_op is
            # None). Picking it up front is what Keras does from the second epoch on.
            callback._set_monitor_op()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch, epoch_logs in enumerate(logs):
                callback.on_epoch_begin(epoch)
                for step in range(steps):
                    callback.on_train_batch_end(step, dict(epoch_logs))
                callback.on_epoch_end(epoch, dict(epoch_logs))
        return sorted(os.listdir(folder)), callback.best


@examples(12)
@given(case=checkpoint_cases())
def test_checkpoint_saves_what_keras_saves(models, case):
    kwargs, logs, steps = case
    ours, theirs = models
    expected = run(keras.callbacks.ModelCheckpoint, theirs, kwargs, logs, steps)
    actual = run(scratch_nn.callbacks.ModelCheckpoint, ours, kwargs, logs, steps)
    assert actual == expected, f"{kwargs}, logs {logs}, {steps} steps"


@pytest.mark.parametrize("kwargs", [
    {"filepath": "w.h5", "save_weights_only": True},
    {"filepath": "w.npz", "save_weights_only": True},
    {"filepath": "m.tf"},
    {"filepath": "m.keras", "save_freq": "batch"},
])
def test_checkpoint_refuses_what_keras_refuses(kwargs):
    with pytest.raises(ValueError) as theirs:
        keras.callbacks.ModelCheckpoint(**kwargs)
    with pytest.raises(ValueError) as ours:
        scratch_nn.callbacks.ModelCheckpoint(**kwargs)
    assert str(ours.value) == str(theirs.value)


def test_checkpoint_inside_fit_keeps_the_best_model(tmp_path):
    """In ``fit``: the file left holds the epoch with the lowest val_loss."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((40, 3)).astype(np.float32), rng.integers(0, 2, 40)
    model = scratch_nn.Sequential([scratch_nn.Input((3,)), scratch_nn.layers.Dense(2, "softmax")])
    model.compile(optimizer=scratch_nn.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    path = tmp_path / "best.keras"
    keep = scratch_nn.callbacks.ModelCheckpoint(path, save_best_only=True)
    recorder = []

    class Record(scratch_nn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            recorder.append((logs["val_loss"], self.model.get_weights()))

    model.fit(x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=[keep, Record()])
    best_weights = min(recorder, key=lambda r: r[0])[1]
    for a, b in zip(scratch_nn.models.load_model(path).get_weights(), best_weights):
        np.testing.assert_array_equal(a, b)
