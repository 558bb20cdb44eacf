"""Regression losses: MAE, MAPE, MSLE, Huber, log-cosh, cosine similarity, with their gradients.

Mirrors ``keras/src/losses/losses.py`` (the classes ``MeanAbsoluteError``...
and the functions ``mean_absolute_error``...). ``t`` is ``y_true``, ``p``
``y_pred``, ``e = p - t``, ``eps = 1e-7`` (``config.epsilon()``); ``n k`` is
the number of entries of ``p`` (``n`` samples of ``k`` outputs).

Each function returns one value per sample, the mean over the last axis
(cosine similarity: a sum over ``axis``), and brings ``y_true`` and
``y_pred`` to one rank first (:func:`~scratch_nn.loss_base.same_rank`), as
Keras's do. Each class is the batch mean of its function, Keras's
``"sum_over_batch_size"``, and gives that mean's gradient ``dL/dp`` in
``p``'s shape and dtype. Where the function has a kink (``|e|`` at 0, a
``max`` at a tie), the gradient takes the side TensorFlow's does: ``abs``
has slope 0 at 0, ``maximum(a, b)`` passes the gradient to ``a`` when
``a >= b``.
"""

import math

import numpy as np

from scratch_nn.config import epsilon
from scratch_nn.loss_base import Loss, same_rank


def mean_absolute_error(y_true, y_pred):
    """``mean(|t - p|, axis=-1)`` per sample."""
    t, p = same_rank(y_true, y_pred)
    return np.mean(np.abs(t - p), axis=-1)


def _percentage_denominator(t):
    """``max(|t|, eps)``: MAPE's divisor, so that a zero target does not divide by zero."""
    return np.maximum(np.abs(t), np.asarray(epsilon(), t.dtype))


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 mean(|(t - p) / max(|t|, eps)|, axis=-1)`` per sample."""
    t, p = same_rank(y_true, y_pred)
    return 100.0 * np.mean(np.abs((t - p) / _percentage_denominator(t)), axis=-1)


def _msle_epsilon(dtype):
    """MSLE's ``eps``: Keras makes it a float32 tensor whatever the dtype (1.0000000117e-7 in float64)."""
    return np.asarray(np.float32(epsilon()), dtype)


def _log1p_clipped(a):
    """``log(max(a, eps) + 1)``, MSLE's logarithm (negative values count as ``eps``)."""
    return np.log(np.maximum(a, _msle_epsilon(a.dtype)) + 1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(p, eps) + 1) - log(max(t, eps) + 1))**2, axis=-1)`` per sample."""
    t, p = same_rank(y_true, y_pred)
    return np.mean(np.square(_log1p_clipped(p) - _log1p_clipped(t)), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """``mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2, axis=-1)`` per sample."""
    t, p = same_rank(y_true, y_pred)
    e = p - t
    delta = np.asarray(delta, p.dtype)
    quadratic = np.abs(e) <= delta
    return np.mean(np.where(quadratic, 0.5 * e * e, delta * np.abs(e) - 0.5 * delta * delta), axis=-1)


_LOG_2 = float(np.float32(math.log(2.0)))


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(e)), axis=-1)`` per sample, computed as ``e + softplus(-2 e) - log 2``.

    The rewritten form is Keras's: ``cosh`` overflows for ``|e| > 710``
    (float64) or ``89`` (float32), the rewritten one never does. Keras
    takes ``log 2`` as computed in float32 (``ops.log(2.0)``), also in
    float64 (1.9e-9 above the exact value), and so does this.
    """
    t, p = same_rank(y_true, y_pred)
    e = p - t
    return np.mean(e + np.logaddexp(0, -2 * e) - _LOG_2, axis=-1)


