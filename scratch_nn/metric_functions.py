"""Metric functions with Keras's names: ``f(y_true, y_pred)`` gives one value per sample.

Mirrors the functions of ``keras/src/metrics/accuracy_metrics.py`` (the
accuracies, top-k) and ``regression_metrics.py`` (cosine similarity); the
loss functions that Keras also accepts as metrics come from
:mod:`scratch_nn.losses`. ``_FUNCTIONS`` is the table of the names
``compile(metrics=[...])`` accepts.
"""

import numpy as np

from scratch_nn import losses
from scratch_nn.config import floatx


def _same_rank(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: a trailing axis of 1 makes the ranks agree."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true, y_pred


def _per_sample(values):
    """Average every axis after the first: one value per sample."""
    values = np.asarray(values)
    return values.mean(axis=tuple(range(1, values.ndim))) if values.ndim > 1 else values


def sparse_categorical_accuracy(y_true, y_pred):
    """``[argmax(y_pred) == y_true]`` per sample (ties go to the first index)."""
    y = np.asarray(y_true)
    if y.ndim == y_pred.ndim and y.shape[-1] == 1:
        y = y[..., 0]
    return (y_pred.argmax(axis=-1) == y).astype(y_pred.dtype)


def categorical_accuracy(y_true, y_pred):
    """``[argmax(y_pred) == argmax(y_true)]`` per sample."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(y_pred.dtype)


def binary_matches(y_true, y_pred, threshold=0.5):
    """``[y_true == (y_pred > threshold)]`` per element (Keras's ``binary_accuracy``)."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return (y_true == (y_pred > threshold)).astype(floatx())


def matches(y_true, y_pred):
    """``[y_true == y_pred]`` per element (Keras's ``accuracy``)."""
    y_true, y_pred = _same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``mean_k [y_true == (y_pred > threshold)]`` per sample (labels compared as given)."""
    return _per_sample(binary_matches(y_true, y_pred, threshold))


def accuracy(y_true, y_pred):
    """``mean_k [y_true == y_pred]`` per sample: exact equality, for class ids (``Accuracy``)."""
    return _per_sample(matches(y_true, y_pred))


def _in_top_k(target, y_pred, k):
    """``tf.math.in_top_k``: fewer than ``k`` scores are strictly above the target's (ties count in)."""
    y_pred = np.asarray(y_pred)
    target = np.asarray(target).astype(np.intp).reshape(-1)
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    own = scores[np.arange(scores.shape[0]), target]
    return ((scores > own[:, None]).sum(axis=-1) < k).astype(floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """``[argmax(y_true) is among the k largest y_pred]`` per sample."""
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """``[y_true is among the k largest y_pred]`` per sample.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted from the
    highest score down (``(n, N)``), and the match is ``y_true in y_pred[:, :k]``
    (Keras's ``sparse_top_k_categorical_accuracy``).
    """
    if not from_sorted_ids:
        return _in_top_k(y_true, y_pred, k)
    y_pred = np.asarray(y_pred)
    ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
    target = np.asarray(y_true).reshape(-1)
    return (ids == target[:, None]).any(axis=1).astype(floatx())


def cosine_similarity(y_true, y_pred, axis=-1):
    """``sum(t / ||t|| * p / ||p||, axis)`` per sample: 1 for the same direction (the loss's negative)."""
    return -losses.cosine_similarity(y_true, y_pred, axis)


_FUNCTIONS = {
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "binary_accuracy": binary_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": losses.mean_squared_error,
    "mse": losses.mean_squared_error,
    "MSE": losses.mean_squared_error,
    "mean_absolute_error": losses.mean_absolute_error,
    "mae": losses.mean_absolute_error,
    "MAE": losses.mean_absolute_error,
    "mean_absolute_percentage_error": losses.mean_absolute_percentage_error,
    "mape": losses.mean_absolute_percentage_error,
    "MAPE": losses.mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": losses.mean_squared_logarithmic_error,
    "msle": losses.mean_squared_logarithmic_error,
    "MSLE": losses.mean_squared_logarithmic_error,
    "log_cosh_error": losses.log_cosh,
    "cosine_similarity": cosine_similarity,
    "kl_divergence": losses.kl_divergence,
    "poisson": losses.poisson,
    "hinge": losses.hinge,
    "squared_hinge": losses.squared_hinge,
    "categorical_hinge": losses.categorical_hinge,
    "binary_crossentropy": losses.binary_crossentropy,
    "categorical_crossentropy": losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
}
