"""The activations Keras 3 adds to the original seven, against TensorFlow: value and gradient.

Properties (tolerances of `tests.tolerances`: 1e-10 relative to the largest
entry in float64, 1e-5 in float32; the gradient judged against
max|upstream| too, its terms' size):

- each of selu, gelu (exact and ``approximate=True``), silu and its alias
  swish, softplus, softsign, hard_sigmoid (Keras 3's ``relu6(x + 3) / 6``),
  relu6, exponential and mish, called by its Keras name, and ``relu`` with
  Keras 3's ``negative_slope``, ``max_value`` and ``threshold``: the forward
  pass and the vector-Jacobian product with a random upstream gradient equal
  ``tf.GradientTape``'s, in float32 and float64, on inputs from 1e-4 to 500
  with exact zeros and, for the piecewise ones, entries exactly at their
  kinks (where the libraries must pick the same side);
- the function forms (``activations.gelu(x, approximate=True)``...) equal
  ``keras.activations``' on Keras's own docstring example, and keep the
  input's float type.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from tests.checks import check_activation
from tests.hypothesis_profiles import examples
from tests.strategies import arrays, batch_shapes, float_dtypes, with_kinks
from tests.tolerances import assert_close, tolerance

#: name -> the values where its gradient changes branch.
KINKS = {
    "selu": (0.0,), "gelu": (), "silu": (), "swish": (), "softplus": (), "softsign": (0.0,),
    "hard_sigmoid": (-3.0, 3.0), "relu6": (0.0, 6.0), "mish": (),
}

RELU_ARGUMENTS = [
    {"negative_slope": 0.25},
    {"max_value": 6.0},
    {"max_value": 2.5},
    {"threshold": 1.5},
    {"threshold": -0.5},
    {"negative_slope": 0.25, "max_value": 2.5},
    {"negative_slope": 0.25, "threshold": 1.5},
    {"negative_slope": 0.5, "max_value": 6.0, "threshold": -1.0},
    {"max_value": 2.5, "threshold": 1.5},
]


@pytest.mark.parametrize("name", sorted(KINKS))
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_activation_and_its_gradient_match_tensorflow(name, dtype, shape, data):
    x = data.draw(with_kinks(shape, dtype, KINKS[name]))
    check_activation(name, x, data.draw(arrays(shape, dtype)))


@examples(10)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_approximate_gelu_matches_tensorflow(dtype, shape, data):
    x = data.draw(arrays(shape, dtype, scales=(1e-4, 1.0, 10.0, 500.0), zeros=True))
    check_activation("gelu", x, data.draw(arrays(shape, dtype)), approximate=True)


@examples(10)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_exponential_matches_tensorflow(dtype, shape, data):
    """Inputs up to ~40 in size: beyond 88 float32's exp is infinite in both, and compares nothing."""
    x = data.draw(arrays(shape, dtype, scales=(1e-4, 1.0, 10.0), zeros=True))
    check_activation("exponential", x, data.draw(arrays(shape, dtype)))


@pytest.mark.parametrize("kwargs", RELU_ARGUMENTS, ids=lambda k: ",".join(f"{a}={v}" for a, v in k.items()))
@examples(10)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_relu_with_keras_3_arguments_matches_tensorflow(kwargs, dtype, shape, data):
    kinks = (0.0, kwargs.get("threshold", 0.0), kwargs.get("max_value") or 0.0)
    x = data.draw(with_kinks(shape, dtype, kinks, scales=(1e-4, 1.0, 10.0)))
    check_activation("relu", x, data.draw(arrays(shape, dtype)), **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("relu", {}), ("relu", {"negative_slope": 0.5}), ("relu", {"max_value": 5.0}),
    ("relu", {"threshold": 5.0}), ("relu6", {}), ("hard_sigmoid", {}), ("selu", {}), ("gelu", {}),
    ("gelu", {"approximate": True}), ("silu", {}), ("swish", {}), ("softplus", {}),
    ("softsign", {}), ("exponential", {}), ("mish", {}),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_function_forms_match_keras(name, kwargs, dtype):
    """``keras.activations.relu``'s docstring example, ``[-10, -5, 0, 5, 10]``, with each argument."""
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0], dtype)
    ours = getattr(scratch_nn.activations, name)(x, **kwargs)
    theirs = keras.ops.convert_to_numpy(getattr(keras.activations, name)(x, **kwargs))
    assert ours.dtype == np.dtype(dtype), f"{name}({kwargs}) returned {ours.dtype} for {dtype}"
    assert_close(ours, theirs, tolerance(dtype, [name]), f"{name}({kwargs})")


def test_every_keras_name_resolves_to_a_fresh_object():
    """``get`` knows each name ``keras.activations.get`` knows for these, ``swish`` as ``silu``."""
    for name in [*KINKS, "exponential"]:
        first, second = scratch_nn.activations.get(name), scratch_nn.activations.get(name)
        assert first is not second, f"{name}: one shared object (its cache would be shared)"
        assert first.name == keras.activations.get(name).__name__, name
