"""The loss contract, shared by every loss module: ``Loss``, Keras's arguments, Keras's shape rule.

A loss object gives the batch mean of its per-sample values (Keras's
``"sum_over_batch_size"`` reduction, ``keras/src/losses/loss.py``) and, for
training, that mean's gradient with respect to the predictions. Kept apart
from the losses themselves so that :mod:`scratch_nn.losses` (the public
path, the cross-entropies and the registry), :mod:`scratch_nn.regression_losses`,
:mod:`scratch_nn.hinge_losses` and :mod:`scratch_nn.probabilistic_losses`
share it without importing each other.
"""

import numpy as np

from scratch_nn.config import floatx
from scratch_nn.loss_reduction import (
    DEFAULT_REDUCTION,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from scratch_nn.serialization import Configurable
from scratch_nn.tensor import as_tensor

#: Keras loss arguments scratch_nn accepts at their defaults only (the reduction is
#: always the batch mean, over the last axis, in ``y_pred``'s dtype).
_KERAS_DEFAULTS = {"reduction": "sum_over_batch_size", "axis": -1, "dtype": None,
                   "ignore_class": None}


def _check_keras_kwargs(loss, kwargs, allowed=("reduction", "axis", "dtype")):
    """Refuse, by name, a Keras loss argument set away from its default; reject unknown ones.

    ``reduction`` is taken (any of Keras's) and applies when the loss is
    called directly; ``compile`` refuses a loss whose reduction is not the
    default.
    """
    for arg, value in kwargs.items():
        if arg == "reduction" and arg in allowed:
            loss.reduction = standardize_reduction(value, type(loss).__name__)
            continue
        if arg not in allowed:
            raise TypeError(f"{type(loss).__name__}.__init__() got an unexpected keyword "
                            f"argument {arg!r}")
        if value != _KERAS_DEFAULTS[arg]:
            raise NotImplementedError(
                f"{type(loss).__name__}: {arg}={value!r} is not supported by scratch_nn "
                f"(leave it at {_KERAS_DEFAULTS[arg]!r})"
            )


class Loss(Configurable):
    """Base class: ``loss(y_true, y_pred)`` is the batch mean, ``gradient`` its derivative.

    ``get_config()`` / ``from_config()`` come from
    :class:`~scratch_nn.serialization.Configurable`: the constructor's
    arguments and ``reduction``, the keys of Keras's ``Loss.get_config``
    (``keras/src/losses/loss.py``).

    Args:
        name: the loss's name (the class's Keras name by default).
        **kwargs: Keras's ``reduction``, ``axis`` and ``dtype``, accepted at their
            defaults only (``NotImplementedError`` naming the argument otherwise).
    """

    name = None
    #: Keras's ``reduction``; see :mod:`scratch_nn.loss_reduction`
    reduction = DEFAULT_REDUCTION
    _config_extra = ("reduction",)

    def __init__(self, name=None, **kwargs):
        _check_keras_kwargs(self, kwargs)
        if name is not None:
            self.name = name
    #: whether a softmax output is scored from its logits (cross-entropies only)
    fuses_softmax = False

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss, a :class:`~scratch_nn.tensor.Tensor` (``.numpy()`` works).

        The batch mean by default; ``sample_weight`` (a scalar, one weight per
        sample, or per time step) and ``reduction`` as Keras's ``Loss.__call__``
        (:func:`~scratch_nn.loss_reduction.reduce_weighted_values`).
        """
        values = self.per_sample(y_true, np.asarray(y_pred))
        if sample_weight is None and self.reduction == DEFAULT_REDUCTION:
            return as_tensor(np.mean(values))
        return as_tensor(reduce_weighted_values(values, sample_weight, self.reduction))

    def per_sample(self, y_true, y_pred):
        """The loss of each sample, shape ``(n,)``."""
        raise NotImplementedError(f"{type(self).__name__} defines no per_sample(y_true, y_pred)")

    def gradient(self, y_true, y_pred):
        """``dL/dy_pred`` of the batch-mean loss, shape of ``y_pred``."""
        raise NotImplementedError(f"{type(self).__name__} defines no gradient(y_true, y_pred)")


def as_prediction(y_pred):
    """``y_pred`` as a float array (``floatx()`` when given integers, as Keras converts it)."""
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.astype(floatx())


def same_rank(y_true, y_pred):
    """``y_true`` in ``y_pred``'s dtype, both brought to one rank by Keras's rule; ``(t, p)``.

    Keras's ``squeeze_or_expand_to_same_rank`` (``keras/src/losses/loss.py``),
    which every Keras loss class applies first: when the ranks differ by one
    and the longer ends in an axis of 1, that axis is dropped, except that a
    1-D array facing ``(n, 1)`` gains it instead. So labels ``(n,)`` score
    outputs ``(n, 1)`` sample by sample, never as an ``(n, n)`` broadcast.

    Raises:
        ValueError: ``y_true`` would broadcast ``y_pred`` to a larger shape
            (the gradient would not have ``y_pred``'s shape).
    """
    p = as_prediction(y_pred)
    t, p = squeeze_or_expand_to_same_rank(np.asarray(y_true, p.dtype), p)
    if np.broadcast_shapes(t.shape, p.shape) != p.shape:
        raise ValueError(f"y_true of shape {np.shape(y_true)} does not fit y_pred of shape "
                         f"{np.shape(y_pred)}: expected y_pred's shape, or one that broadcasts to it")
    return t, p
