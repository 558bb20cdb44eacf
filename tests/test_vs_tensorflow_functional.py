"""The functional API against Keras: the same code, run with either library, computes the same.

Property: one function builds ``Input -> Flatten -> Dense(relu, L2) ->
BatchNormalization -> Dense(softmax)`` with ``lib.Input``, calls on
tensors and ``lib.Model(inputs=..., outputs=...)`` and compiles it, for
``lib`` = ``keras`` or ``scratch_nn`` (the module swapped, as
``keras_ref.examples`` swaps it). With Keras's initial weights copied over,
both give the same predictions, and one ``fit`` epoch of 4 batches (shuffle
off, each optimizer) gives the same logs and weights.

Tolerances, float32: predictions 1e-5 relative to the largest entry; after
the epoch, weights 1e-4 and logs 1e-5, those of
``tests/test_vs_tensorflow_trajectories.py`` (same model family, the same
reasons).
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref import oracle, transfer
from tests.tolerances import assert_all_close, assert_close

PREDICT_RTOL, WEIGHTS_RTOL, LOSS_RTOL = 1e-5, 1e-4, 1e-5


def functional_mlp(lib, optimizer):
    """Keras functional code, written once; ``lib`` is ``keras`` or ``scratch_nn``."""
    inputs = lib.Input(shape=(4, 3))
    x = lib.layers.Flatten()(inputs)
    x = lib.layers.Dense(16, activation="relu", use_bias=False,
                         kernel_regularizer=lib.regularizers.L2(2.0**-8))(x)
    x = lib.layers.BatchNormalization()(x)
    outputs = lib.layers.Dense(5, activation="softmax")(x)
    model = lib.Model(inputs=inputs, outputs=outputs, name="mlp")
    model.compile(optimizer=getattr(lib.optimizers, optimizer)(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "RMSprop"])
def test_functional_code_runs_the_same_in_both_libraries(optimizer):
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, (64, 4, 3)).astype(np.float32)
    y = rng.integers(0, 5, 64)
    keras.utils.set_random_seed(3)
    theirs = functional_mlp(keras, optimizer)
    ours = functional_mlp(scratch_nn, optimizer)
    transfer.keras_to_scratch(theirs, ours)
    assert_all_close([ours.predict(x, verbose=0)], [theirs.predict(x, verbose=0)],
                     PREDICT_RTOL, "predictions")

    expected_history, expected_weights = oracle.fit_history(theirs, x, y, batch_size=16,
                                                            epochs=1, shuffle=False)
    history = ours.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert sorted(history.history) == sorted(expected_history)
    for key, values in expected_history.items():
        assert_close(history.history[key][0], values[0], LOSS_RTOL, f"{optimizer}: {key}")
    assert_all_close(ours.get_weights(), expected_weights[0], WEIGHTS_RTOL,
                     f"{optimizer}: weights after one epoch")
    assert [type(layer).__name__ for layer in ours.layers] == [
        type(layer).__name__ for layer in theirs.layers]
