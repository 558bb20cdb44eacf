"""Weight penalties added to the loss, as Keras adds a layer's ``losses``.

Mirrors ``keras/src/regularizers/regularizers.py``. A regularizer is called
on a weight and returns the penalty; ``gradient(w)`` returns its derivative,
which the model adds to the weight's gradient.

``L1(l1)``: ``R = l1 * sum(|w|)``, ``dR/dw = l1 * sign(w)`` (0 at 0, as
``tf.sign``). ``L2(l2)``: ``R = l2 * sum(w**2)``, ``dR/dw = 2 l2 w``.
``L1L2(l1, l2)``: their sum. Keras's defaults: ``l1(0.01)``, ``l2(0.01)``,
``L1L2(l1=0.0, l2=0.0)``.
"""

import numpy as np

from scratch_nn.config import resolve
from scratch_nn.serialization import Configurable


class Regularizer(Configurable):
    """Base class: ``__call__(w)`` is the penalty, ``gradient(w)`` its derivative.

    ``get_config()`` / ``from_config()`` come from
    :class:`~scratch_nn.serialization.Configurable`, with Keras's keys
    (``{"l2": 0.01}`` for ``L2()``).
    """

    def __call__(self, w):
        raise NotImplementedError

    def gradient(self, w):
        raise NotImplementedError


class L1L2(Regularizer):
    """``R(w) = l1 * sum(|w|) + l2 * sum(w**2)``; ``dR/dw = l1 sign(w) + 2 l2 w``."""

    def __init__(self, l1=0.0, l2=0.0):
        for name, value in (("l1", l1), ("l2", l2)):
            if not np.isfinite(value) or value < 0:
                raise ValueError(
                    f"{type(self).__name__}: {name} must be a finite number >= 0, received {value!r}"
                )
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, w):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.sum(np.abs(w)))
        if self.l2:
            penalty += self.l2 * float(np.sum(np.square(w)))
        return penalty

    def gradient(self, w):
        grad = np.zeros_like(w)
        if self.l1:
            grad += np.asarray(self.l1, w.dtype) * np.sign(w)
        if self.l2:
            grad += np.asarray(2 * self.l2, w.dtype) * w
        return grad


class L1(L1L2):
    """``R(w) = l1 * sum(|w|)``."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(L1L2):
    """``R(w) = l2 * sum(w**2)``."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


l1 = L1
l2 = L2
l1_l2 = L1L2

# Keras registers L1L2 as "l1_l2" and, by its class name, "l1l2"
_REGISTRY = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}


def get(identifier):
    """Return a regularizer for ``None``, a name (``'l1', 'l2', 'l1_l2'``) or an instance."""
    if identifier is None:
        return None
    return resolve("regularizer", identifier, _REGISTRY, Regularizer)
