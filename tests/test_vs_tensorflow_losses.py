"""Losses against Keras: value and gradient, in the clipping region, from logits, behind a softmax.

Properties (tolerance `rtol * max|desired|`: 1e-10 in float64, 1e-5 in float32;
where a value or gradient is a difference of larger terms, against their size,
see `logits_gradient_scale` and `probability_term_scales`):

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

import scratch_nn
from keras_ref import builders, oracle
from scratch_nn import layers, losses
from tests.strategies import (
    LOSS_CLASSES,
    arrays,
    assert_close,
    batch_shapes,
    examples,
    float_dtypes,
    logits,
    probabilities,
    targets_for,
    tolerance,
)

CROSSENTROPIES = ("sparse_categorical_crossentropy", "categorical_crossentropy")


# -- checks (plain functions, shared with tests/test_teeth.py) ----------------------
def logits_gradient_scale(z):
    """The size of the terms of a cross-entropy's gradient in its logits, 1/n.

    dL/dz = (softmax(z) - t) / n subtracts numbers up to 1/n: a saturated
    softmax leaves a small difference carrying their rounding error (a float32
    ulp of 1, over n), not a relative error of its own.
    """
    return 1.0 / z.shape[0]


def probability_term_scales(loss, y_true, p):
    """The size of the terms of a loss's value and gradient on probabilities `p`: `(value, grad)`.

    Sparse: ``L = mean(log S - log c_y)`` (``c`` clipped, ``S = sum(c)``) and
    ``dL/dp_j = (1/S - [j = y]/c_y) / n`` cancel when ``c_y ~ S``; dense:
    ``dL/dp = (g - sum(g o)) / (S n)`` with ``g = -t/c`` cancels when ``o``
    is one-hot-like; MSE: ``2 (p - y) / (n k)`` cancels when ``p ~ y``. Each
    difference carries the rounding error of its terms.
    """
    p = p.astype(np.float64)
    n, eps = p.shape[0], 1e-7
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        c = np.clip(p, eps, 1 - eps)
        total, c_y = c.sum(axis=-1), c[np.arange(n), y_true]
        value = np.mean(np.abs(np.log(total)) + np.abs(np.log(c_y)))
        return float(value), float(np.max(np.maximum(1 / total, 1 / c_y)) / n)
    if isinstance(loss, losses.CategoricalCrossentropy):
        total = p.sum(axis=-1, keepdims=True)
        c = np.clip(p / total, eps, 1 - eps)
        return 0.0, float(np.max(y_true / c / total) / n)
    return 0.0, float(2 * max(np.max(np.abs(p)), np.max(np.abs(y_true))) / p.size)


def check_loss(loss, y_true, y_pred):
    """A scratch_nn loss and its gradient on `y_pred` equal the Keras loss and its tape gradient."""
    dtype = y_pred.dtype
    expected_value, expected_grad = oracle.loss_value_and_gradient(
        builders.keras_loss(loss, dtype=dtype.name), y_true, y_pred)
    y_pred_before = y_pred.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        value, grad = loss(y_true, y_pred), loss.gradient(y_true, y_pred)
    np.testing.assert_array_equal(y_pred, y_pred_before, err_msg="the loss changed y_pred")
    rtol = tolerance(dtype)
    from_logits = getattr(loss, "from_logits", False)
    what = f"{type(loss).__name__}(from_logits={from_logits})"
    if from_logits:
        value_scale, grad_scale = 0.0, logits_gradient_scale(y_pred)
    else:
        value_scale, grad_scale = probability_term_scales(loss, y_true, y_pred)
    assert_close(value, expected_value, rtol, f"{what} value", scale=value_scale)
    assert_close(grad, expected_grad, rtol, f"{what} gradient", scale=grad_scale)


def check_softmax_output_loss(loss, y_true, z):
    """A model ending in a softmax: its loss and dL/dz equal Keras's `_keras_logits` path."""
    dtype = z.dtype
    model = scratch_nn.Sequential([layers.Input(z.shape[1:], dtype=dtype),
                                   layers.Activation("softmax", dtype=dtype)])
    model.compile(optimizer="sgd", loss=loss)
    with oracle.keras_floatx(dtype):
        expected_value, _, expected_grad = oracle.softmax_loss_value_and_gradient(
            builders.keras_loss(loss, dtype=dtype.name), y_true, z)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value, _, grad = model.compute_loss_and_gradients(z, y_true, need_input_grad=True)
    rtol = tolerance(dtype)
    assert_close(value, expected_value, rtol, f"{type(loss).__name__} on a softmax output: value")
    assert_close(grad, expected_grad, rtol, f"{type(loss).__name__} on a softmax output: dL/dlogits",
                 scale=logits_gradient_scale(z))


# -- properties ----------------------------------------------------------------------
@pytest.mark.parametrize("name", CROSSENTROPIES)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_on_probabilities_matches_keras(name, dtype, shape, data):
    y_pred = data.draw(probabilities(shape, dtype))
    check_loss(LOSS_CLASSES[name](), data.draw(targets_for(name, *shape, dtype)), y_pred)


@pytest.mark.parametrize("name", CROSSENTROPIES)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_from_logits_matches_keras(name, dtype, shape, data):
    z = data.draw(logits(shape, dtype))
    check_loss(LOSS_CLASSES[name](from_logits=True), data.draw(targets_for(name, *shape, dtype)), z)


@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_mean_squared_error_matches_keras(dtype, shape, data):
    y_pred, y_true = data.draw(arrays(shape, dtype)), data.draw(arrays(shape, dtype))
    check_loss(LOSS_CLASSES["mean_squared_error"](), y_true, y_pred)


@pytest.mark.parametrize("name", CROSSENTROPIES)
@examples(15)
@given(dtype=float_dtypes, shape=batch_shapes(min_units=2, max_units=6), data=st.data())
def test_crossentropy_on_softmax_output_uses_logits_like_keras(name, dtype, shape, data):
    z = data.draw(logits(shape, dtype))
    check_softmax_output_loss(LOSS_CLASSES[name](), data.draw(targets_for(name, *shape, dtype)), z)
