"""What Keras returns as tensors and variables, as NumPy values with ``.numpy()``.

Keras code reads results with ``.numpy()``: ``model(x).numpy()``,
``loss_fn(y, p).numpy()``, ``optimizer.learning_rate.numpy()``. scratch_nn
computes with NumPy arrays, so these are thin NumPy types that answer the
same calls and behave as arrays and floats everywhere else:

- :class:`Tensor`: an ``ndarray`` (``model(x)``, ``layer(x)``, a loss
  object's value); ``.numpy()`` returns it as a plain ``ndarray``. NumPy
  operations on a ``Tensor`` return ``Tensor`` s, as TensorFlow operations
  on tensors return tensors. ``model.predict`` returns a plain ``ndarray``,
  as Keras's does.
- :class:`ScalarVariable`: a Python ``float`` (``optimizer.learning_rate``)
  with ``.numpy()`` and ``.assign(value)``. It is a snapshot: ``assign``
  sets the optimizer's learning rate, and the next read of
  ``optimizer.learning_rate`` shows it (the float itself cannot change).
- :class:`SampleShape`: the shape of one sample (no batch axis), as
  scratch_nn's own calls pass it to a layer's ``build``.
"""

import numpy as np

from scratch_nn.config import floatx


class Tensor(np.ndarray):
    """A NumPy array with ``.numpy()``, as a TensorFlow tensor has."""

    def numpy(self):
        """The values as a plain ``ndarray`` (a view, no copy)."""
        return self.view(np.ndarray)


def as_tensor(value):
    """``value`` (an array or a NumPy scalar) as a :class:`Tensor`, without copying arrays."""
    return np.asarray(value).view(Tensor)


class ScalarVariable(float):
    """A float read from a settable attribute, with Keras ``Variable``'s ``numpy`` and ``assign``.

    Args:
        value: the current value.
        owner, attribute: ``assign(v)`` runs ``setattr(owner, attribute, v)``.
    """

    def __new__(cls, value, owner, attribute):
        obj = super().__new__(cls, value)
        obj._owner, obj._attribute = owner, attribute
        return obj

    def numpy(self):
        """The value as a NumPy scalar of ``floatx()``, as Keras's variable gives it."""
        return np.dtype(floatx()).type(self)

    @property
    def value(self):
        """The value, as Keras's ``Variable.value`` (a NumPy scalar of ``floatx()``)."""
        return self.numpy()

    def assign(self, value):
        """Set the owner's attribute to ``value`` (as ``variable.assign(value)``); returns ``value``."""
        setattr(self._owner, self._attribute, value)
        return value


class SampleShape(tuple):
    """The shape of one sample, as scratch_nn's own calls pass it to ``build``.

    Keras code calls ``build`` with a batch shape; see
    :func:`scratch_nn.layers.base.batchless_shape`, which tells the two apart.
    """
