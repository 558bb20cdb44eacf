"""Keras's utilities: ``set_random_seed``, ``normalize``, ``to_categorical``, float type, ``clear_session``.

Mirrors ``keras/src/utils/rng_utils.py`` and ``numerical_utils.py``;
``clear_session`` is :func:`scratch_nn.backend.clear_session`, exported here
too as ``keras.utils.clear_session`` is.
"""

import numpy as np

from scratch_nn import random as _random
from scratch_nn.backend import clear_session
from scratch_nn.config import floatx, set_floatx
from scratch_nn.unsupported import UNSUPPORTED_UTILS, module_getattr

__all__ = ["clear_session", "floatx", "normalize", "set_floatx", "set_random_seed",
           "to_categorical"]


def set_random_seed(seed):
    """Seed everything scratch_nn draws from (and NumPy's legacy global RNG).

    After ``set_random_seed(s)``, building and training the same model on the
    same data repeats bit for bit: initializers, dropout masks and shuffles
    all draw from one generator, in a fixed order.
    """
    _random.set_seed(seed)
    np.random.seed(seed)


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its ``order``-norm along ``axis`` (``keras.utils.normalize``).

    ``y = x / ||x||_order`` along ``axis``; zero norms are replaced by 1 so
    zero rows stay zero. This is an L2 normalization, **not** a scaling of
    pixels to [0, 1]: ``normalize(x_train, axis=1)`` on MNIST images of shape
    ``(n, 28, 28)`` makes each image **column** (the 28 pixels down one
    column) a unit vector. Returns floats (float64 for integer input, as
    NumPy's ``linalg.norm`` gives).

    One deliberate difference from Keras 3 (``keras/src/utils/numerical_utils.py``):
    Keras writes ``axis = axis or -1`` before re-expanding the norm, so
    ``axis=0`` divides along the last axis instead (a broadcast error, or a
    silently wrong result for a square array). Here ``axis=0`` normalizes
    along axis 0, as the docstring of both promises.
    """
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, -1 if axis is None else axis)


def to_categorical(x, num_classes=None):
    """One-hot encode class indices: ``(n,)`` ints to an ``(n, num_classes)`` float array.

    ``num_classes`` defaults to ``max(x) + 1``. A trailing axis of 1 is
    dropped first, as Keras does.
    """
    x = np.asarray(x, dtype="int64")
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x.reshape(x.shape[:-1])
    if x.size and x.min() < 0:
        raise ValueError(f"to_categorical: class indices must be >= 0, received min {x.min()}")
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    elif x.size and x.max() >= num_classes:
        raise ValueError(
            f"to_categorical: class index {int(x.max())} out of range for num_classes={num_classes}"
        )
    out = np.zeros(x.shape + (num_classes,), dtype=floatx())
    np.put_along_axis(out, x[..., None], 1, axis=-1)
    return out


__getattr__ = module_getattr("keras.utils", UNSUPPORTED_UTILS)