def _l2_normalize(a, axis):
    """``a * min(1 / sqrt(sum(a**2)), 1 / eps)`` along ``axis`` and that factor, Keras's ``normalize``."""
    with np.errstate(divide="ignore"):
        inverse = 1 / np.sqrt(np.sum(a * a, axis=axis, keepdims=True))
    return a * np.minimum(inverse, np.asarray(1 / epsilon(), a.dtype)), inverse


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(t / ||t|| * p / ||p||, axis)`` per sample: -1 for the same direction, 1 for opposite.

    Norms below ``eps`` are taken as ``eps`` (a zero vector scores 0).
    """
    t, p = same_rank(y_true, y_pred)
    return -np.sum(_l2_normalize(t, axis)[0] * _l2_normalize(p, axis)[0], axis=axis)


class MeanAbsoluteError(Loss):
    """``L = mean |t - p|``; ``dL/dp = sign(p - t) / (n k)`` (0 where ``p = t``)."""

    name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred):
        return mean_absolute_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        return (np.sign(p - t) / p.size).reshape(np.shape(y_pred))


class MeanAbsolutePercentageError(Loss):
    """``L = 100 mean |(t - p) / d|``, ``d = max(|t|, eps)``; ``dL/dp = 100 sign(p - t) / (d n k)``."""

    name = "mean_absolute_percentage_error"

    def per_sample(self, y_true, y_pred):
        return mean_absolute_percentage_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        grad = 100.0 * np.sign(p - t) / _percentage_denominator(t) / p.size
        return grad.reshape(np.shape(y_pred))


class MeanSquaredLogarithmicError(Loss):
    """``L = mean (l(p) - l(t))**2``, ``l(a) = log(max(a, eps) + 1)``.

    ``dL/dp = 2 (l(p) - l(t)) / (max(p, eps) + 1) / (n k)`` where ``p >= eps``,
    0 below (there the clipped ``p`` no longer moves the loss).
    """

    name = "mean_squared_logarithmic_error"

    def per_sample(self, y_true, y_pred):
        return mean_squared_logarithmic_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        eps = _msle_epsilon(p.dtype)
        grad = 2 * (_log1p_clipped(p) - _log1p_clipped(t)) / (np.maximum(p, eps) + 1) * (p >= eps)
        return (grad / p.size).reshape(np.shape(y_pred))


class Huber(Loss):
    """``L = mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2)``, ``e = p - t``.

    ``dL/dp = (e if |e| <= delta else delta sign(e)) / (n k)``: the squared
    error's gradient near the target, the absolute error's (scaled by
    ``delta``) far from it, so an outlier pulls no harder than ``delta``.

    Args:
        delta: where the loss turns from quadratic to linear (Keras default 1.0).
        name: Keras's default is ``"huber_loss"``.
    """

    name = "huber_loss"

    def __init__(self, delta=1.0, name=None, **kwargs):
        super().__init__(name, **kwargs)
        self.delta = delta

    def per_sample(self, y_true, y_pred):
        return huber(y_true, y_pred, self.delta)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        e = p - t
        delta = np.asarray(self.delta, p.dtype)
        grad = np.where(np.abs(e) <= delta, e, delta * np.sign(e))
        return (grad / p.size).reshape(np.shape(y_pred))


class LogCosh(Loss):
    """``L = mean log(cosh(e))``, ``e = p - t``; ``dL/dp = tanh(e) / (n k)``.

    Like the squared error ``e**2 / 2`` near the target and the absolute
    error ``|e| - log 2`` far from it, with a gradient that never exceeds 1.
    """

    name = "log_cosh"

    def per_sample(self, y_true, y_pred):
        return log_cosh(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        return (np.tanh(p - t) / p.size).reshape(np.shape(y_pred))


class CosineSimilarity(Loss):
    """``L = mean over samples of -sum(u v, axis)``, ``u = t / ||t||``, ``v = p / ||p||``.

    Gradient, with ``r = 1 / ||p||`` and ``m`` the number of samples (the
    entries of ``p`` over ``axis``'s length)::

        dL/dp = -r (u - v sum(u v, axis)) / m      where r <= 1/eps
              = -u / (eps m)                       where the norm was clipped

    the first being ``-u`` with its component along ``v`` removed: moving
    ``p`` along itself does not change its direction.

    Args:
        axis: the axis the vectors lie along (Keras default -1).
    """

    name = "cosine_similarity"

    def __init__(self, axis=-1, name=None, **kwargs):
        super().__init__(name, **kwargs)
        self.axis = axis

    def per_sample(self, y_true, y_pred):
        return cosine_similarity(y_true, y_pred, self.axis)

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        u, _ = _l2_normalize(t, self.axis)
        v, r = _l2_normalize(p, self.axis)
        samples = p.size // p.shape[self.axis]
        clipped = r > np.asarray(1 / epsilon(), p.dtype)
        with np.errstate(invalid="ignore"):  # r is infinite for a zero vector: the clipped side
            inside = -r * (u - v * np.sum(u * v, axis=self.axis, keepdims=True))
            grad = np.where(clipped, -u / np.asarray(epsilon(), p.dtype), inside)
        return (grad / samples).reshape(np.shape(y_pred))
