"""Training with the new pieces, the same code in both libraries: the same epoch logs.

The program below is written once and run with ``lib = keras`` and
``lib = scratch_nn``: a sigmoid output trained on ``'binary_crossentropy'``
with label smoothing, Nadam on a ``CosineDecay`` schedule with warm-up (or
SGD on ``InverseTimeDecay``, or Adam with ``decay=`` ignored), and metric
objects in ``compile``. scratch_nn starts from Keras's initial weights;
full batches and ``shuffle=False`` remove every other source of difference.
Property: the same keys in ``History`` and the same values after every
epoch, within 1e-4 relative (float32 on both sides).
"""

import warnings

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import scratch_nn
from keras_ref import transfer


def program(lib, optimizer_name):
    """The user's code: model, optimizer, loss and metrics from ``lib``."""
    optimizer = {
        "nadam_cosine": lambda: lib.optimizers.Nadam(lib.optimizers.schedules.CosineDecay(
            0.001, decay_steps=4, warmup_target=0.05, warmup_steps=2)),
        "sgd_inverse_time": lambda: lib.optimizers.SGD(
            lib.optimizers.schedules.InverseTimeDecay(0.5, decay_steps=1, decay_rate=0.5),
            momentum=0.9),
        "adam_decay": lambda: lib.optimizers.Adam(learning_rate=0.01, decay=1e-3),
    }[optimizer_name]
    model = lib.Sequential([
        lib.Input((6,)),
        lib.layers.Dense(8, activation="relu"),
        lib.layers.Dense(1, activation="sigmoid"),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # decay=: both libraries warn
        model.compile(optimizer=optimizer(),
                      loss=lib.losses.BinaryCrossentropy(label_smoothing=0.1),
                      metrics=["accuracy", lib.metrics.BinaryAccuracy(threshold=0.4),
                               lib.metrics.BinaryCrossentropy()])
    return model


@pytest.mark.parametrize("optimizer_name", ["nadam_cosine", "sgd_inverse_time", "adam_decay"])
def test_same_program_same_logs(optimizer_name):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(48, 6)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")  # (n, 1): Keras's BCE metric needs the rank
    theirs = program(keras, optimizer_name)
    ours = program(scratch_nn, optimizer_name)
    ours.build((None, 6))
    transfer.keras_to_scratch(theirs, ours)
    fit = {"epochs": 6, "batch_size": 48, "shuffle": False, "verbose": 0,
           "validation_data": (x[:16], y[:16])}
    h_theirs = theirs.fit(x, y, **fit).history
    h_ours = ours.fit(x, y, **fit).history
    assert set(h_ours) == set(h_theirs)
    for key, values in h_theirs.items():
        np.testing.assert_allclose(h_ours[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
