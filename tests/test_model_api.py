"""Keras model-building patterns run the same code in Keras and scratch_nn, with the same numbers.

Each pattern is written once as a function of ``module`` (``keras`` or
``scratch_nn``, as ``keras_ref.examples`` swaps the import) and run in both:

- a ``Softmax`` layer (any axis): forward, and the gradient of
  ``sum(g * y)`` with a random upstream ``g`` by ``tf.GradientTape``;
- ``Softmax()`` after a linear ``Dense`` trained with a cross-entropy
  (Keras scores it from the logits, as scratch_nn does);
- a ``Sequential`` used as a layer of another, trainable or frozen
  (``inner.trainable = False``; its BatchNormalization then normalizes with
  the moving statistics, as in Keras);
- ``Sequential.pop()`` then ``add``; ``Dense(input_dim=...)``;
- a ``Dropout`` subclass whose ``call`` keeps dropout on at inference
  (Monte Carlo dropout): its predictions vary between calls in both.

Training runs compare the epoch logs and the final weights after two epochs
of SGD from the same initial weights and batches (``shuffle=False``), in
float64 (``floatx() == "float64"`` in both; Keras casts the arrays given
to ``fit`` to it): 1e-10 relative to each array's largest entry. Layer maths:
1e-12 relative (float64). Error messages: the kind of error and the names
they must contain.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras
import tensorflow as tf

import scratch_nn
from tests.hypothesis_profiles import examples

RTOL = 1e-10


@pytest.fixture(autouse=True)
def _both_in_float64():
    """Both libraries' default float type float64 (conftest restores scratch_nn's).

    Keras fixes its global dtype policy from ``floatx()`` the first time a
    layer asks for it, so the policy is set as well as ``floatx``.
    """
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    scratch_nn.config.set_floatx("float64")
    yield
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)


def assert_close(actual, desired, what, rtol=RTOL):
    """``max |actual - desired| <= rtol * max |desired|``."""
    actual, desired = np.asarray(actual, np.float64), np.asarray(desired, np.float64)
    assert actual.shape == desired.shape, f"{what}: shape {actual.shape} != {desired.shape}"
    scale = float(np.max(np.abs(desired), initial=0.0))
    err = float(np.max(np.abs(actual - desired), initial=0.0))
    assert err <= rtol * scale, f"{what}: max error {err:.3g} > {rtol:g} * {scale:.3g}"


def fit_both(build, x, y, loss, **fit_kwargs):
    """Build with each module, copy scratch_nn's initial weights to Keras, fit both; return both."""
    scratch_nn.utils.set_random_seed(0)
    models = {}
    for module in (scratch_nn, keras):
        model = build(module)
        model.compile(optimizer=module.optimizers.SGD(learning_rate=0.3), loss=loss,
                      metrics=["accuracy"] if "crossentropy" in loss else [])
        models[module.__name__] = model
    ours, theirs = models["scratch_nn"], models["keras"]
    theirs.set_weights(ours.get_weights())
    common = {"batch_size": 4, "epochs": 2, "shuffle": False, "verbose": 0, **fit_kwargs}
    got, want = ours.fit(x, y, **common).history, theirs.fit(x, y, **common).history
    assert sorted(got) == sorted(want)
    for key in want:
        assert_close(got[key], want[key], f"history[{key!r}]")
    assert len(ours.get_weights()) == len(theirs.get_weights())
    for i, (a, b) in enumerate(zip(ours.get_weights(), theirs.get_weights())):
        assert_close(a, b, f"weight {i}")
    return ours, theirs


def data(n=10, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)), rng.integers(0, classes, size=n)


# -- Softmax layer -------------------------------------------------------------------
@given(seed=st.integers(0, 2**16), shape=st.sampled_from([(5, 3), (2, 4, 3), (1, 6)]),
       axis=st.sampled_from([-1, 1, 0, (1,), [1]]), scale=st.sampled_from([0.1, 1.0, 30.0]))
