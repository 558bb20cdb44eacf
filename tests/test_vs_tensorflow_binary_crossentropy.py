"""Binary cross-entropy, label smoothing and the function forms' defaults, against Keras.

Properties (float64, 1e-10 relative to the largest entry):
- ``BinaryCrossentropy(from_logits=, label_smoothing=)``: the batch loss, the
  per-sample vector and ``dL/dy_pred`` equal Keras's loss of the same literal
  arguments (gradient by ``tf.GradientTape``), on probabilities kept inside
  the clip range and on logits, for ``(n, k)`` and ``(n,)`` targets.
- ``CategoricalCrossentropy(label_smoothing=)``, on probabilities and on
  logits: the same.
- The function forms called with no optional argument on either side
  (``leaky_relu``, ``elu``, ``categorical_crossentropy``,
  ``sparse_categorical_crossentropy``, ``binary_crossentropy``) give Keras's
  values: a wrong default slope, alpha or ``from_logits`` shows (activations
  in float32 at 1e-6, as TensorFlow keeps leaky_relu's slope in float32).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
import keras

from keras_ref import oracle
from scratch_nn import activations, losses
from tests.hypothesis_profiles import examples

RTOL = 1e-10


@pytest.fixture(autouse=True)
def keras_float64():
    """Keras's loss classes compute in floatx: float64 for the duration of each test."""
    with oracle.keras_floatx("float64"):
        yield


def close(ours, theirs, rtol=RTOL):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    scale = max(np.abs(theirs).max(), 1e-30)
    assert np.abs(ours - theirs).max() <= rtol * scale, (ours, theirs)


def keras_loss_and_grad(loss, y_true, y_pred):
    p = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(p)
        value = loss(tf.constant(y_true), p)
    return float(value), tape.gradient(value, p).numpy()


def batch(seed, n, k, logits):
    rng = np.random.default_rng(seed)
    if logits:
        return rng.normal(scale=3.0, size=(n, k))
    return rng.uniform(0.01, 0.99, size=(n, k))  # inside the clip range


@examples(8)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 6), k=st.integers(1, 3),
       from_logits=st.booleans(), label_smoothing=st.sampled_from([0.0, 0.1, 0.5]),
       sparse_shape=st.booleans())
def test_binary_crossentropy_matches_keras(seed, n, k, from_logits, label_smoothing,
                                           sparse_shape):
    y_pred = batch(seed, n, k, from_logits)
    rng = np.random.default_rng(seed + 1)
    y_true = rng.integers(0, 2, size=(n, k)).astype("float64")
    if sparse_shape and k == 1:
        y_true = y_true[:, 0]  # (n,) labels for an (n, 1) output, as Keras accepts
    ours = losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing)
    theirs = keras.losses.BinaryCrossentropy(from_logits=from_logits,
                                             label_smoothing=label_smoothing)
    value, grad = keras_loss_and_grad(theirs, y_true, y_pred)
    close(ours(y_true, y_pred), value)
    close(ours.gradient(y_true, y_pred), grad)
    close(ours.per_sample(y_true, y_pred),
          keras.losses.binary_crossentropy(y_true if y_true.ndim == 2 else y_true[:, None],
                                           y_pred, from_logits=from_logits,
                                           label_smoothing=label_smoothing).numpy())


def test_binary_crossentropy_by_name():
    assert isinstance(losses.get("binary_crossentropy"), losses.BinaryCrossentropy)


@examples(8)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 5), k=st.integers(2, 4),
       from_logits=st.booleans(), label_smoothing=st.sampled_from([0.05, 0.2, 1.0]))
def test_categorical_label_smoothing_matches_keras(seed, n, k, from_logits, label_smoothing):
    y_pred = batch(seed, n, k, from_logits)
    if not from_logits:
        y_pred /= y_pred.sum(axis=-1, keepdims=True)
    y_true = np.eye(k)[np.random.default_rng(seed).integers(0, k, n)]
    ours = losses.CategoricalCrossentropy(from_logits=from_logits,
                                          label_smoothing=label_smoothing)
    value, grad = keras_loss_and_grad(
        keras.losses.CategoricalCrossentropy(from_logits=from_logits,
                                             label_smoothing=label_smoothing),
        y_true, y_pred)
    close(ours(y_true, y_pred), value)
    close(ours.gradient(y_true, y_pred), grad)
    if from_logits:
        loss, dz = ours.logits_loss_and_gradient(y_true, y_pred)
        close(loss, value)
        close(dz, grad)


def test_categorical_label_smoothing_on_fused_softmax_path():
    """The fused path (softmax output scored from its logits) smooths too: Keras's value."""
    z = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]])
    t = np.eye(3)[[0, 2]]
    loss, _ = losses.CategoricalCrossentropy(label_smoothing=0.3).logits_loss_and_gradient(t, z)
    expected = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)(t, z)
    close(loss, float(expected))


