"""Metrics with Keras's names, each a per-sample function the training loop averages.

Mirrors ``keras/src/metrics/accuracy_metrics.py`` and the choice Keras makes
for ``'accuracy'`` in ``keras/src/trainers/compile_utils.py``
(``get_metric``): binary when the output has one unit, sparse categorical
when the labels have one axis fewer than the output (or a last axis of 1),
categorical otherwise. The epoch value is the mean over all samples seen,
as Keras's ``Mean`` accumulators compute it.
"""

import numpy as np

from scratch_nn.losses import mean_squared_error


def sparse_categorical_accuracy(y_true, y_pred):
    """``[argmax(y_pred) == y_true]`` per sample (ties go to the first index)."""
    y = np.asarray(y_true)
    if y.ndim == y_pred.ndim and y.shape[-1] == 1:
        y = y[..., 0]
    return (y_pred.argmax(axis=-1) == y).astype(y_pred.dtype)


def categorical_accuracy(y_true, y_pred):
    """``[argmax(y_pred) == argmax(y_true)]`` per sample."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(y_pred.dtype)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``[(y_pred > threshold) == y_true]`` averaged over the last axis."""
    match = (y_pred > threshold) == (np.asarray(y_true) > threshold)
    return np.mean(match, axis=-1).astype(y_pred.dtype)


def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)`` per sample."""
    return np.mean(np.abs(np.asarray(y_true, y_pred.dtype) - y_pred), axis=-1)


_FUNCTIONS = {
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "binary_accuracy": binary_accuracy,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
}


def accuracy_for(y_true_ndim, y_true_last, y_pred_last):
    """Pick the accuracy Keras picks for ``'accuracy'`` from the label and output shapes."""
    if y_pred_last == 1:
        return binary_accuracy
    if y_true_ndim < 2 or y_true_last == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """Return ``(name, per_sample_function)`` for a metric name or a callable.

    ``'accuracy'`` / ``'acc'`` resolve from the shapes, as in Keras; the
    logged name stays the string given.
    """
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    if identifier in ("accuracy", "acc"):
        if y_true_shape is None or y_pred_shape is None:
            raise ValueError("metrics: 'accuracy' needs the label and output shapes")
        fn = accuracy_for(len(y_true_shape), y_true_shape[-1], y_pred_shape[-1])
        return identifier, fn
    if isinstance(identifier, str) and identifier in _FUNCTIONS:
        return identifier, _FUNCTIONS[identifier]
    raise ValueError(
        f"metrics: unknown metric {identifier!r}; expected one of "
        f"{sorted(['accuracy', 'acc', *_FUNCTIONS])} or a callable"
    )
