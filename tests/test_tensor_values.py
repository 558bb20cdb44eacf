"""``.numpy()`` on what Keras returns as tensors and variables, the same code in both libraries.

The pattern, run with ``module = keras`` and ``module = scratch_nn``: call the
model on data, score it with a loss object, read and assign the optimizer's
learning rate, each read back with ``.numpy()``. The values agree within
1e-6 relative (float32, the default float type); types are NumPy's.
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

import scratch_nn


def read_back(module, weights=None):
    """Model output, loss value and learning rates, all through ``.numpy()``."""
    model = module.Sequential([module.Input((4,)), module.layers.Dense(3, activation="softmax")])
    if weights is not None:
        model.set_weights(weights)
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    probabilities = model(x).numpy()
    loss = module.losses.SparseCategoricalCrossentropy()(np.array([0, 2]), model(x)).numpy()
    optimizer = module.optimizers.Adam(learning_rate=0.01)
    before = optimizer.learning_rate.numpy()
    optimizer.learning_rate.assign(0.05)
    after = float(optimizer.learning_rate)
    return model.get_weights(), probabilities, loss, before, after


def test_numpy_reads_the_same_values_in_both_libraries():
    weights, *ours = read_back(scratch_nn)
    _, *theirs = read_back(keras, weights)
    for name, a, b in zip(("model(x)", "loss", "learning_rate", "assigned"), ours, theirs):
        assert type(np.asarray(a)) is np.ndarray, name
        np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=name)
    assert type(ours[0]) is np.ndarray  # .numpy() gives a plain array, not the Tensor type


def test_predict_returns_a_plain_array_as_keras_does():
    model = scratch_nn.Sequential([scratch_nn.Input((4,)), scratch_nn.layers.Dense(3)])
    assert type(model.predict(np.ones((2, 4)), verbose=0)) is np.ndarray
