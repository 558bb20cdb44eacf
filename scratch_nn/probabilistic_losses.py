"""Losses between distributions and for counts: Kullback-Leibler divergence, Poisson.

Mirrors ``keras/src/losses/losses.py`` (``KLDivergence``, ``Poisson`` and
their functions). ``t`` is ``y_true``, ``p`` ``y_pred``, ``eps = 1e-7``
(``config.epsilon()``).

The functions take the arrays as given (NumPy broadcasting, as Keras's
functions do); the classes first bring them to one rank
(:func:`~scratch_nn.loss_base.same_rank`), as Keras's classes do, and give
the batch mean and its gradient in ``p``'s shape and dtype.
"""

import numpy as np

from scratch_nn.config import epsilon
from scratch_nn.loss_base import Loss, as_prediction, same_rank


def _clip_probability(a):
    """``clip(a, eps, 1)`` and the mask where its gradient is 1 (inclusive bounds, ``tf.clip_by_value``)."""
    eps = np.asarray(epsilon(), a.dtype)
    return np.clip(a, eps, 1), (a >= eps) & (a <= 1)


def kl_divergence(y_true, y_pred):
    """``sum(t log(t / p), axis=-1)`` per sample, both clipped to ``[eps, 1]`` first."""
    p = as_prediction(y_pred)
    t = _clip_probability(np.asarray(y_true, p.dtype))[0]
    return np.sum(t * np.log(t / _clip_probability(p)[0]), axis=-1)


def poisson(y_true, y_pred):
    """``mean(p - t log(p + eps), axis=-1)`` per sample: the negative log-likelihood of counts ``t``, up to a constant."""
    p = as_prediction(y_pred)
    t = np.asarray(y_true, p.dtype)
    return np.mean(p - t * np.log(p + np.asarray(epsilon(), p.dtype)), axis=-1)


class KLDivergence(Loss):
    """``L = mean over samples of sum(t log(t / c))``, ``c = clip(p, eps, 1)``, ``t`` clipped too.

    ``dL/dp = -t / c / m`` where ``eps <= p <= 1``, 0 outside (the clip's
    gradient); ``m`` is the number of samples.
    """

    name = "kl_divergence"

    def per_sample(self, y_true, y_pred):
        return kl_divergence(*same_rank(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        t = _clip_probability(t)[0]
        c, mask = _clip_probability(p)
        samples = p.size // p.shape[-1] if p.ndim else 1
        return (-t / c * mask / samples).reshape(np.shape(y_pred))


class Poisson(Loss):
    """``L = mean(p - t log(p + eps))``; ``dL/dp = (1 - t / (p + eps)) / (n k)``."""

    name = "poisson"

    def per_sample(self, y_true, y_pred):
        return poisson(*same_rank(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        t, p = same_rank(y_true, y_pred)
        grad = 1 - t / (p + np.asarray(epsilon(), p.dtype))
        return (grad / p.size).reshape(np.shape(y_pred))