def test_sparse_crossentropy_has_no_label_smoothing_as_in_keras():
    with pytest.raises(TypeError):
        keras.losses.SparseCategoricalCrossentropy(label_smoothing=0.1)
    with pytest.raises(TypeError):
        losses.SparseCategoricalCrossentropy(label_smoothing=0.1)


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy"])
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_label_smoothing_out_of_range_is_refused(cls, value):
    with pytest.raises(ValueError, match=rf"{cls}: label_smoothing must be in \[0, 1\], received {value}"):
        getattr(losses, cls)(label_smoothing=value)


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy"])
def test_label_smoothing_of_one_is_accepted_as_in_keras(cls):
    """Both ends of [0, 1] are accepted; at 1 every target is uniform (0.5, or 1/k)."""
    t, p = np.eye(3)[[0, 2]], P
    close(getattr(losses, cls)(label_smoothing=1.0)(t, p).numpy(),
          getattr(keras.losses, cls)(label_smoothing=1.0)(t, p).numpy())


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy",
                                 "SparseCategoricalCrossentropy", "MeanSquaredError"])
@pytest.mark.parametrize("kwargs", [{}, {"name": "my_loss"}], ids=["default", "named"])
def test_loss_names_match_keras(cls, kwargs):
    assert getattr(losses, cls)(**kwargs).name == getattr(keras.losses, cls)(**kwargs).name


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy",
                                 "SparseCategoricalCrossentropy", "MeanSquaredError"])
def test_an_unknown_loss_argument_is_a_type_error_naming_it(cls):
    with pytest.raises(TypeError):
        getattr(keras.losses, cls)(colour="blue")
    with pytest.raises(TypeError, match=rf"{cls}.__init__\(\) got an unexpected keyword argument 'colour'"):
        getattr(losses, cls)(colour="blue")


X = np.array([[-3.0, -0.5, 0.0, 0.7, 2.0]], dtype="float32")


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
def test_activation_function_defaults_match_keras(name):
    """float32, 1e-6: TensorFlow holds leaky_relu's slope as a float32 attribute."""
    close(getattr(activations, name)(X), getattr(keras.activations, name)(X).numpy(), rtol=1e-6)


P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])


def test_categorical_crossentropy_function_default_matches_keras():
    t = np.eye(3)[[0, 2]]
    close(losses.categorical_crossentropy(t, P), keras.losses.categorical_crossentropy(t, P))


def test_sparse_categorical_crossentropy_function_default_matches_keras():
    y = np.array([0, 2])
    close(losses.sparse_categorical_crossentropy(y, P),
          keras.losses.sparse_categorical_crossentropy(y, P))


def test_binary_crossentropy_function_default_matches_keras():
    t = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    close(losses.binary_crossentropy(t, P), keras.losses.binary_crossentropy(t, P))


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy",
                                 "SparseCategoricalCrossentropy", "MeanSquaredError"])
def test_keras_loss_arguments_at_defaults_are_accepted(cls):
    getattr(losses, cls)(reduction="sum_over_batch_size", axis=-1, dtype=None)


@pytest.mark.parametrize("cls,kwargs", [
    ("BinaryCrossentropy", {"axis": 0}),
    ("CategoricalCrossentropy", {"axis": 0}),
    ("MeanSquaredError", {"dtype": "float64"}),
    ("SparseCategoricalCrossentropy", {"ignore_class": 0}),
])
def test_unsupported_keras_loss_arguments_are_refused_by_name(cls, kwargs):
    getattr(keras.losses, cls)(**kwargs)  # Keras takes them
    (arg, _), = kwargs.items()
    with pytest.raises(NotImplementedError, match=f"{cls}: {arg}="):
        getattr(losses, cls)(**kwargs)


@pytest.mark.parametrize("reduction", [None, "none", "sum", "sum_over_batch_size", "mean",
                                       "mean_with_sample_weight"])
@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy",
                                 "MeanSquaredError"])
@pytest.mark.parametrize("weights", ["none", "scalar", "per_sample", "column"])
def test_reduction_and_sample_weight_of_a_direct_call_like_keras(cls, reduction, weights):
    """``loss(y, p, sample_weight=w)`` with each reduction: Keras's value (float64 inputs)."""
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(3), 4)
    y = np.eye(3)[rng.integers(0, 3, 4)]
    w = {"none": None, "scalar": 2.5, "per_sample": rng.random(4),
         "column": rng.random((4, 1))}[weights]
    theirs = getattr(keras.losses, cls)(reduction=reduction)(y, p, sample_weight=w)
    ours = getattr(losses, cls)(reduction=reduction)(y, p, sample_weight=w)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-7)
