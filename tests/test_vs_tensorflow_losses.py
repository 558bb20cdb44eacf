"""Losses against Keras: value and gradient, in the clipping region, from logits, behind a softmax.

Properties (tolerance `rtol * max|desired|`: 1e-10 in float64, 1e-5 in float32;
where a value or gradient is a difference of larger terms, against their size,
see `tests.checks.logits_gradient_scale` and `probability_term_scales`):

- each loss (sparse and dense categorical cross-entropy, mean squared error)
  and its gradient dL/dy_pred on probabilities that did not come from a
  softmax, many of them near 0 and 1 (exactly at, inside and outside the
  clip bounds 1e-7 and 1 - 1e-7, where the gradient must be 0), equal Keras's
  loss and `tf.GradientTape`'s gradient;
- with `from_logits=True`, on logits from 1e-4 to 500, the same;
- on the output of a softmax layer, scratch_nn's model loss and its gradient
  with respect to the logits equal Keras's for `keras.activations.softmax(z)`,
  which scores the logits it carries (`_keras_logits`) without clipping: for
  saturated logits the loss exceeds -log(1e-7) = 16.1 and the gradient is
  (p - y) / n, where the clipped path would give 16.1 and 0.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref.specs import Spec, build
from tests.checks import check_loss, check_softmax_output_loss
from tests.hypothesis_profiles import examples
from tests.specs import LOSS_CLASSES
from tests.strategies import (
    arrays,
    batch_shapes,
    float_dtypes,
    logits,
    probabilities,
    targets_for,
)
from tests.tolerances import assert_close

CROSSENTROPIES = ("sparse_categorical_crossentropy", "categorical_crossentropy")


# -- properties ----------------------------------------------------------------------
@pytest.mark.parametrize("name", CROSSENTROPIES)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_on_probabilities_matches_keras(name, dtype, shape, data):
    y_pred = data.draw(probabilities(shape, dtype))
    check_loss(Spec(f"losses.{LOSS_CLASSES[name]}"), data.draw(targets_for(name, *shape, dtype)), y_pred)


@pytest.mark.parametrize("name", CROSSENTROPIES)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_from_logits_matches_keras(name, dtype, shape, data):
    z = data.draw(logits(shape, dtype))
    check_loss(Spec(f"losses.{LOSS_CLASSES[name]}", {"from_logits": True}), data.draw(targets_for(name, *shape, dtype)), z)


@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_mean_squared_error_matches_keras(dtype, shape, data):
    y_pred, y_true = data.draw(arrays(shape, dtype)), data.draw(arrays(shape, dtype))
    check_loss(Spec("losses.MeanSquaredError"), y_true, y_pred)


@pytest.mark.parametrize("name", CROSSENTROPIES)
@examples(15)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_on_softmax_output_uses_logits_like_keras(name, dtype, shape, data):
    z = data.draw(logits(shape, dtype))
    check_softmax_output_loss(Spec(f"losses.{LOSS_CLASSES[name]}"), data.draw(targets_for(name, *shape, dtype)), z)


@pytest.mark.parametrize("spec", [
    Spec("losses.CategoricalCrossentropy"), Spec("losses.CategoricalCrossentropy", {"from_logits": True}),
    Spec("losses.CategoricalCrossentropy", {"label_smoothing": 0.2}),
    Spec("losses.SparseCategoricalCrossentropy"), Spec("losses.SparseCategoricalCrossentropy", {"from_logits": True}),
    Spec("losses.BinaryCrossentropy"), Spec("losses.MeanSquaredError"),
], ids=lambda s: f"{s.name}{s.kwargs}")
def test_losses_reduce_the_last_axis_of_a_3d_batch_like_keras(spec):
    """On ``(batch, steps, classes)`` predictions, each loss is taken over the last axis,
    ``(batch, steps)`` per-sample values (Keras's ``reduction=None``), and their mean."""
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 1.0, (2, 3, 4))
    p /= p.sum(axis=-1, keepdims=True)
    labels = rng.integers(0, 4, (2, 3))
    y_true = labels if "Sparse" in spec.name else np.eye(4)[labels]
    ours = build(spec, scratch_nn)
    expected = build(spec, keras, reduction=None, dtype="float64")(y_true, p)
    assert_close(ours.per_sample(y_true, p), np.asarray(expected), 1e-10, f"{spec.name}{spec.kwargs} per sample")
    assert_close(ours(y_true, p).numpy(), float(np.mean(expected)), 1e-10, f"{spec.name}{spec.kwargs} mean")
