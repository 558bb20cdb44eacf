"""Hinge losses, for outputs scored by their margin: hinge, squared hinge, categorical hinge.

Mirrors ``keras/src/losses/losses.py`` (``Hinge``, ``SquaredHinge``,
``CategoricalHinge`` and their functions). ``t`` is ``y_true``, ``p``
``y_pred``; ``n k`` is the number of entries of ``p``.

Hinge and squared hinge want labels -1 or 1; labels that are all 0 or 1
are first mapped to ``2 t - 1``, as Keras's ``convert_binary_labels_to_hinge``
does (judged over the whole array). The margin ``e = 1 - t p`` is positive
while a prediction is on the wrong side or too close to the boundary.

The functions take the arrays as given (NumPy broadcasting, as Keras's
functions do); the classes first bring them to one rank
(:func:`~scratch_nn.loss_base.same_rank`), as Keras's classes do, and give
the batch mean and its gradient. At a margin of exactly 0 the gradient is
TensorFlow's: ``maximum(e, 0)`` passes it to ``e`` when ``e >= 0``.
"""

import numpy as np

from scratch_nn.loss_base import Loss, as_prediction, same_rank


def _hinge_labels(t):
    """``2 t - 1`` when every label is 0 or 1, else ``t`` unchanged."""
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def _cast(y_true, y_pred):
    p = as_prediction(y_pred)
    return np.asarray(y_true, p.dtype), p


def hinge(y_true, y_pred):
    """``mean(max(1 - t p, 0), axis=-1)`` per sample (0/1 labels mapped to -1/1)."""
    t, p = _cast(y_true, y_pred)
    return np.mean(np.maximum(1 - _hinge_labels(t) * p, 0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - t p, 0)**2, axis=-1)`` per sample (0/1 labels mapped to -1/1)."""
    t, p = _cast(y_true, y_pred)
    return np.mean(np.square(np.maximum(1 - _hinge_labels(t) * p, 0)), axis=-1)


def _categorical_margin(t, p):
    """``neg - pos + 1``: the best wrong class's score over the true class's, plus 1; and ``(1 - t) p``."""
    wrong = (1 - t) * p
    return np.max(wrong, axis=-1) - np.sum(t * p, axis=-1) + 1, wrong


def categorical_hinge(y_true, y_pred):
    """``max(neg - pos + 1, 0)`` per sample, ``pos = sum(t p)``, ``neg = max((1 - t) p)`` (one-hot ``t``)."""
    t, p = _cast(y_true, y_pred)
    return np.maximum(_categorical_margin(t, p)[0], 0)


class Hinge(Loss):
    """``L = mean max(e, 0)``, ``e = 1 - t p``; ``dL/dp = -t [e >= 0] / (n k)``."""

    name = "hinge"

    def per_sample(self, y_true, y_pred):
        return hinge(*same_rank(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        t = _hinge_labels(t)
        grad = -t * (1 - t * p >= 0)
        return (grad / p.size).reshape(np.shape(y_pred))


class SquaredHinge(Loss):
    """``L = mean max(e, 0)**2``, ``e = 1 - t p``; ``dL/dp = -2 t max(e, 0) / (n k)``."""

    name = "squared_hinge"

    def per_sample(self, y_true, y_pred):
        return squared_hinge(*same_rank(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        t = _hinge_labels(t)
        grad = -2 * t * np.maximum(1 - t * p, 0)
        return (grad / p.size).reshape(np.shape(y_pred))


class CategoricalHinge(Loss):
    """``L = mean over samples of max(neg - pos + 1, 0)`` (see :func:`categorical_hinge`).

    Where the margin ``neg - pos + 1 >= 0``, the true class's score is pushed
    up and the best wrong class's down::

        dL/dp = ((1 - t) w - t) / n,   w = [(1 - t) p == neg] / (number of such entries)

    A tie for the best wrong class shares the gradient equally between the
    tied entries, as TensorFlow's ``reduce_max`` gradient does.
    """

    name = "categorical_hinge"

    def per_sample(self, y_true, y_pred):
        return categorical_hinge(*same_rank(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        margin, wrong = _categorical_margin(t, p)
        best = wrong == np.max(wrong, axis=-1, keepdims=True)
        share = best / np.sum(best, axis=-1, keepdims=True)
        grad = ((1 - t) * share - t) * (margin >= 0)[..., None]
        return (grad / margin.size).astype(p.dtype).reshape(np.shape(y_pred))
