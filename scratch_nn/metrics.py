"""Metrics with Keras's names: per-sample functions, and metric objects that accumulate.

Mirrors ``keras/src/metrics/accuracy_metrics.py``,
``reduction_metrics.py`` (``Mean``, ``MeanMetricWrapper``),
``probabilistic_metrics.py``, ``regression_metrics.py`` and ``hinge_metrics.py``, and the choice
Keras makes for ``'accuracy'`` in ``keras/src/trainers/compile_utils.py``
(``get_metric``): binary when the output has one unit, sparse categorical
when the labels have one axis fewer than the output (or a last axis of 1),
categorical otherwise.

A function ``f(y_true, y_pred)`` returns one value per sample. A metric
object (``SparseCategoricalAccuracy()``...) keeps a running weighted mean of
those values, as Keras's ``Mean``::

    update_state(y_true, y_pred, sample_weight=w):   (w = 1 when not given)
        total += sum_i w_i * f(y_true, y_pred)_i
        count += sum_i w_i
    result() = total / count        (0 when count is 0)
    reset_state(): total = count = 0

where a value with more than one axis is first averaged over its trailing
axes (Keras's ``reduce_to_samplewise_values``). ``compile(metrics=[...])``
accepts names, functions and metric objects; the logs use the string given
for a name (``'accuracy'``) and the object's ``name`` for an object
(``'sparse_categorical_accuracy'``), as Keras. During ``fit`` the model keeps
its own per-epoch totals; the object's state is not updated.

The functions live in :mod:`scratch_nn.metric_functions`, the objects in
:mod:`scratch_nn.metric_objects`; this module is their public path
(``keras.metrics``) and resolves what ``compile(metrics=[...])`` is given.
"""

from scratch_nn.losses import (  # noqa: F401 (keras.metrics names the loss functions too)
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from scratch_nn.metric_functions import (  # noqa: F401 (keras.metrics names)
    _FUNCTIONS,
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
from scratch_nn.metric_objects import (  # noqa: F401 (keras.metrics names)
    Accuracy,
    BinaryAccuracy,
    BinaryCrossentropy,
    CategoricalAccuracy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    Mean,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanMetricWrapper,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Metric,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalAccuracy,
    SparseCategoricalCrossentropy,
    SparseTopKCategoricalAccuracy,
    SquaredHinge,
    Sum,
    TopKCategoricalAccuracy,
    reduce_to_samplewise_values,
)


def accuracy_for(y_true_ndim, y_true_last, y_pred_last):
    """Pick the accuracy Keras picks for ``'accuracy'`` from the label and output shapes."""
    if y_pred_last == 1:
        return binary_accuracy
    if y_true_ndim < 2 or y_true_last == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """Return ``(name, per_sample_function)`` for a metric name, a metric object or a callable.

    ``'accuracy'`` / ``'acc'`` resolve from the shapes, as in Keras; the
    logged name stays the string given. A metric object gives its ``name``.
    """
    if isinstance(identifier, MeanMetricWrapper):
        return identifier.name, identifier.per_sample
    if isinstance(identifier, Metric):
        raise TypeError(
            f"metrics: {type(identifier).__name__} accumulates values it is given, not "
            "(y_true, y_pred); compile(metrics=...) takes metrics of (y_true, y_pred) such as "
            "SparseCategoricalAccuracy()"
        )
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return get(identifier(), y_true_shape, y_pred_shape)
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
        f"{sorted(['accuracy', 'acc', *_FUNCTIONS])}, a metric object or a callable"
    )
