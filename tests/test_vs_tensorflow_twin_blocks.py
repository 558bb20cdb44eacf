"""The Keras twin (`keras_ref.builders`) converts every activation, initializer and loss, both ways.

The doctor diagnoses a Keras program through its scratch_nn twin, so a block
the twin cannot convert stops the diagnosis (old code's ``init='uniform'``,
``loss='mean_absolute_error'``). Each case builds a Keras model from literal
arguments using one block, with its arguments, and checks:

- Keras to scratch_nn (`scratch_model`): the twin holds the same class with
  the same arguments, its predictions equal Keras's (float32, 1e-5 relative
  to the largest), and its loss from ``evaluate`` equals Keras's (1e-5);
- scratch_nn to Keras (`keras_model`, `keras_loss`, `keras_initializer`):
  the Keras model built from the scratch_nn one, weights moved, predicts the
  same, and the Keras loss object scores the predictions as scratch_nn's does.
"""

import functools

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import scratch_nn
from keras_ref.builders import keras_initializer, keras_loss, keras_model, scratch_model
from keras_ref.transfer import scratch_to_keras
from tests.tolerances import assert_close

ACTIVATIONS = [
    ("selu", {}), ("gelu", {}), ("gelu", {"approximate": True}), ("silu", {}), ("swish", {}),
    ("softplus", {}), ("softsign", {}), ("hard_sigmoid", {}), ("relu6", {}), ("exponential", {}),
    ("mish", {}), ("relu", {"negative_slope": 0.1, "max_value": 4.0, "threshold": 0.5}),
    ("relu", {"max_value": 6.0}), ("leaky_relu", {"negative_slope": 0.3}), ("elu", {"alpha": 0.5}),
]
INITIALIZERS = [
    ("uniform", "RandomUniform", {}),
    (keras.initializers.RandomUniform(minval=-0.2, maxval=0.1, seed=4), "RandomUniform",
     {"minval": -0.2, "maxval": 0.1, "seed": 4}),
    (keras.initializers.TruncatedNormal(mean=0.1, stddev=0.3, seed=5), "TruncatedNormal",
     {"mean": 0.1, "stddev": 0.3, "seed": 5}),
    ("lecun_normal", "LecunNormal", {}), ("lecun_uniform", "LecunUniform", {}),
    (keras.initializers.Constant(0.25), "Constant", {"value": 0.25}),
    (keras.initializers.Orthogonal(gain=1.5, seed=6), "Orthogonal", {"gain": 1.5, "seed": 6}),
    (keras.initializers.Identity(gain=0.5), "Identity", {"gain": 0.5}),
]
LOSSES = [
    ("mean_absolute_error", "MeanAbsoluteError", {}), ("mae", "MeanAbsoluteError", {}),
    ("mape", "MeanAbsolutePercentageError", {}), ("msle", "MeanSquaredLogarithmicError", {}),
    ("huber", "Huber", {}), (keras.losses.Huber(delta=0.25), "Huber", {"delta": 0.25}),
    ("log_cosh", "LogCosh", {}), (keras.losses.CosineSimilarity(axis=1), "CosineSimilarity", {"axis": 1}),
    ("hinge", "Hinge", {}), ("squared_hinge", "SquaredHinge", {}),
    ("categorical_hinge", "CategoricalHinge", {}), ("kld", "KLDivergence", {}),
    (keras.losses.KLDivergence(), "KLDivergence", {}), ("poisson", "Poisson", {}),
    (keras.losses.huber, "Huber", {"delta": 1.0}),
]


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 8)]
    return x, y


def _compiled(hidden_activation="tanh", kernel_initializer="glorot_uniform", loss="mse",
              head="sigmoid"):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(3, activation=hidden_activation, kernel_initializer=kernel_initializer),
        keras.layers.Dense(3, activation=head),
    ])
    model.compile(optimizer="sgd", loss=loss)
    return model


