"""MNIST for the experiments, and the input preprocessings they compare.

The digits come from ``scratch_nn.datasets.mnist.load_data()`` (the same
arrays for both backends; set ``MNIST_DATA_DIR`` to a folder of the four IDX
files on a machine without internet). A budget may keep only the first
samples of each split, for quick runs.
"""

import functools

import numpy as np


def available():
    """Whether MNIST can be loaded without downloading it."""
    from scratch_nn.datasets import mnist

    return mnist.available()


@functools.lru_cache(maxsize=2)
def load(train_size=None, test_size=None):
    """The first ``train_size`` / ``test_size`` MNIST samples (None: all).

    Returns:
        (x_train, y_train, x_test, y_test): uint8 images ``(n, 28, 28)`` with
        pixels 0..255 and uint8 labels ``(n,)``; read-only, shared between runs.
    """
    # Imported here so that the scratch_nn import is timed by the first scratch run.
    from scratch_nn.datasets import mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    arrays = (x_train[:train_size], y_train[:train_size], x_test[:test_size], y_test[:test_size])
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _raw(module, x_train, x_test):
    """Pixels as they are, 0..255 (the seed's Examples 1 and 2)."""
    return x_train, x_test


def _scale(module, x_train, x_test):
    """x / 255: pixels in [0, 1], train and test alike (the usual fix)."""
    return x_train / 255.0, x_test / 255.0


def _standardize(module, x_train, x_test):
    """(x - mean) / std, with the training set's global pixel mean and std."""
    mean, std = x_train.mean(), x_train.std()
    return (x_train - mean) / std, (x_test - mean) / std


def _normalize(module, x_train, x_test):
    """``normalize(x, axis=1)`` on train and test: each image column / its L2 norm."""
    return module.utils.normalize(x_train, axis=1), module.utils.normalize(x_test, axis=1)


def _normalize_train_only(module, x_train, x_test):
    """The seed's Example 3 as written: ``normalize(x_train, axis=1)``, test left raw."""
    return module.utils.normalize(x_train, axis=1), x_test


#: Name -> function(module, x_train, x_test) -> (x_train, x_test).
PREPROCESSING = {
    "raw": _raw,
    "scale": _scale,
    "standardize": _standardize,
    "normalize": _normalize,
    "normalize_train_only": _normalize_train_only,
}


def preprocess(module, name, x_train, x_test, dtype="float32"):
    """Apply preprocessing ``name`` with the backend's own utilities.

    ``normalize`` is the backend's ``utils.normalize`` (Keras's
    ``keras.utils.normalize`` on the Keras backend), so each backend is
    measured on what its own function computes.

    Returns:
        (x_train, x_test) as ``dtype`` arrays of the same shapes.
    """
    if name not in PREPROCESSING:
        raise ValueError(f"unknown preprocessing {name!r}; choose from {sorted(PREPROCESSING)}")
    x_train = np.asarray(x_train, dtype="float64")
    x_test = np.asarray(x_test, dtype="float64")
    x_train, x_test = PREPROCESSING[name](module, x_train, x_test)
    return np.asarray(x_train, dtype=dtype), np.asarray(x_test, dtype=dtype)
