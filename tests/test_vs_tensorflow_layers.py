"""Layers and activations against Keras: forward passes, activation gradients, Dropout, BatchNorm.

Properties (tolerances relative to the largest entry, see `tests.tolerances.assert_close`):

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
  float32 ELU's exp(x) - 1, see `tests.tolerances.tolerance`);
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

import keras
import tensorflow as tf

import scratch_nn
from keras_ref import oracle, twins
from keras_ref.specs import Spec, build
from tests.checks import (
    check_activation,
    check_batch_norm_steps,
    check_dropout_training,
    check_layer_forward,
)
from tests.hypothesis_profiles import examples
from tests.specs import ACTIVATIONS
from tests.strategies import arrays, batch_shapes, float_dtypes, logits, seeds


# -- strategies for layers -----------------------------------------------------------
@st.composite
def dense_cases(draw, activation):
    dtype = draw(float_dtypes)
    shape = draw(batch_shapes())
    min_units = 2 if activation == "softmax" else 1
    spec = Spec("layers.Dense", {"units": draw(st.integers(min_units, 6)), "activation": activation,
                                 "use_bias": draw(st.booleans()), "dtype": np.dtype(dtype).name})
    return spec, draw(arrays(shape, dtype, zeros=True)), draw(seeds)


@st.composite
def batch_norm_specs(draw, dtype):
    return Spec("layers.BatchNormalization", {
        "momentum": draw(st.sampled_from([0.0, 0.5, 0.9, 0.99])),
        "epsilon": draw(st.sampled_from([1e-3, 1e-5, 0.1])),
        "center": draw(st.booleans()), "scale": draw(st.booleans()), "dtype": np.dtype(dtype).name,
    })


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
    check_layer_forward(Spec("layers.Flatten", {"dtype": np.dtype(dtype).name}),
                        data.draw(arrays(shape, dtype)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@examples(5)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_activation_layer_forward_matches_keras(activation, dtype, shape, data):
    x = data.draw(logits((shape[0], max(shape[1], 2)), dtype))
    check_layer_forward(Spec("layers.Activation", {"activation": activation, "dtype": np.dtype(dtype).name}), x)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_activation_value_and_gradient_match_tensorflow(activation, dtype, shape, data):
    shape = (shape[0], max(shape[1], 2))
    x = data.draw(arrays(shape, dtype, scales=(1e-4, 1.0, 10.0, 500.0), zeros=True))
    check_activation(activation, x, data.draw(arrays(shape, dtype)))


@given(dtype=float_dtypes, shape=batch_shapes(), rate=st.floats(0.0, 0.95), data=st.data())
def test_dropout_at_inference_is_the_identity(dtype, shape, rate, data):
    x = data.draw(arrays(shape, dtype))
    spec = Spec("layers.Dropout", {"rate": rate, "dtype": np.dtype(dtype).name})
    layer = build(spec, scratch_nn)
    layer.build(shape[1:])
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    np.testing.assert_array_equal(oracle.forward(twins.keras_twin_layer(spec, layer), x), x)
    check_layer_forward(spec, x, training=False)


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
    check_batch_norm_steps(data.draw(batch_norm_specs(dtype)), batches, data.draw(seeds))


@examples(10)
@given(dtype=float_dtypes, shape=batch_shapes(), training=st.booleans(), data=st.data())
def test_batch_norm_forward_matches_keras(dtype, shape, training, data):
    layer = data.draw(batch_norm_specs(dtype))
    check_layer_forward(layer, data.draw(arrays(shape, dtype)), training, data.draw(seeds))


def test_softmax_shifts_each_row_by_its_own_max_like_keras():
    """Rows 1000 apart: shifting by the batch's max would underflow the low row to 0 / 0."""
    x = np.array([[0.0, 1.0, 2.0], [-1000.0, -999.0, -998.0]])
    theirs = keras.ops.convert_to_numpy(keras.activations.softmax(x))
    np.testing.assert_allclose(scratch_nn.activations.softmax(x), theirs, rtol=1e-6)


