"""Layer contracts that need no TensorFlow: dtypes kept, seeded masks reproducible, bad hyperparameters refused.

- A float32 model stays float32: every layer's forward output and input
  gradient (Dense with each activation, Flatten, Activation, Dropout and
  BatchNormalization in training and inference mode), the model's
  predictions, loss gradients and weights after a `fit` step.
  The same for the layers of `test_vs_tensorflow_layer_blocks`; Reshape
  and the layers that keep their input's shape give back an input gradient
  of the input's shape.
- Two Dropout layers with the same seed drop the same units (Keras's seeded
  `SeedGenerator` does too); one layer called twice draws a new mask.
- BatchNormalization refuses `momentum` outside [0, 1] and `epsilon <= 0`
  with a message naming the argument and the value (Keras accepts them; a
  momentum of 2 makes the moving statistics diverge, an epsilon of 0 divides
  by zero on a constant feature).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scratch_nn
from keras_ref.specs import Spec, build
from tests.hypothesis_profiles import examples
from tests.specs import ACTIVATIONS
from tests.strategies import seeds

F32 = np.float32

LAYERS = [
    Spec("layers.Flatten"),
    Spec("layers.Dropout", {"rate": 0.5}),
    Spec("layers.Dropout", {"rate": 0.5, "seed": 1}),
    Spec("layers.BatchNormalization"),
    Spec("layers.BatchNormalization", {"center": False, "scale": False}),
    *(Spec("layers.Dense", {"units": 3, "activation": name}) for name in ACTIVATIONS),
    *(Spec("layers.Activation", {"activation": name}) for name in ACTIVATIONS),
    Spec("layers.Rescaling", {"scale": 1 / 255, "offset": [0.0, 0.1, 0.2, 0.3]}),
    Spec("layers.Normalization"),
    Spec("layers.Normalization", {"mean": 0.5, "variance": 2.0, "invert": True}),
    Spec("layers.LayerNormalization"),
    Spec("layers.ReLU", {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.5}),
    Spec("layers.LeakyReLU"),
    Spec("layers.PReLU"),
    Spec("layers.ELU"),
    Spec("layers.GaussianNoise", {"stddev": 0.5, "seed": 1}),
    Spec("layers.GaussianDropout", {"rate": 0.5, "seed": 1}),
    Spec("layers.AlphaDropout", {"rate": 0.5, "seed": 1}),
    Spec("layers.ActivityRegularization", {"l1": 0.1, "l2": 0.1}),
    Spec("layers.Reshape", {"target_shape": (2, 2)}),
]


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("spec", LAYERS, ids=lambda s: f"{s.name}{s.kwargs}")
def test_layer_keeps_float32_float32(spec, training):
    layer = build(spec, scratch_nn)
    layer.build((4,))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(F32)
    y = layer.forward(x, training=training)
    assert y.dtype == F32, f"{spec.name} forward(training={training}) returned {y.dtype}"
    dx = layer.backward(np.ones_like(y))
    assert dx.dtype == F32, f"{spec.name} backward(training={training}) returned {dx.dtype}"
    assert dx.shape == x.shape, f"{spec.name} backward gave shape {dx.shape}"
    for name, w in zip(layer._weight_order, layer.weights):
        if name != "count":  # Normalization's counter is an int64, as Keras's
            assert w.dtype == F32, f"{spec.name} weight {name} is {w.dtype}"


def test_float32_model_stays_float32_through_fit():
    model = scratch_nn.Sequential([
        scratch_nn.layers.Input((4,)), scratch_nn.layers.Dense(6, activation="relu"),
        scratch_nn.layers.BatchNormalization(), scratch_nn.layers.Dropout(0.3, seed=0),
        scratch_nn.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)  # float64 data, cast by the model
    _, grads, dx = model.compute_loss_and_gradients(x.astype(F32), y, need_input_grad=True)
    assert {g.dtype for g in grads} == {np.dtype(F32)} and dx.dtype == F32
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert {w.dtype for w in model.get_weights()} == {np.dtype(F32)}
    assert model.predict(x, verbose=0).dtype == F32


@examples(10)
@given(seed=seeds, rate=st.sampled_from([0.1, 0.5, 0.9]))
def test_seeded_dropout_gives_the_same_mask_twice(seed, rate):
    x = np.ones((20, 10), F32)
    first, second = (scratch_nn.layers.Dropout(rate, seed=seed) for _ in range(2))
    for layer in (first, second):
        layer.build((10,))
    a, b = first.forward(x, training=True), second.forward(x, training=True)
    np.testing.assert_array_equal(a, b, err_msg=f"Dropout({rate}, seed={seed}): two masks")
    assert not np.array_equal(first.forward(x, training=True), a), "the next call reused the mask"


@pytest.mark.parametrize("kwargs, argument", [
    ({"momentum": 2.0}, "momentum"), ({"momentum": -0.5}, "momentum"),
    ({"epsilon": 0.0}, "epsilon"), ({"epsilon": -1e-3}, "epsilon"),
])
def test_batch_norm_refuses_bad_hyperparameters(kwargs, argument):
    value = kwargs[argument]
    with pytest.raises(ValueError, match=rf"{argument}.*{value!r}"):
        scratch_nn.layers.BatchNormalization(**kwargs)


def test_dropout_defaults_to_inference_and_keeps_its_seed():
    """`forward(x)` without `training` is the identity (Keras's `training=None` at inference);
    the layer keeps the seed it was given (Keras's `Dropout.seed`)."""
    layer = scratch_nn.layers.Dropout(0.5, seed=3)
    layer.build((10,))
    x = np.ones((20, 10), F32)
    np.testing.assert_array_equal(layer.forward(x), x)
    assert layer.seed == 3


@pytest.mark.parametrize("spec", [Spec("layers.Flatten"), Spec("layers.Dense", {"units": 3})],
                         ids=lambda s: s.name)
def test_backward_skips_the_input_gradient_only_when_told(spec):
    """`backward(dout)` returns ``dL/dx`` (``need_input_grad=True`` by default); with
    ``need_input_grad=False`` it returns None, so the first layer skips ``dz @ kernel.T``."""
    layer = build(spec, scratch_nn)
    layer.build((4,))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(F32)
    dout = np.ones_like(layer.forward(x, training=True))
    assert layer.backward(dout).shape == x.shape
    assert layer.backward(dout, need_input_grad=False) is None
    if hasattr(layer, "backward_from_preactivation"):
        assert layer.backward_from_preactivation(dout).shape == x.shape
        assert layer.backward_from_preactivation(dout, need_input_grad=False) is None


def test_batch_norm_defaults_to_inference_and_leaves_its_statistics_alone():
    """`forward(x)` without `training` normalizes with the moving statistics (Keras's
    `training=None` at inference) and does not update them."""
    layer = scratch_nn.layers.BatchNormalization()
    layer.build((3,))
    x = np.random.default_rng(2).normal(5.0, 2.0, (8, 3)).astype(F32)
    before = [w.copy() for w in layer.weights]
    np.testing.assert_array_equal(layer.forward(x), layer.forward(x, training=False))
    for old, new in zip(before, layer.weights):
        np.testing.assert_array_equal(old, new)
