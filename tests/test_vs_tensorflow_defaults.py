"""Defaults against Keras's defaults: layers, optimizers and losses constructed with (almost) no arguments.

Each spec leaves the arguments under test out, so each library applies its
own default and a wrong scratch_nn default disagrees with Keras
(`keras_ref.twins` builds the Keras side from the spec, never from the
scratch_nn object). In float32, the dtype both libraries default to;
tolerances as in `tests.tolerances`.

- Layers: Dense (no activation, and each activation by name), Flatten,
  Dropout at inference, the layers of `test_vs_tensorflow_layer_blocks` with
  their defaults (the random ones at inference), BatchNormalization over three training steps then at
  inference (momentum 0.99, epsilon 1e-3), Activation for every name: same
  outputs and weights as Keras's; a fresh Dense and BatchNormalization start
  from the weights Keras starts from (bias, gamma, beta, moving statistics
  exactly; the Glorot-uniform kernel within its bound, with its spread).
- Optimizers given one argument or none, over five steps of gradients at
  1e-6 (where epsilon shows) and 1: same variables and slots after every step;
  SGD in float32 (plain, momentum, Nesterov, momentum 1) bit for bit.
- Every optimizer's `get_config()` with no argument given: the values of
  Keras's `get_config()` under the same keys (each default, read from Keras).
- Losses default-constructed (`from_logits=False`): same value and gradient.
- What only a targeted example shows: `Dense.regularization_loss` with both
  a kernel and a bias regularizer equals the sum of Keras's `layer.losses`;
  `mean_squared_error` per sample (n != k, so the wrong axis has another
  shape) equals `keras.losses.mean_squared_error`; categorical cross-entropy
  from logits on targets whose rows do not sum to 1 has Keras's value and the
  gradient of that value (see the test: TensorFlow's differs).
- `Input(dtype=...)` declares the data's dtype; the layers keep their own
  (floatx), as in Keras (`keras/src/layers/core/input_layer.py`).
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref import oracle, twins
from keras_ref.specs import Spec, build, sequential
from scratch_nn.gradcheck import numerical_gradient
from tests.checks import (
    check_batch_norm_steps,
    check_layer_forward,
    check_loss,
    check_optimizer,
    scratch_trajectory,
)
from tests.specs import ACTIVATIONS, OptimizerSpec
from tests.tolerances import assert_close, tolerance

F32 = np.float32


def data(shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(F32)


DEFAULT_LAYERS = [
    Spec("layers.Dense", {"units": 3}),
    Spec("layers.Flatten"),
    Spec("layers.Dropout", {"rate": 0.5}),
    Spec("layers.BatchNormalization"),
    *(Spec("layers.Dense", {"units": 3, "activation": name}) for name in ACTIVATIONS),
    *(Spec("layers.Activation", {"activation": name}) for name in ACTIVATIONS),
    Spec("layers.Rescaling", {"scale": 0.5}),
    Spec("layers.Normalization", {"mean": 1.0, "variance": 2.0}),
    Spec("layers.Normalization"),
    Spec("layers.LayerNormalization"),
    Spec("layers.ReLU"),
    Spec("layers.LeakyReLU"),
    Spec("layers.PReLU"),
    Spec("layers.ELU"),
    Spec("layers.GaussianNoise", {"stddev": 0.5}),
    Spec("layers.GaussianDropout", {"rate": 0.5}),
    Spec("layers.AlphaDropout", {"rate": 0.5}),
    Spec("layers.ActivityRegularization"),
    Spec("layers.Reshape", {"target_shape": (2, -1)}),
]
RANDOM_IN_TRAINING = ("Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout")


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("spec", DEFAULT_LAYERS, ids=lambda s: f"{s.name}{s.kwargs}")
def test_default_layer_matches_keras(spec, training):
    if spec.name in RANDOM_IN_TRAINING and training:
        pytest.skip("random: compared in test_vs_tensorflow_layers and _layer_blocks")
    check_layer_forward(spec, data((5, 4), seed=1, scale=2.0), training=training, seed=2)


def test_default_batch_norm_steps_match_keras():
    batches = [data((6, 3), seed=s, scale=2.0) + F32(1) for s in range(3)]
    check_batch_norm_steps(Spec("layers.BatchNormalization"), batches)


@pytest.mark.parametrize("spec", [Spec("layers.Dense", {"units": 60}), Spec("layers.BatchNormalization"),
                                  Spec("layers.LayerNormalization"), Spec("layers.PReLU"),
                                  Spec("layers.Normalization")],
                         ids=lambda s: s.name)
def test_fresh_layer_starts_from_keras_initial_weights(spec):
    scratch_nn.utils.set_random_seed(0)
    layer = build(spec, scratch_nn)
    layer.build((40,))
    twin = twins.keras_object(spec)
    twin.build((None, 40))
    for name, ours, theirs in zip(layer._weight_order, layer.get_weights(), twin.get_weights(), strict=True):
        theirs = np.asarray(theirs)
        assert ours.dtype == theirs.dtype, f"{spec.name} {name}: dtype {ours.dtype} != {theirs.dtype}"
        if name != "kernel":
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{spec.name} {name} initial value")
            continue
        limit = np.sqrt(6 / sum(ours.shape))  # glorot_uniform
        for who, w in (("scratch_nn", ours), ("keras", theirs)):
            assert np.max(np.abs(w)) <= limit, f"{who} kernel outside the Glorot bound {limit}"
            assert abs(np.std(w) / (limit / np.sqrt(3)) - 1) < 0.1, f"{who} kernel spread is not Glorot's"


OPTIMIZERS_NEAR_DEFAULT = [
    OptimizerSpec("SGD", {}),
    OptimizerSpec("SGD", {"learning_rate": 0.125}),
    OptimizerSpec("SGD", {"momentum": 0.5}),
    OptimizerSpec("Adam", {}),
    OptimizerSpec("Adam", {"learning_rate": 0.125}),
    OptimizerSpec("Adam", {"amsgrad": True}),
    OptimizerSpec("RMSprop", {}),
    OptimizerSpec("RMSprop", {"learning_rate": 0.125}),
    OptimizerSpec("RMSprop", {"momentum": 0.5}),
    OptimizerSpec("RMSprop", {"centered": True}),
    *(OptimizerSpec(name, kwargs) for name in ("Adagrad", "Adadelta", "Adamax", "AdamW", "Lion", "Ftrl")
      for kwargs in ({}, {"learning_rate": 0.125})),
]


@pytest.mark.parametrize("scale", [1e-6, 1.0])
@pytest.mark.parametrize("spec", OPTIMIZERS_NEAR_DEFAULT, ids=lambda s: f"{s.name}{s.kwargs}")
def test_optimizer_defaults_over_several_steps_match_keras(spec, scale):
    variables = [data((3, 2), seed=3), data((4,), seed=4)]
    steps = [[data(v.shape, seed=10 + 2 * k + i, scale=scale) for i, v in enumerate(variables)]
             for k in range(5)]
    check_optimizer(spec, variables, steps)


@pytest.mark.parametrize("name", sorted(
    name for name in scratch_nn.optimizers.__all__
    if isinstance(getattr(scratch_nn.optimizers, name), type) and name != "Optimizer"))
def test_optimizer_default_configs_are_keras_defaults(name):
    ours = getattr(scratch_nn.optimizers, name)().get_config()
    theirs = getattr(keras.optimizers, name)().get_config()
    assert set(ours) <= set(theirs), f"{name}: keys Keras does not have: {set(ours) - set(theirs)}"
    for key, value in ours.items():
        if key == "name":  # Keras numbers its names (sgd_6); see test_model_api
            continue
        assert value == pytest.approx(theirs[key]), f"{name} default {key}: {value!r} != {theirs[key]!r}"


def test_default_losses_match_keras():
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(4), 6).astype(F32)
    labels = rng.integers(0, 4, 6)
    check_loss(Spec("losses.SparseCategoricalCrossentropy"), labels, p)
    check_loss(Spec("losses.CategoricalCrossentropy"), np.eye(4, dtype=F32)[labels], p)
    check_loss(Spec("losses.MeanSquaredError"), data((6, 4), seed=6), data((6, 4), seed=7))
    check_loss(Spec("losses.BinaryCrossentropy"), (labels[:, None] > np.arange(4)).astype(F32), p)


def test_dense_regularization_loss_with_kernel_and_bias_regularizers_matches_keras():
    spec = Spec("layers.Dense", {
        "units": 3, "kernel_regularizer": Spec("regularizers.L2", {"l2": 0.25}),
        "bias_regularizer": Spec("regularizers.L1", {"l1": 0.5}), "dtype": "float64"})
    layer = build(spec, scratch_nn)
    layer.build((4,))
    layer.set_weights([np.random.default_rng(8).standard_normal(w.shape) for w in layer.weights])
    twin = twins.keras_twin_layer(spec, layer)
    expected = sum(float(oracle.to_numpy(loss)) for loss in twin.losses)
    assert len(twin.losses) == 2
    assert_close(layer.regularization_loss(), expected, tolerance(np.float64), "Dense regularization loss")


def test_mean_squared_error_per_sample_matches_keras():
    y_true, y_pred = data((5, 3), seed=9), data((5, 3), seed=10)
    expected = oracle.to_numpy(keras.losses.mean_squared_error(y_true, y_pred))
    assert_close(scratch_nn.losses.mean_squared_error(y_true, y_pred), expected, tolerance(F32),
                 "mean_squared_error per sample")


def test_crossentropy_from_logits_with_unnormalized_targets():
    """The value is Keras's; the gradient is the value's, ``(softmax(z) sum(t) - t) / n``.

    Not Keras's gradient: TensorFlow's fused `softmax_cross_entropy_with_logits`
    kernel returns ``softmax(z) - t``, the value's gradient only when each row
    of `t` sums to 1. So the gradient is checked against central differences.
    """
    rng = np.random.default_rng(11)
    targets = rng.uniform(0.0, 1.0, (4, 3))  # rows sum to anything in (0, 3)
    z = rng.standard_normal((4, 3)) * 3
    loss = build(Spec("losses.CategoricalCrossentropy", {"from_logits": True}), scratch_nn)
    expected_value, _ = oracle.loss_value_and_gradient(
        twins.keras_loss(Spec("losses.CategoricalCrossentropy", {"from_logits": True}), np.float64),
        targets, z)
    assert_close(loss(targets, z), expected_value, tolerance(np.float64), "value")
    expected_grad = numerical_gradient(lambda: loss(targets, z), z)
    assert_close(loss.gradient(targets, z), expected_grad, 1e-7, "gradient vs central differences")


def test_input_dtype_declares_the_data_not_the_layers_like_keras():
    spec = sequential((3,), [Spec("layers.Dense", {"units": 2})], dtype="float64")
    model = build(spec, scratch_nn)
    twin = twins.keras_twin(spec, model)
    x = np.random.default_rng(12).standard_normal((4, 3))
    ours, theirs = model.predict(x, verbose=0), twin.predict(x, verbose=0)
    assert ours.dtype == theirs.dtype == np.float32, f"predict dtype: {ours.dtype}, keras {theirs.dtype}"
    assert_close(ours, theirs, tolerance(F32), "predictions")


@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}, {"momentum": 1.0}],
                         ids=["plain", "momentum", "nesterov", "momentum-1"])
def test_sgd_float32_steps_match_keras_bit_for_bit(kwargs):
    """SGD does Keras's float32 operations in Keras's order: equal to the last bit.

    Keras casts the learning rate and momentum to the variable's dtype; one
    kept in float64 rounds differently. ``momentum=1`` is accepted, as by Keras.
    """
    spec = OptimizerSpec("SGD", kwargs)
    variables = [data((50, 40), seed=20)]
    steps = [[data((50, 40), seed=21 + k)] for k in range(5)]
    expected = oracle.optimizer_trajectory(lambda: twins.keras_optimizer(spec.spec()), variables, steps, F32)
    for step, (ours, theirs) in enumerate(zip(scratch_trajectory(spec.build(), variables, steps), expected)):
        np.testing.assert_array_equal(ours.variables[0], theirs.variables[0], err_msg=f"SGD{kwargs} step {step}")