@pytest.mark.parametrize(("name", "kwargs"), [("LeakyReLU", {"negative_slope": 0.5}), ("ELU", {"alpha": 0.5})])
def test_activation_objects_use_their_argument_like_keras(name, kwargs):
    """Value and gradient (at 0 too, where ELU's slope is alpha) of a non-default slope, as TensorFlow's."""
    x = np.array([[-2.0, -0.5, 0.0, 1.5]])
    upstream = np.array([[1.0, 2.0, 3.0, 4.0]])
    ours = getattr(scratch_nn.activations, name)(**kwargs)
    value = ours.forward(x)
    gradient = ours.backward(upstream)
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        theirs = getattr(keras.activations, name.lower().replace("leakyrelu", "leaky_relu"))(tensor, **kwargs)
    np.testing.assert_allclose(value, theirs.numpy(), rtol=1e-6)
    np.testing.assert_allclose(gradient, tape.gradient(theirs, tensor, output_gradients=upstream).numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{"axis": 1}, {"momentum": 1.0}], ids=["axis-1", "momentum-1"])
def test_batch_norm_accepts_what_keras_accepts(kwargs):
    """`axis=1` is the feature axis of (batch, features), as -1; `momentum=1` keeps the moving statistics."""
    import keras

    x = np.arange(12.0).reshape(4, 3)
    theirs = keras.layers.BatchNormalization(**kwargs)
    expected = keras.ops.convert_to_numpy(theirs(x, training=True))
    ours = scratch_nn.layers.BatchNormalization(**kwargs)
    ours.build((3,))
    np.testing.assert_allclose(ours.forward(x, training=True), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.get_weights()[2], keras.ops.convert_to_numpy(theirs.moving_mean), rtol=1e-6)


def test_batch_norm_refusals_name_argument_and_value():
    with pytest.raises(ValueError, match=r"^BatchNormalization: only the feature axis of \(batch, features\) "
                                         r"inputs is supported \(axis=-1 or 1\), received axis=2$"):
        scratch_nn.layers.BatchNormalization(axis=2)
    with pytest.raises(ValueError, match=r"^BatchNormalization 'bn': expected inputs \(batch, features\), "
                                         r"received samples of shape \(2, 3\)$"):
        scratch_nn.layers.BatchNormalization(name="bn").build((None, 2, 3))  # a batch of (2, 3) samples, as Keras passes it


@pytest.mark.parametrize("name", ["tanh", "leaky_relu", "elu"])
def test_activation_functions_with_their_defaults_like_keras(name):
    """The function forms called with the input alone: Keras's default slope (0.2) and alpha (1.0)."""
    import keras

    x = np.array([[-2.0, -0.5, 0.0, 1.5]])
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(x))
    np.testing.assert_allclose(getattr(scratch_nn.activations, name)(x), theirs, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, {"dtype": "float64"}, {"name": "pixels"},
                                    {"dtype": "float64", "name": "pixels"}])
def test_input_keeps_its_dtype_and_name_like_keras(kwargs):
    """`Input(shape, dtype, name)` and `InputLayer`: the dtype (floatx when None) and the name."""
    import keras

    for ours, theirs in ((scratch_nn.Input((4,), **kwargs), keras.Input((4,), **kwargs)),
                         (scratch_nn.layers.InputLayer((4,), **kwargs), keras.layers.InputLayer((4,), **kwargs))):
        assert ours.dtype == theirs.dtype, f"{type(ours).__name__}({kwargs}).dtype"
        if "name" in kwargs:
            assert ours.name == theirs.name, f"{type(ours).__name__}({kwargs}).name"


def test_softmax_activation_on_a_3d_batch_matches_tensorflow():
    """``(batch, steps, classes)``: the softmax and its vector-Jacobian product over the last axis."""

    rng = np.random.default_rng(3)
    x, g = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    layer = scratch_nn.layers.Activation("softmax", dtype="float64")
    y, dx = layer(x), layer.backward(g)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        yt = tf.nn.softmax(xt, axis=-1)
        target = tf.reduce_sum(yt * g)
    np.testing.assert_allclose(y, yt.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, tape.gradient(target, xt).numpy(), rtol=1e-10, atol=1e-15)
