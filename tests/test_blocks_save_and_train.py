"""The new activations, initializers and losses inside a model: they train, save and load (NumPy only).

- A model with every new activation (relu with Keras 3's arguments and
  approximate GELU among them) and new initializer, compiled with each new
  loss by its Keras name, trains in float32 (the loss falls over 30 steps of
  SGD on a fixed problem, the weights stay float32) and is saved and loaded
  with the same activation arguments, initializers, loss arguments and
  predictions, bit for bit.
"""

import numpy as np
import pytest

import scratch_nn
from scratch_nn import layers
from scratch_nn.activations import GELU, ReLU

LOSSES = ["mae", "mape", "msle", "huber", "log_cosh", "cosine_similarity", "hinge", "squared_hinge",
          "categorical_hinge", "kld", "poisson", scratch_nn.losses.Huber(delta=0.25)]


def _model(loss):
    scratch_nn.utils.set_random_seed(0)
    model = scratch_nn.Sequential([
        scratch_nn.Input((4,)),
        layers.Dense(8, activation="selu", kernel_initializer="lecun_normal"),
        layers.Dense(8, activation=GELU(approximate=True), kernel_initializer="orthogonal"),
        layers.Dense(8, activation=ReLU(negative_slope=0.1, max_value=5.0, threshold=-0.5),
                     kernel_initializer=scratch_nn.initializers.TruncatedNormal(stddev=0.3, seed=2)),
        layers.Dense(8, activation="mish", kernel_initializer="uniform",
                     bias_initializer=scratch_nn.initializers.Constant(0.1)),
        layers.Dense(8, activation="softsign", kernel_initializer="lecun_uniform"),
        layers.Dense(3, activation="softmax", kernel_initializer=scratch_nn.initializers.Identity(2.0)),
    ])
    model.compile(optimizer=scratch_nn.optimizers.SGD(learning_rate=0.1), loss=loss)
    return model


def _data():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 4)).astype("float32")
    return x, np.eye(3, dtype="float32")[(x[:, 0] > 0).astype(int) + (x[:, 1] > 1)]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss if isinstance(loss, str) else type(loss).__name__)
def test_a_model_with_the_new_blocks_learns_in_float32(loss):
    model = _model(loss)
    x, y = _data()
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=32, verbose=0, shuffle=False)
    assert model.evaluate(x, y, verbose=0) < before, f"{loss}: the loss did not fall"
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_the_new_blocks_save_and_load(tmp_path):
    model = _model(scratch_nn.losses.Huber(delta=0.25))
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "blocks.keras")
    loaded = scratch_nn.models.load_model(tmp_path / "blocks.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    relu = loaded.layers[2].activation
    assert (relu.negative_slope, relu.max_value, relu.threshold) == (0.1, 5.0, -0.5)
    assert loaded.layers[1].activation.approximate is True
    assert type(loaded.layers[1].kernel_initializer).__name__ == "Orthogonal"
    assert loaded.layers[3].bias_initializer.value == 0.1
    assert type(loaded.loss).__name__ == "Huber" and loaded.loss.delta == 0.25
