"""The regression, hinge and probabilistic losses against Keras: value, gradient, shapes, names.

Properties (tolerance `rtol * max(max|desired|, scale)`: 1e-10 in float64,
1e-5 in float32, `scale` the size of the terms a value or gradient is a
difference of, see `term_scales`):

- each of MeanAbsoluteError, MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError, Huber (default and drawn ``delta``), LogCosh,
  CosineSimilarity, Hinge, SquaredHinge, CategoricalHinge, KLDivergence and
  Poisson, built from the same literal arguments in both libraries: the batch
  mean equals Keras's and its gradient with respect to ``y_pred`` equals
  ``tf.GradientTape``'s, in float32 and float64, on inputs with each loss's
  edge cases (`tests.strategies.loss_cases`: predictions equal to their
  target, margins exactly 0, ties between wrong classes, values at and beyond
  the ``eps`` clips, zero vectors);
- labels ``(n,)`` for outputs ``(n, 1)``, ``(n, 1)`` for ``(n,)``, and
  ``(n, k)`` for a 3-D batch ``(n, k, 1)``: each class's per-sample values
  equal Keras's ``reduction=None`` (Keras's ``squeeze_or_expand_to_same_rank``),
  never an ``(n, n)`` broadcast;
- the function forms (``keras.losses.huber``...) equal Keras's on Keras's
  own docstring examples, and keep the predictions' float type;
- every name ``keras.losses.get`` resolves for these losses (``'mae'``,
  ``'MAPE'``, ``'kld'``, ``'huber'``, ``'Huber'``...) gives the same loss in
  scratch_nn (same class name, same value).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref.specs import Spec, build
from tests.checks import check_loss
from tests.hypothesis_profiles import examples
from tests.strategies import batch_shapes, float_dtypes, loss_cases
from tests.tolerances import assert_close

LOSSES = ("MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber",
          "LogCosh", "CosineSimilarity", "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence",
          "Poisson")


def term_scales(name, t, p):
    """The size of the terms each loss's value and gradient are differences of: ``(value, gradient)``.

    log-cosh is ``e + softplus(-2 e) - log 2`` (terms ~ |e| + 1) with slope
    ``1 - 2 sigmoid(-2 e)`` in TensorFlow (terms ~ 1); KL divergence sums
    ``t log t - t log c``; Poisson's slope is ``1 - t / p``; the hinges'
    margins ``1 - t p``. A difference carries its terms' rounding error.
    """
    t, p = t.astype(np.float64), p.astype(np.float64)
    size = p.size
    if name == "LogCosh":
        return float(np.max(np.abs(p - t)) + 1), 1 / size
    if name == "KLDivergence":
        tc, pc = np.clip(t, 1e-7, 1), np.clip(p, 1e-7, 1)
        return float(np.max(np.sum(tc * (np.abs(np.log(tc)) + np.abs(np.log(pc))), axis=-1))), 0.0
    if name == "Poisson":
        return float(np.max(np.abs(p) + np.abs(t * np.log(p + 1e-7)))), \
            float(np.max(1 + t / (p + 1e-7)) / size)
    if name in ("Hinge", "SquaredHinge", "CategoricalHinge"):
        margin = 1 + np.max(np.abs(t * p)) + np.max(np.abs(p))
        return float(margin), float(2 * margin * np.max(np.abs(t)) / size)
    if name == "CosineSimilarity":
        norms = np.sqrt(np.sum(p * p, axis=-1))
        return 1.0, float(np.max(1 / np.maximum(norms, 1e-7)) / p.shape[0])
    if name == "MeanSquaredLogarithmicError":
        logs = np.log(np.maximum(np.abs(p), 1e-7) + 1) + np.log(np.maximum(np.abs(t), 1e-7) + 1)
        return float(np.max(logs) ** 2), float(2 * np.max(logs) / size)
    return 0.0, 0.0


@st.composite
def loss_specs(draw):
    name = draw(st.sampled_from(LOSSES))
    kwargs = {}
    if name == "Huber" and draw(st.booleans()):
        kwargs["delta"] = draw(st.sampled_from([0.125, 0.5, 2.0, 16.0]))
    return Spec(f"losses.{name}", kwargs)


@pytest.mark.parametrize("name", LOSSES)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_loss_and_gradient_match_keras(name, dtype, shape, data):
    spec = Spec(f"losses.{name}")
    if name == "Huber":
        delta = data.draw(st.sampled_from([None, 0.125, 2.0]))
        spec = spec if delta is None else spec.replace(delta=delta)
    if name == "CategoricalHinge":
        shape = (shape[0], max(shape[1], 2))
    y_true, y_pred = data.draw(loss_cases(name, shape, dtype))
    check_loss(spec, y_true, y_pred, scales=term_scales(name, y_true, y_pred))


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("shapes", [((5,), (5, 1)), ((5, 1), (5,)), ((2, 3), (2, 3, 1)), ((4, 3), (4, 3))],
                         ids=lambda s: f"{s[0]}-{s[1]}")
def test_per_sample_values_follow_keras_rank_rule(name, shapes):
    """Keras's classes squeeze or expand a trailing axis of 1 before scoring, sample by sample."""
    rng = np.random.default_rng(1)
    true_shape, pred_shape = shapes
    y_true = rng.integers(0, 2, true_shape).astype(np.float64)
    y_pred = rng.uniform(0.05, 2.0, pred_shape)
    ours = build(Spec(f"losses.{name}"), scratch_nn)
    theirs = build(Spec(f"losses.{name}"), keras, reduction=None, dtype="float64")
    expected = np.asarray(theirs(y_true, y_pred))
    assert_close(ours.per_sample(y_true, y_pred), expected, 1e-10, f"{name} {shapes} per sample")
    assert_close(ours(y_true, y_pred).numpy(), float(np.mean(expected)), 1e-10, f"{name} {shapes} mean")
    assert ours.gradient(y_true, y_pred).shape == y_pred.shape, f"{name} {shapes}: gradient shape"