def _same_outputs(twin, model, what):
    x, y = _data()
    assert_close(twin.predict(x, verbose=0), model.predict(x, verbose=0), 1e-5, f"{what}: predictions")
    ours = twin.evaluate(x, y, batch_size=8, verbose=0)
    theirs = model.evaluate(x, y, batch_size=8, verbose=0)
    assert_close(ours, theirs, 1e-5, f"{what}: evaluate's loss")


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS, ids=[f"{n}{k}" for n, k in ACTIVATIONS])
def test_keras_activation_converts_to_scratch_nn(name, kwargs):
    fn = keras.activations.get(name)
    model = _compiled(hidden_activation=functools.partial(fn, **kwargs) if kwargs else name)
    twin = scratch_model(model)
    activation = twin.layers[0].activation
    assert activation.name == fn.__name__, f"{name}: twin has {activation.name}"
    for arg, value in kwargs.items():
        assert getattr(activation, arg) == value, f"{name}: {arg}"
    _same_outputs(twin, model, f"{name}{kwargs}")


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS, ids=[f"{n}{k}" for n, k in ACTIVATIONS])
def test_scratch_nn_activation_converts_to_keras(name, kwargs):
    activation = type(scratch_nn.activations.get(name))(**kwargs)
    model = scratch_nn.Sequential([scratch_nn.Input((4,)), scratch_nn.layers.Dense(3, activation=activation),
                                   scratch_nn.layers.Activation(type(activation)(**kwargs))])
    model.build((None, 4))
    twin = keras_model(model)
    scratch_to_keras(model, twin)
    x, _ = _data()
    assert_close(twin.predict(x, verbose=0), model.predict(x, verbose=0), 1e-5, f"{name}{kwargs}")


@pytest.mark.parametrize("initializer, kind, kwargs", INITIALIZERS, ids=[i[1] + str(i[2]) for i in INITIALIZERS])
def test_initializers_convert_both_ways(initializer, kind, kwargs):
    model = _compiled(kernel_initializer=initializer)
    twin = scratch_model(model)
    ours = twin.layers[0].kernel_initializer
    assert type(ours).__name__ == kind
    for arg, value in kwargs.items():
        assert getattr(ours, arg) == pytest.approx(value), f"{kind}: {arg}"
    _same_outputs(twin, model, kind)
    back = keras_initializer(ours)
    assert type(back).__name__ == kind
    assert {k: getattr(back, k) for k in kwargs if k != "seed"} == pytest.approx(
        {k: v for k, v in kwargs.items() if k != "seed"})


def _loss_id(loss):
    """A stable test id: a name as given, else the function's or the wrapped function's name."""
    if isinstance(loss, str):
        return loss
    return getattr(loss, "__name__", None) or getattr(getattr(loss, "fn", None), "__name__", type(loss).__name__)


@pytest.mark.parametrize("loss, kind, kwargs", LOSSES,
                         ids=[f"{i[1]}-{_loss_id(i[0])}{i[2]}" for i in LOSSES])
def test_losses_convert_both_ways(loss, kind, kwargs):
    model = _compiled(loss=loss)
    twin = scratch_model(model)
    assert type(twin.loss).__name__ == kind
    for arg, value in kwargs.items():
        assert getattr(twin.loss, arg) == value, f"{kind}: {arg}"
    _same_outputs(twin, model, kind)
    x, y = _data()
    p = twin.predict(x, verbose=0)
    back = keras_loss(twin.loss)
    assert type(back).__name__ == kind
    assert_close(twin.loss(y, p).numpy(), float(back(y, p)), 1e-5, f"{kind} back in Keras")


def test_old_keras_programs_twin_converts_uniform_and_mae():
    """``Dense(init='uniform')`` in Keras 3 spelling, ``loss='mean_absolute_error'``, ``metrics=['mae']``."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, kernel_initializer="uniform",
                                                                     activation="relu"),
                              keras.layers.Dense(1, kernel_initializer="uniform")])
    model.compile(optimizer="adam", loss="mean_absolute_error", metrics=["mae"])
    twin = scratch_model(model)
    x, _ = _data()
    y = x.sum(axis=1, keepdims=True)
    assert_close(twin.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0)[0], 1e-5, "MAE")
