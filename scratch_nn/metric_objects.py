"""Metric objects with Keras's names: ``Mean``, ``Sum`` and the wrappers of metric functions.

Mirrors ``keras/src/metrics/reduction_metrics.py`` (``Mean``, ``Sum``,
``MeanMetricWrapper``, ``reduce_to_samplewise_values``) and the classes of
``accuracy_metrics.py``, ``probabilistic_metrics.py``,
``regression_metrics.py`` and ``hinge_metrics.py``. A metric object keeps a
running weighted mean of a function's per-sample values (see
:mod:`scratch_nn.metrics`).
"""

import re

import numpy as np

from scratch_nn import losses
from scratch_nn.config import standardize_dtype
from scratch_nn.loss_reduction import squeeze_or_expand_to_same_rank
from scratch_nn.metric_functions import (
    _per_sample,
    accuracy,
    binary_accuracy,
    binary_matches,
    categorical_accuracy,
    cosine_similarity,
    matches,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)


def reduce_to_samplewise_values(values, sample_weight=None, reduce_fn=np.mean):
    """Keras's ``reduce_to_samplewise_values`` (``keras/src/metrics/reduction_metrics.py``).

    ``values`` of any rank and weights of any rank up to it (a scalar, one
    per sample, per element...) become one weighted value per sample::

        v, w = squeeze_or_expand_to_same_rank(values, w)
        v = mean of v over the axes w lacks;   v = v * w (w broadcast to v)
        w = mean of w over its axes after the first
        v = mean of v over its axes after the first

    (``reduce_fn=np.sum`` sums instead of averaging, for :class:`Sum`.)
    Returns ``(v, w)``, ``w`` ``None`` when not given.
    """
    values = np.asarray(values, "float64")
    if sample_weight is not None:
        w = np.asarray(sample_weight, "float64")
        values, w = squeeze_or_expand_to_same_rank(values, w)
        if w.ndim > values.ndim:
            raise ValueError(
                f"sample_weight of shape {w.shape} for values of shape {values.shape}: "
                "expected a scalar, one weight per sample, or weights of the values' shape"
            )
        if values.ndim > w.ndim:
            values = reduce_fn(values, axis=tuple(range(w.ndim, values.ndim)))
        w = np.broadcast_to(w, values.shape)
        values = values * w
        if w.ndim > 1:
            w = reduce_fn(w, axis=tuple(range(1, w.ndim)))
        sample_weight = w
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight



# -- metric objects ----------------------------------------------------------
class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``; calling one updates and returns the result.

    Args:
        name: the name shown in the logs (Keras's default for each class).
        dtype: the float type of ``result()``; ``floatx()`` when ``None``.
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()
        self.dtype = standardize_dtype(dtype)

    def add_weight(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__}.add_weight: scratch_nn metrics have no variables; keep the "
            "state in plain attributes (self.total = 0.0) set in __init__ and reset_state"
        )

    add_variable = add_weight

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """The weighted mean of the values given to ``update_state(values, sample_weight=None)``.

    ``total += sum(w * values)``, ``count += sum(w)`` (``w`` broadcast to
    the samples, 1 when not given); ``result() = total / count``.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values, w = reduce_to_samplewise_values(values, sample_weight)
        self.total += float(values.sum())
        if w is None:
            self.count += values.shape[0] if values.ndim else 1
        else:
            self.count += float(np.broadcast_to(w, values.shape).sum())

    def result(self):
        value = self.total / self.count if self.count else 0.0
        return np.dtype(self.dtype).type(value)


class Sum(Metric):
    """The weighted sum of the values given: ``total += sum(w * values)``; ``result() = total``."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, reduce_fn=np.sum)
        self.total += float(np.sum(values))

    def result(self):
        return np.dtype(self.dtype).type(self.total)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the weighted mean of ``mean((y_pred - y_true)**2, axis=-1)``.

    ``keras/src/metrics/regression_metrics.py``: the ranks are made to agree
    first (a trailing axis of 1 squeezed or added), the square root is taken
    of the running mean, not averaged per batch.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(np.asarray(y_true, "float64"),
                                                        np.asarray(y_pred, "float64"))
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self):
        return np.dtype(self.dtype).type(np.sqrt(self.total / self.count) if self.count else 0.0)


class MeanMetricWrapper(Mean):
    """``Mean`` of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: the function.
        name, dtype: as :class:`Metric`.
        **kwargs: extra arguments of ``fn`` (``threshold``, ``k``, ``from_logits``...).
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name or fn.__name__, dtype)

    def per_sample(self, y_true, y_pred):
        """``fn(y_true, y_pred)`` reduced to one value per sample."""
        return _per_sample(self._fn(y_true, np.asarray(y_pred), **self._fn_kwargs))

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = getattr(self, "_elementwise", self._fn)(y_true, np.asarray(y_pred),
                                                         **self._fn_kwargs)
        super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}

    def __getattr__(self, name):
        """The function's arguments read as attributes, as Keras's (``metric.k``, ``.threshold``)."""
        kwargs = self.__dict__.get("_fn_kwargs", {})
        if name in kwargs:
            return kwargs[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly (class ids against class ids)."""

    _elementwise = staticmethod(matches)  # weights may be per element, as in Keras

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` equals ``y_true``."""

    _elementwise = staticmethod(binary_matches)  # weights may be per element, as in Keras

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label ``y_true``."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_true)`` is among the ``k`` largest scores."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` largest scores."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k,
                         from_sorted_ids=from_sorted_ids)


class MeanSquaredError(MeanMetricWrapper):
    """Mean of ``mean((y_true - y_pred)**2, axis=-1)``."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of ``mean(|y_true - y_pred|, axis=-1)``."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of ``100 mean(|(y_true - y_pred) / max(|y_true|, eps)|, axis=-1)``."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of ``mean((log(1 + y_pred) - log(1 + y_true))**2, axis=-1)`` (both clipped at eps)."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype)


class LogCoshError(MeanMetricWrapper):
    """Mean of ``mean(log(cosh(y_pred - y_true)), axis=-1)`` (Keras names it ``logcosh``)."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name, dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity of ``y_true`` and ``y_pred`` along ``axis`` (1: same direction)."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence ``sum(t log(t / p))`` (both clipped to [eps, 1])."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name, dtype)


class Poisson(MeanMetricWrapper):
    """Mean of ``mean(y_pred - y_true log(y_pred + eps), axis=-1)``."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name, dtype)


class Hinge(MeanMetricWrapper):
    """Mean hinge loss ``mean(max(1 - t p, 0))`` (0/1 labels mapped to -1/1)."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name, dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss ``mean(max(1 - t p, 0)**2)``."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name, dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss ``max(max((1 - t) p) - sum(t p) + 1, 0)``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name, dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy (see :mod:`scratch_nn.losses`)."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy (``label_smoothing`` as the loss)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        self.from_logits, self.label_smoothing = from_logits, label_smoothing
        super().__init__(self._smoothed, name, dtype)

    def _smoothed(self, y_true, y_pred):
        t = np.asarray(y_true, y_pred.dtype)
        if self.label_smoothing:
            t = t * (1 - self.label_smoothing) + self.label_smoothing / t.shape[-1]
        return losses.categorical_crossentropy(t, y_pred, self.from_logits)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical cross-entropy."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False):
        super().__init__(losses.sparse_categorical_crossentropy, name, dtype, from_logits=from_logits)