#: Keras's docstring examples of the function forms (keras/src/losses/losses.py).
DOCSTRING_EXAMPLES = [
    ("huber", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], {}),
    ("huber", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], {"delta": 0.3}),
    ("log_cosh", [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], {}),
    ("cosine_similarity", [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], {}),
    ("mean_absolute_error", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], {}),
    ("mean_absolute_percentage_error", [[0, 1], [2, 0]], [[0.6, 0.4], [0.4, 0.6]], {}),
    ("mean_squared_logarithmic_error", [[0, 1], [0, 0]], [[0.6, 0.4], [-0.4, 0.6]], {}),
    ("hinge", [[-1, 1], [1, 1]], [[0.6, 0.4], [0.4, 1.6]], {}),
    ("hinge", [[0, 1], [1, 1]], [[0.6, 0.4], [0.4, 1.6]], {}),
    ("squared_hinge", [[0, 1], [1, 0]], [[0.6, 0.4], [0.4, 1.6]], {}),
    ("categorical_hinge", [[0, 1, 0], [0, 0, 1]], [[0.6, 0.4, 0.3], [0.4, 0.6, 0.6]], {}),
    ("kl_divergence", [[0, 1], [0.5, 0.5]], [[0.6, 0.4], [0.4, 0.6]], {}),
    ("poisson", [[0, 1], [3, 0]], [[0.6, 0.4], [0.4, 1.6]], {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, y_true, y_pred, kwargs", DOCSTRING_EXAMPLES,
                         ids=[f"{e[0]}{e[3]}" for e in DOCSTRING_EXAMPLES])
def test_function_forms_match_keras(name, y_true, y_pred, kwargs, dtype):
    y_pred = np.asarray(y_pred, dtype)
    ours = getattr(scratch_nn.losses, name)(y_true, y_pred, **kwargs)
    theirs = keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    assert ours.dtype == np.dtype(dtype), f"{name}: {ours.dtype} from {dtype} predictions"
    assert_close(ours, theirs, 1e-6 if dtype == "float32" else 1e-12, name)


KERAS_NAMES = ["mae", "MAE", "mean_absolute_error", "MeanAbsoluteError", "mape", "MAPE",
               "mean_absolute_percentage_error", "msle", "MSLE", "mean_squared_logarithmic_error",
               "huber", "Huber", "log_cosh", "LogCosh", "cosine_similarity", "CosineSimilarity",
               "hinge", "Hinge", "squared_hinge", "SquaredHinge", "categorical_hinge", "CategoricalHinge",
               "kld", "KLD", "kl_divergence", "KLDivergence", "poisson", "Poisson", "mse", "MSE", "bce",
               "BCE", "MeanSquaredError"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_gives_the_same_loss(name):
    """``losses.get(name)`` is a loss object with Keras's value for what ``keras.losses.get`` returns."""
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.integers(0, 2, (4, 3)).astype(np.float64), rng.uniform(0.05, 0.95, (4, 3))
    ours = scratch_nn.losses.get(name)
    assert isinstance(ours, scratch_nn.losses.Loss), name
    theirs = keras.losses.get(name)
    expected = np.mean(keras.ops.convert_to_numpy(theirs(y_true, y_pred)))
    assert_close(ours(y_true, y_pred).numpy(), expected, 1e-6, name)


@examples(5)
@given(spec=loss_specs(), dtype=float_dtypes, shape=batch_shapes(min_units=2), data=st.data())
def test_a_float32_loss_keeps_float32(spec, dtype, shape, data):
    y_true, y_pred = data.draw(loss_cases(spec.name, shape, dtype))
    loss = build(spec, scratch_nn)
    for what, value in (("per_sample", loss.per_sample(y_true.astype(np.float64), y_pred)),
                        ("gradient", loss.gradient(y_true.astype(np.float64), y_pred))):
        assert value.dtype == y_pred.dtype, f"{spec.name}.{what}: {value.dtype} from {y_pred.dtype}"


METRICS = ["MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "LogCoshError",
           "CosineSimilarity", "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
           "MeanAbsoluteError"]


@pytest.mark.parametrize("name", METRICS)
def test_metric_objects_accumulate_like_keras(name):
    """Two weighted batches: the same ``result()`` and ``name`` as Keras's metric object."""
    rng = np.random.default_rng(3)
    ours, theirs = getattr(scratch_nn.metrics, name)(dtype="float64"), getattr(keras.metrics, name)(dtype="float64")
    for n in (4, 3):
        y_true = np.eye(3)[rng.integers(0, 3, n)]
        y_pred, weight = rng.uniform(0.05, 2.0, (n, 3)), rng.integers(1, 4, n).astype(np.float64)
        ours.update_state(y_true, y_pred, sample_weight=weight)
        theirs.update_state(y_true, y_pred, sample_weight=weight)
    assert ours.name == theirs.name
    assert_close(ours.result(), keras.ops.convert_to_numpy(theirs.result()), 1e-10, name)


METRIC_NAMES = ["mae", "MAE", "mse", "MSE", "mape", "MAPE", "msle", "MSLE", "mean_absolute_percentage_error",
                "mean_squared_logarithmic_error", "log_cosh_error", "cosine_similarity", "kl_divergence",
                "poisson", "hinge", "squared_hinge", "categorical_hinge"]


@pytest.mark.parametrize("name", METRIC_NAMES)
def test_metric_names_log_keras_values(name):
    """``compile(metrics=[name])``: logged under the name given, with Keras's per-sample values."""
    rng = np.random.default_rng(4)
    y_true, y_pred = np.eye(3)[rng.integers(0, 3, 5)], rng.uniform(0.05, 2.0, (5, 3))
    logged, fn = scratch_nn.metrics.get(name, y_true.shape, y_pred.shape)
    metric = keras.metrics.get(name)
    metric = metric() if isinstance(metric, type) else metric
    metric.update_state(y_true, y_pred)
    assert logged == name
    assert_close(np.mean(fn(y_true, y_pred)), keras.ops.convert_to_numpy(metric.result()), 1e-6, name)