@examples(15)
def test_softmax_layer_forward_and_gradient_match_keras(seed, shape, axis, scale):
    if isinstance(axis, int) and axis >= len(shape) or isinstance(axis, (tuple, list)) and len(shape) < 2:
        axis = -1
    rng = np.random.default_rng(seed)
    x, g = rng.normal(scale=scale, size=shape), rng.normal(size=shape)
    ours = scratch_nn.layers.Softmax(axis=axis, dtype="float64")
    y = ours(x)
    dx = ours.backward(g)
    theirs = keras.layers.Softmax(axis=axis, dtype="float64")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        yt = theirs(xt)
        target = tf.reduce_sum(yt * g)
    assert_close(y, yt.numpy(), "softmax", 1e-12)
    assert_close(dx, tape.gradient(target, xt).numpy(), "softmax gradient", 1e-12)


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_softmax_layer_after_a_linear_dense_trains_as_in_keras(loss):
    x, labels = data()
    y = labels if loss.startswith("sparse") else np.eye(3)[labels]

    def build(module):
        return module.Sequential([module.Input((4,)), module.layers.Dense(3),
                                  module.layers.Softmax()])
    fit_both(build, x, y, loss)


#: Confident logits (p = e^-60 for the labelled class in every row but one) and labels.
SATURATED = np.array([[30., 0., -30.], [-30., 0., 30.], [0., 30., -30.], [30., -30., 0.]])
SATURATED_LABELS = np.array([2, 0, 2, 1])


@pytest.mark.parametrize("axis", [-1, 1, (-1,), [1], (1, 0)], ids=str)
@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_a_crossentropy_on_a_saturated_softmax_layer_is_scored_as_in_keras(loss, axis):
    """Over the last axis only (``-1``, ``1``, ``(-1,)``, ``[1]``) the loss is taken from the
    logits, unclipped: 60 here, where the clipped probabilities give at most -log(1e-7) = 16.1.
    Over two axes Keras scores the probabilities (14.7); scratch_nn does the same."""
    y = SATURATED_LABELS if loss.startswith("sparse") else np.eye(3)[SATURATED_LABELS]
    values = []
    for module in (scratch_nn, keras):
        model = module.Sequential([module.Input((3,)), module.layers.Softmax(axis=axis)])
        model.compile(optimizer="sgd", loss=loss)
        values.append(model.evaluate(SATURATED, y, verbose=0))
    assert values[0] == pytest.approx(values[1], rel=1e-5), f"Softmax(axis={axis}) + {loss}"


def test_a_crossentropy_on_a_softmax_over_the_batch_axis_scores_its_output():
    """Softmax(axis=0): scratch_nn scores the output's clipped probabilities. Keras 3 takes
    the layer's input as logits whatever the axis, and so scores a softmax over the last axis
    that the model never outputs (60.0 on these logits); not copied."""
    model = scratch_nn.Sequential([scratch_nn.Input((3,)), scratch_nn.layers.Softmax(axis=0)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    e = np.exp(SATURATED - SATURATED.max(axis=0))
    c = np.clip(e / e.sum(axis=0), 1e-7, 1 - 1e-7)
    expected = np.mean(np.log(c.sum(axis=1)) - np.log(c[np.arange(4), SATURATED_LABELS]))
    assert model.evaluate(SATURATED, SATURATED_LABELS, verbose=0) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("axis", [-1, (1,)], ids=str)
def test_softmax_layer_on_rows_far_apart_matches_keras(axis):
    """Each row is shifted by its own maximum: a shared shift by the batch's maximum
    underflows the row at -1000 to 0 / 0."""
    x = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1002.0]])
    ours = scratch_nn.layers.Softmax(axis=axis, dtype="float64")(x)
    theirs = keras.layers.Softmax(axis=axis, dtype="float64")(x).numpy()
    assert_close(ours, theirs, f"Softmax(axis={axis}) on rows 2000 apart")


