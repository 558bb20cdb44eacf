"""Saving models that hold the newer layers and optimizers (scratch_nn/saving.py), NumPy only.

- A model holding each layer (Rescaling, Normalization given and adapted,
  LayerNormalization, ReLU, LeakyReLU, PReLU, ELU, GaussianNoise,
  GaussianDropout, AlphaDropout, ActivityRegularization, Reshape), each with
  arguments off their defaults, saves and loads with the same layer
  configs, the same weights and the same predictions and loss, bit for bit.
- ``fit`` continued after ``save``/``load_model`` gives the same weights, bit
  for bit, as continued without it, for each optimizer (Adagrad, Adadelta,
  Adamax, AdamW, Lion, Ftrl): iterations and every slot travel with the model.
  Without them (a fresh ``compile``) the weights differ, so the comparison
  can fail.
"""

import numpy as np
import pytest

import scratch_nn
from scratch_nn import layers, optimizers, serialization


def data(seed=0, n=32):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)).astype(np.float32), rng.standard_normal((n, 3)).astype(np.float32)


def adapted():
    layer = layers.Normalization(axis=-1)
    layer.adapt(data(9)[0] * 2 + 1)
    return [layer]


BLOCKS = {
    "Rescaling": lambda: [layers.Rescaling(0.5, offset=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5])],
    "Normalization": lambda: [layers.Normalization(mean=[1.0] * 6, variance=2.0 * np.ones(6),
                                                   invert=True)],
    "Normalization-adapted": adapted,
    "LayerNormalization": lambda: [layers.LayerNormalization(epsilon=1e-2, center=False)],
    "ReLU": lambda: [layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)],
    "LeakyReLU": lambda: [layers.LeakyReLU(0.1)],
    "PReLU": lambda: [layers.PReLU(alpha_initializer="ones")],
    "ELU": lambda: [layers.ELU(alpha=0.5)],
    "GaussianNoise": lambda: [layers.GaussianNoise(0.1, seed=3)],
    "GaussianDropout": lambda: [layers.GaussianDropout(0.2, seed=3)],
    "AlphaDropout": lambda: [layers.AlphaDropout(0.1, noise_shape=(None, 1), seed=3)],
    "ActivityRegularization": lambda: [layers.ActivityRegularization(l1=0.01, l2=0.02)],
    "Reshape": lambda: [layers.Reshape((3, -1)), layers.Reshape((-1,))],
}


def model_with(block, optimizer="adam"):
    scratch_nn.utils.set_random_seed(0)
    model = scratch_nn.Sequential([layers.Input((6,)), layers.Dense(6, activation="tanh"), *block,
                                   layers.Dense(3)])
    model.compile(optimizer=optimizer, loss="mse")
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model


@pytest.mark.parametrize("name", BLOCKS)
def test_model_with_each_layer_saves_and_loads(tmp_path, name):
    model = model_with(BLOCKS[name]())
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = scratch_nn.models.load_model(path)
    assert [serialization.serialize(a) for a in loaded.layers] == [
        serialization.serialize(b) for b in model.layers]
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    x, y = data(1)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


OPTIMIZERS = {
    "Adagrad": lambda: optimizers.Adagrad(0.05, initial_accumulator_value=0.5),
    "Adadelta": lambda: optimizers.Adadelta(1.0, rho=0.9),
    "Adamax": lambda: optimizers.Adamax(0.01, beta_1=0.8),
    "AdamW": lambda: optimizers.AdamW(0.01, weight_decay=0.05, amsgrad=True),
    "Lion": lambda: optimizers.Lion(0.001, beta_2=0.9),
    "Ftrl": lambda: optimizers.Ftrl(0.1, l1_regularization_strength=0.001, beta=0.5),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_fit_continues_after_load_as_without_saving(tmp_path, name):
    make = OPTIMIZERS[name]
    model = model_with([layers.LayerNormalization()], make())
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = scratch_nn.saving.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 4
    x, y = data(2)
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

    fresh = scratch_nn.saving.load_model(path, compile=False)
    fresh.compile(optimizer=make(), loss="mse")
    fresh.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), model.get_weights()))


@pytest.mark.parametrize("name", ["adagrad", "adadelta", "adamax", "adamw", "lion", "ftrl", "AdamW"])
def test_optimizers_by_keras_name(name):
    assert type(optimizers.get(name)).__name__.lower() == name.lower()
