"""Models and data the ported callback cases share (ours; Keras's tests build the same shapes)."""

import numpy as np

import scratch_nn as keras


def two_dense_relu(loss="mse", optimizer="adam", metrics=()):
    """``Sequential((Dense(1, relu), Dense(1, relu)))`` on 5 features, compiled."""
    model = keras.Sequential([keras.layers.Input((5,)),
                              keras.layers.Dense(1, activation="relu"),
                              keras.layers.Dense(1, activation="relu")])
    model.compile(loss=loss, optimizer=optimizer, metrics=list(metrics))
    return model


def regression_data(rng, n=10, features=5):
    """``x`` ``(n, features)`` and ``y`` ``(n, 1)``, uniform in [0, 1)."""
    return rng.random((n, features)), rng.random((n, 1))


def classification_data(rng, n=10, features=3, classes=2):
    """Keras's ``test_utils.get_test_data`` shapes: ``x`` ``(n, features)``, one-hot ``y``."""
    x = rng.random((n, features))
    y = np.eye(classes)[rng.integers(0, classes, n)]
    return x, y


def dense5_dense2(optimizer):
    """``Sequential([Dense(5), Dense(2)])`` on 3 features, loss mse."""
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(5),
                              keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer=optimizer)
    return model