# -- Sequential in a Sequential ---------------------------------------------------------
@pytest.mark.parametrize("frozen", [False, True])
def test_a_sequential_used_as_a_layer_trains_as_in_keras(frozen):
    x, y = data()

    def build(module):
        inner = module.Sequential([module.Input((4,)), module.layers.Dense(5, activation="tanh"),
                                   module.layers.BatchNormalization(),
                                   module.layers.Dense(4, activation="relu")])
        if frozen:
            inner.trainable = False
        return module.Sequential([inner, module.layers.Dense(3, activation="softmax")])
    ours, theirs = fit_both(build, x, y, "sparse_categorical_crossentropy")
    assert len(ours.layers) == len(theirs.layers) == 2
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.trainable_weights] == \
        [tuple(w.shape) for w in theirs.trainable_weights]
    assert len(ours.non_trainable_weights) == len(theirs.non_trainable_weights)
    if frozen:  # the inner model's arrays (moving statistics too) are still the initial ones
        scratch_nn.utils.set_random_seed(0)
        for a, b in zip(build(scratch_nn).get_weights()[:8], ours.get_weights()[:8]):
            np.testing.assert_array_equal(a, b)


def test_pop_then_add_gives_the_keras_structure_and_training():
    x, y = data()

    def build(module):
        model = module.Sequential([module.Input((4,)), module.layers.Dense(6, activation="relu"),
                                   module.layers.Dense(5, activation="softmax")])
        popped = model.pop()
        assert popped.units == 5
        model.add(module.layers.Dense(3, activation="softmax"))
        return model
    ours, theirs = fit_both(build, x, y, "sparse_categorical_crossentropy")
    assert [layer.units for layer in ours.layers] == [layer.units for layer in theirs.layers]


def test_dense_input_dim_builds_the_model_and_warns_as_keras_does():
    x, y = data()

    def build(module):
        with pytest.warns(UserWarning, match="input_shape`/`input_dim"):
            return module.Sequential([module.layers.Dense(5, activation="relu", input_dim=4),
                                      module.layers.Dense(3, activation="softmax")])
    ours, theirs = fit_both(build, x, y, "sparse_categorical_crossentropy")
    assert ours.input_shape == theirs.input_shape == (None, 4)


# -- a layer subclass overriding call() ---------------------------------------------------
def mc_dropout(module):
    class MCDropout(module.layers.Dropout):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)
    return MCDropout


@pytest.mark.parametrize("module", [scratch_nn, keras], ids=["scratch_nn", "keras"])
def test_a_dropout_subclass_stays_on_at_inference(module):
    x, y = data(n=40)
    module.utils.set_random_seed(1)
    model = module.Sequential([module.Input((4,)), module.layers.Dense(16, activation="relu"),
                               mc_dropout(module)(0.5), module.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    a, b = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert not np.allclose(a, b)


def test_a_call_that_computes_something_new_is_refused_in_training():
    class Doubled(scratch_nn.layers.Dense):
        def call(self, inputs, training=None):
            return super().call(inputs) * 2

    layer = Doubled(3, dtype="float64")
    x = np.ones((2, 4))
    np.testing.assert_allclose(layer(x), 2 * (x @ layer.params["kernel"]))  # inference runs it
    model = scratch_nn.Sequential([scratch_nn.Input((4,)), Doubled(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="Doubled.call computes something other than "
                                                  "Dense's forward pass"):
        model.fit(np.ones((4, 4)), np.ones((4, 3)), verbose=0)


# -- errors ------------------------------------------------------------------------------
def test_an_unknown_layer_argument_names_the_class_and_the_argument_as_keras_does():
    for module in (scratch_nn, keras):
        with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: "
                                             r"\{'unitz': 3\}"):
            module.layers.Dense(3, unitz=3)


@pytest.mark.parametrize("name", ["Conv2D", "MaxPooling2D", "LSTM", "GRU", "Embedding", "Conv1D"])
def test_unsupported_keras_layers_are_refused_by_name(name):
    with pytest.raises(NotImplementedError, match=f"keras.layers.{name} is not supported by scratch_nn"):
        getattr(scratch_nn.layers, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert getattr(keras.layers, name) is not None


def test_fit_and_evaluate_before_compile_raise_value_error_in_both():
    x, y = data()
    for module in (scratch_nn, keras):
        model = module.Sequential([module.Input((4,)), module.layers.Dense(3)])
        for method in (model.fit, model.evaluate):
            with pytest.raises(ValueError, match=r"You must call `compile\(\)` before"):
                method(x, y, verbose=0)
