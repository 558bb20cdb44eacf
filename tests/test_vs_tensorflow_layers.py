"""Layers and activations against Keras: forward passes, activation gradients, Dropout, BatchNorm.

Properties (tolerances relative to the largest entry, see `tests.strategies.assert_close`):

- every layer's forward pass (Dense with each activation, Flatten, Activation,
  Dropout at inference, BatchNormalization in training and inference mode)
  equals its Keras twin's with the same weights, and leaves its input
  untouched: 1e-10 in float64, 1e-5 in float32;
- every activation and its vector-Jacobian product with a random upstream
  gradient, on inputs with exact zeros (the ReLU kink) and on logits from 1e-4
  to 500 (softmax near uniform and saturated), equal `tf.GradientTape`'s: the
  same tolerances, the gradient's measured against max|upstream| (its terms,
  since |f'| <= 1); two TensorFlow kernels round more than the maths needs and
  get their own allowance (leaky ReLU's slope in float32 inside float64, and
  float32 ELU's exp(x) - 1, see `tests.strategies.tolerance`);
- Dropout in training multiplies every kept unit by exactly 1/(1 - rate) (to
  100 ulps: 2e-14 in float64, 1e-5 in float32) and zeroes the rest, keeps a
  fraction of units within 5 standard deviations of 1 - rate (Keras's does
  too), and passes the gradient through the same mask; at inference it is the
  identity, bit for bit, as Keras's;
- BatchNormalization's output and moving mean and variance after each of n
  training steps, and its inference output after them, equal Keras's: 1e-10 / 1e-5.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

from keras_ref import builders, oracle
from scratch_nn import activations, layers
from tests.strategies import (
    ACTIVATIONS,
    arrays,
    assert_close,
    batch_shapes,
    examples,
    float_dtypes,
    logits,
    random_weights,
    seeds,
    tolerance,
)


# -- checks (plain functions, shared with tests/test_teeth.py) ----------------------
def batch_norm_scales(layer, x, training):
    """The size of the terms each BatchNormalization result is computed from (`assert_close`'s scale).

    The output is a difference of terms as large as |x| |gamma| / sqrt(var + eps)
    (TensorFlow computes x * inv + (beta - mean * inv)); the batch variance, in
    float32 on data far from zero, cancels terms as large as x**2. Read before
    the forward pass (the moving statistics then hold their old values).
    """
    gamma = np.abs(layer.params.get("gamma", 1.0))
    var = x.var(axis=0) if training else layer.state["moving_variance"]
    x_max = np.max(np.abs(x), axis=0)
    return {
        "output": float(np.max(x_max * gamma / np.sqrt(var + layer.epsilon)
                               + np.abs(layer.params.get("beta", 0.0)))),
        "moving_mean": float(np.max(np.abs(layer.state["moving_mean"]) + x_max)),
        "moving_variance": float(np.max(layer.state["moving_variance"] + x_max**2)),
    }


def compare_layer(layer, twin, x, training, rtol, what):
    """One forward pass of `layer` and its Keras twin: outputs, then every weight by name."""
    names = [*layer.params, *layer.state]  # Keras order for these layers: trainable first
    scales = batch_norm_scales(layer, x, training) if "moving_mean" in names else {}
    expected = oracle.forward(twin, x, training=training)
    x_before = x.copy()
    actual = layer.forward(x, training=training)
    np.testing.assert_array_equal(x, x_before, err_msg=f"{type(layer).__name__} changed its input")
    assert_close(actual, expected, rtol, f"{what}: output (training={training})",
                 scale=scales.get("output", 0.0))
    for name, ours, theirs in zip(names, layer.get_weights(), twin.get_weights(), strict=True):
        assert_close(ours, theirs, rtol, f"{what}: {name} after the call", scale=scales.get(name, 0.0))


def check_layer_forward(layer, x, training=False, seed=0):
    """A scratch_nn layer and its Keras twin, same random weights: same output, same weights after.

    The weights after the call cover BatchNormalization's moving statistics.
    """
    if not layer.built:
        layer.build(x.shape[1:])
    rng = np.random.default_rng(seed)
    layer.set_weights(random_weights(rng, layer))
    twin = builders.keras_twin_layer(layer)
    activation = getattr(getattr(layer, "activation", None), "name", None)
    compare_layer(layer, twin, x, training, tolerance(x.dtype, [activation]), type(layer).__name__)


def check_activation(name, x, upstream):
    """Activation `name`: forward and `backward(upstream)` equal Keras's value and VJP."""
    expected_y, expected_dx = oracle.activation_value_and_gradient(name, x, upstream)
    act = activations.get(name)
    x_before, upstream_before = x.copy(), upstream.copy()
    y = act.forward(x)
    dx = act.backward(upstream)
    np.testing.assert_array_equal(x, x_before, err_msg=f"{name} changed its input")
    np.testing.assert_array_equal(upstream, upstream_before, err_msg=f"{name} backward wrote into dout")
    rtol = tolerance(x.dtype, [name])
    assert_close(y, expected_y, rtol, f"{name} forward")
    # Every activation here has |f'| <= 1, so the gradient's terms are at most |upstream|.
    assert_close(dx, expected_dx, rtol, f"{name} gradient", scale=np.max(np.abs(upstream)))


def check_dropout_training(rate, x, upstream, seed):
    """Training-mode Dropout: kept units scaled by 1/(1-rate), fraction kept ~ 1-rate, same mask back.

    `x` has no zero entries, so a zero output means a dropped unit. The same
    structural checks run on Keras's own Dropout, so the property is checked to
    be the reference's too.
    """
    layer = layers.Dropout(rate, seed=seed, dtype=x.dtype)
    layer.build(x.shape[1:])
    twin = builders.keras_twin_layer(layer)
    tight = 100 * np.finfo(x.dtype).eps
    for who, y in (("scratch_nn", layer.forward(x, training=True)),
                   ("keras", oracle.forward(twin, x, training=True))):
        kept = y != 0
        assert_close(y[kept], x[kept] / (1 - rate), tight, f"{who} Dropout({rate}) kept units")
        n, k = x.size, int(kept.sum())
        sigma = np.sqrt(n * rate * (1 - rate))
        assert abs(k - n * (1 - rate)) <= 5 * sigma + 1, (
            f"{who} Dropout({rate}) kept {k} of {n} units, expected {n * (1 - rate):.0f} +- {5 * sigma:.0f}"
        )
    y = layer.forward(x, training=True)
    dx = layer.backward(upstream)
    assert_close(dx, upstream * (y / x), tight, f"Dropout({rate}) gradient")


def check_batch_norm_steps(layer, batches, seed=0):
    """BatchNormalization vs Keras over n training steps, then at inference.

    After every step: same output and same moving mean and variance.
    """
    x0 = batches[0]
    layer.build(x0.shape[1:])
    rng = np.random.default_rng(seed)
    layer.set_weights(random_weights(rng, layer))
    twin = builders.keras_twin_layer(layer)
    rtol = tolerance(x0.dtype)
    for step, x in enumerate(batches):
        compare_layer(layer, twin, x, True, rtol, f"BatchNormalization step {step}")
    compare_layer(layer, twin, x0, False, rtol, "BatchNormalization after training")


# -- strategies for layers -----------------------------------------------------------
@st.composite
def dense_cases(draw, activation):
    dtype = draw(float_dtypes)
    shape = draw(batch_shapes())
    min_units = 2 if activation == "softmax" else 1
    layer = layers.Dense(draw(st.integers(min_units, 6)), activation=activation,
                         use_bias=draw(st.booleans()), dtype=dtype)
    return layer, draw(arrays(shape, dtype, zeros=True)), draw(seeds)


@st.composite
def batch_norm_layers(draw, dtype):
    return layers.BatchNormalization(
        momentum=draw(st.sampled_from([0.0, 0.5, 0.9, 0.99])),
        epsilon=draw(st.sampled_from([1e-3, 1e-5, 0.1])),
        center=draw(st.booleans()), scale=draw(st.booleans()), dtype=dtype,
    )


# -- properties ----------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@examples(10)
@given(case=st.data())
def test_dense_forward_matches_keras(activation, case):
    layer, x, seed = case.draw(dense_cases(activation))
    check_layer_forward(layer, x, training=case.draw(st.booleans()), seed=seed)


@examples(10)
@given(dtype=float_dtypes, shape=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
       data=st.data())
def test_flatten_forward_matches_keras(dtype, shape, data):
    check_layer_forward(layers.Flatten(dtype=dtype), data.draw(arrays(shape, dtype)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@examples(5)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_activation_layer_forward_matches_keras(activation, dtype, shape, data):
    x = data.draw(logits((shape[0], max(shape[1], 2)), dtype))
    check_layer_forward(layers.Activation(activation, dtype=dtype), x)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_activation_value_and_gradient_match_tensorflow(activation, dtype, shape, data):
    shape = (shape[0], max(shape[1], 2))
    x = data.draw(arrays(shape, dtype, scales=(1e-4, 1.0, 10.0, 500.0), zeros=True))
    check_activation(activation, x, data.draw(arrays(shape, dtype)))


@given(dtype=float_dtypes, shape=batch_shapes(), rate=st.floats(0.0, 0.95), data=st.data())
def test_dropout_at_inference_is_the_identity(dtype, shape, rate, data):
    x = data.draw(arrays(shape, dtype))
    layer = layers.Dropout(rate, dtype=dtype)
    layer.build(shape[1:])
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    np.testing.assert_array_equal(oracle.forward(builders.keras_twin_layer(layer), x), x)
    check_layer_forward(layer, x, training=False)


@examples(10)
@given(dtype=float_dtypes, rate=st.sampled_from([0.05, 0.2, 0.5, 0.8]), seed=seeds, data=st.data())
def test_dropout_training_scales_kept_units(dtype, rate, seed, data):
    shape = (200, 100)
    x = data.draw(arrays(shape, dtype, scales=(1.0,)))
    x[x == 0] = 1.0
    check_dropout_training(rate, x, data.draw(arrays(shape, dtype)), seed)


@examples(10)
@given(dtype=float_dtypes, steps=st.integers(1, 5), shape=batch_shapes(min_units=1), data=st.data())
def test_batch_norm_moving_statistics_match_keras(dtype, steps, shape, data):
    shift = data.draw(st.sampled_from([0.0, 3.0]))
    batches = [data.draw(arrays(shape, dtype)) + dtype(shift) for _ in range(steps)]
    check_batch_norm_steps(data.draw(batch_norm_layers(dtype)), batches, data.draw(seeds))


@examples(10)
@given(dtype=float_dtypes, shape=batch_shapes(), training=st.booleans(), data=st.data())
def test_batch_norm_forward_matches_keras(dtype, shape, training, data):
    layer = data.draw(batch_norm_layers(dtype))
    check_layer_forward(layer, data.draw(arrays(shape, dtype)), training, data.draw(seeds))
