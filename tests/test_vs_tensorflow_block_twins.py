"""The Keras twin (`keras_ref.builders`) converts the new layers and optimizers both ways.

The doctor diagnoses a Keras program through its scratch_nn twin, so each
layer and optimizer must survive Keras -> scratch_nn -> Keras:

- a compiled Keras model holding each layer (Rescaling, Normalization given
  or adapted, LayerNormalization, ReLU with its arguments, LeakyReLU, PReLU,
  ELU, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization,
  Reshape) becomes a scratch_nn twin of the same layer classes that predicts
  what Keras predicts, and whose own Keras twin has every layer's Keras
  config back (name aside);
- for the deterministic layers, and for each optimizer (Adagrad, Adadelta,
  Adamax, AdamW, Lion, Ftrl, with arguments off their defaults), two
  training steps of `fit` leave the same weights in both libraries (float32,
  1e-5 of the largest weight; Lion 1e-4: its steps are signs, see below);
- each optimizer's Keras config survives the round trip (name aside).
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

from keras_ref import builders, oracle
from tests.tolerances import assert_close

F32 = np.float32


def data(seed=0, n=8):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)).astype(F32), rng.standard_normal((n, 3)).astype(F32)


def normalization_adapted():
    layer = keras.layers.Normalization()
    layer.adapt(data(5, 40)[0] * 3 + 1)
    return [layer]


#: The layers under test, each as a function returning the Keras layers to insert.
BLOCKS = {
    "Rescaling": lambda: [keras.layers.Rescaling(0.5, offset=-0.25)],
    "Normalization": lambda: [keras.layers.Normalization(mean=1.0, variance=4.0, invert=True)],
    "Normalization-adapted": normalization_adapted,
    "LayerNormalization": lambda: [keras.layers.LayerNormalization(epsilon=1e-2, center=False)],
    "ReLU": lambda: [keras.layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)],
    "LeakyReLU": lambda: [keras.layers.LeakyReLU(negative_slope=0.2)],
    "PReLU": lambda: [keras.layers.PReLU(shared_axes=None)],
    "ELU": lambda: [keras.layers.ELU(alpha=0.5)],
    "ActivityRegularization": lambda: [keras.layers.ActivityRegularization(l1=0.01, l2=0.02)],
    "Reshape": lambda: [keras.layers.Reshape((3, 2)), keras.layers.Flatten()],
    "GaussianNoise": lambda: [keras.layers.GaussianNoise(0.1, seed=3)],
    "GaussianDropout": lambda: [keras.layers.GaussianDropout(0.2, seed=3)],
    "AlphaDropout": lambda: [keras.layers.AlphaDropout(0.1, noise_shape=(None, 1), seed=3)],
}
RANDOM = {"GaussianNoise", "GaussianDropout", "AlphaDropout"}


def keras_model(block, optimizer):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(6, activation="tanh"),
                              *block, keras.layers.Dense(3)])
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False)
    return model


def configs(model):
    """Each layer's Keras config without its name."""
    return [{k: v for k, v in layer.get_config().items() if k != "name"} for layer in model.layers]


@pytest.mark.parametrize("name", BLOCKS)
def test_each_layer_converts_both_ways_and_trains_alike(name):
    model = keras_model(BLOCKS[name](), keras.optimizers.SGD(0.1))
    if name == "PReLU":  # a slope of its own, not the zeros it starts from
        model.layers[1].set_weights([np.linspace(-0.5, 0.5, 6, dtype=F32)])
    twin = builders.scratch_model(model)
    assert [type(layer).__name__ for layer in twin.layers] == [type(layer).__name__ for layer in model.layers]
    x, y = data()
    assert_close(twin.predict(x, verbose=0), model.predict(x, verbose=0), 1e-5, f"{name}: predictions")
    back = builders.keras_model(twin)
    assert configs(back) == configs(model), f"{name}: the Keras twin of the twin has other configs"
    if name in RANDOM:
        return
    _, expected = oracle.fit_history(model, x, y, batch_size=4, epochs=1, shuffle=False)
    twin.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for i, (ours, theirs) in enumerate(zip(twin.get_weights(), expected[-1], strict=True)):
        assert_close(ours, theirs, 1e-5, f"{name}: weight {i} after two steps")


OPTIMIZERS = {
    "Adagrad": lambda: keras.optimizers.Adagrad(0.05, initial_accumulator_value=0.5, epsilon=1e-4),
    "Adadelta": lambda: keras.optimizers.Adadelta(1.0, rho=0.9),
    "Adamax": lambda: keras.optimizers.Adamax(0.01, beta_1=0.8, beta_2=0.99),
    "AdamW": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.05, amsgrad=True),
    "Lion": lambda: keras.optimizers.Lion(0.01, beta_1=0.8, beta_2=0.95),
    "Ftrl": lambda: keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01,
                                          l2_regularization_strength=0.02, beta=0.5),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_optimizer_converts_both_ways_and_trains_alike(name):
    model = keras_model([], OPTIMIZERS[name]())
    twin = builders.scratch_model(model)
    assert type(twin.optimizer).__name__ == name
    unnamed = {k: v for k, v in model.optimizer.get_config().items() if k != "name"}
    again = builders.keras_optimizer(twin.optimizer).get_config()
    assert {k: again[k] for k in unnamed} == pytest.approx(unnamed), f"{name}: config after the round trip"
    x, y = data(2)
    _, expected = oracle.fit_history(model, x, y, batch_size=4, epochs=1, shuffle=False)
    twin.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    # Lion moves every weight by +-lr: a gradient within float32 noise of 0 may
    # take the other sign in the other library, 2 lr = 0.02 apart on a weight.
    tol = 1e-4 if name == "Lion" else 1e-5
    for i, (ours, theirs) in enumerate(zip(twin.get_weights(), expected[-1], strict=True)):
        assert_close(ours, theirs, tol, f"{name}: weight {i} after two steps")


def test_the_doctor_diagnoses_a_tutorial_model_with_the_new_blocks(mnist):
    """A Keras tutorial's MLP (Rescaling first, LayerNormalization, AdamW) goes through the doctor untouched."""
    from experiments.doctor import diagnose

    (x, y), _ = mnist
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(32),
                              keras.layers.LayerNormalization(), keras.layers.ReLU(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.AdamW(), loss="sparse_categorical_crossentropy")
    before = model.get_weights()
    report = diagnose(model, x[:1000], y[:1000], batch_size=32, budget_seconds=4,
                      checks=["input_scale", "initialization"])
    assert report.setup["model"].startswith("Keras")
    assert "AdamW" in report.setup["optimizer"]
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
