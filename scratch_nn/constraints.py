"""Weight constraints: a function applied to a weight after each optimizer step.

Mirrors ``keras/src/constraints/constraints.py``. A constraint is called on a
weight and returns the projected weight; the model writes it back after every
``apply_gradients``, where Keras assigns ``variable.constraint(variable)``
(``keras/src/optimizers/base_optimizer.py``, ``apply``). With ``norms`` the
L2 norms over ``axis`` (``axis=0`` of a Dense kernel ``(in, units)``: the
incoming weights of each unit), ``eps = 1e-7`` (``epsilon()``)::

    MaxNorm(m):           w * clip(norms, 0, m) / (eps + norms)
    NonNeg():             max(w, 0)
    UnitNorm():           w / (eps + norms)
    MinMaxNorm(a, b, r):  w * (r * clip(norms, a, b) + (1 - r) * norms) / (eps + norms)

Keras's defaults: ``MaxNorm(max_value=2, axis=0)``, ``UnitNorm(axis=0)``,
``MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)``.
"""

import numpy as np

from scratch_nn.config import epsilon
from scratch_nn.serialization import Configurable


class Constraint(Configurable):
    """Base class: ``constraint(w)`` returns the projected weight; the identity here.

    ``get_config()`` / ``from_config()`` come from
    :class:`~scratch_nn.serialization.Configurable`, with Keras's keys
    (``{"max_value": 2, "axis": 0}`` for ``MaxNorm()``).
    """

    def __call__(self, w):
        return w


def _norms(w, axis):
    """``sqrt(sum(w**2, axis, keepdims=True))``."""
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale each slice over ``axis`` whose L2 norm exceeds ``max_value`` to that norm.

    Args:
        max_value: the largest norm allowed (2).
        axis: the axis (or axes) the norms run over (0: each unit's incoming weights).
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (np.asarray(epsilon(), w.dtype) + norms))


class NonNeg(Constraint):
    """Set the negative weights to zero: ``max(w, 0)``."""

    def __call__(self, w):
        return np.maximum(w, 0)


class UnitNorm(Constraint):
    """Divide each slice over ``axis`` by its L2 norm (plus ``epsilon()``)."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (np.asarray(epsilon(), w.dtype) + _norms(w, self.axis))


class MinMaxNorm(Constraint):
    """Move each slice's norm into ``[min_value, max_value]``, by the fraction ``rate`` per step.

    ``rate=1`` enforces the bounds at once; a smaller rate moves the norm
    part of the way each step.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) \
            + (1 - self.rate) * norms
        return w * (desired / (np.asarray(epsilon(), w.dtype) + norms))


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_REGISTRY = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
             "min_max_norm": MinMaxNorm, "MaxNorm": MaxNorm, "NonNeg": NonNeg,
             "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}


def get(identifier):
    """Return a constraint for ``None``, a Keras name (``'max_norm'``...), an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _REGISTRY:
            raise ValueError(f"constraint: unknown constraint {identifier!r}; expected one of "
                             f"{sorted(_REGISTRY)}, a Constraint instance or a function of w")
        return _REGISTRY[identifier]()
    if callable(identifier):
        return identifier
    raise ValueError(f"constraint: expected a name, a Constraint instance or a function of w, "
                     f"received {identifier!r}")
