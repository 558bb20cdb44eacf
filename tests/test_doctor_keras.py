"""The doctor on a real Keras model: its scratch_nn twin (`keras_ref.builders.scratch_model`), and Keras's own step times."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from experiments.doctor import PROBLEM, diagnose
from keras_ref.builders import scratch_model


def _seed_example_1():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_twin_computes_what_keras_computes(rng):
    model = _seed_example_1()
    twin = scratch_model(model)
    x = rng.random((64, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(twin.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert type(twin.optimizer).__name__ == "SGD"
    assert twin.optimizer.learning_rate == pytest.approx(0.01)


def test_keras_example_1_is_diagnosed_and_untouched(mnist):
    (x, y), (x_test, y_test) = mnist
    model = _seed_example_1()
    before = model.get_weights()
    report = diagnose(model, x[:2000].astype("float32"), y[:2000], batch_size=32,
                      test_data=(x_test[:500].astype("float32"), y_test[:500]),
                      budget_seconds=6, checks=["input_scale", "initialization", "speed"])
    assert report.setup["model"].startswith("Keras")
    assert report["input_scale"].status == PROBLEM
    speed = report["batch_size"]
    assert all(t > 0 for t in speed.evidence["seconds_per_step"])
    assert any("steps_per_execution=32" in line for line in speed.details)
    assert speed.evidence["keras_seconds_per_step_at_steps_per_execution_32"] > 0
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert int(model.optimizer.iterations.numpy()) == 0


@pytest.mark.parametrize("initializer, expected", [
    ("zeros", ("Zeros", {})),
    (keras.initializers.RandomNormal(stddev=0.01, seed=3), ("RandomNormal", {"stddev": 0.01})),
    ("he_normal", ("HeNormal", {})),
    ("uniform", ("RandomUniform", {"minval": -0.05, "maxval": 0.05})),
    (keras.initializers.Orthogonal(gain=2.0, seed=1), ("Orthogonal", {"gain": 2.0, "seed": 1})),
])
def test_twin_keeps_the_kernel_initializer(initializer, expected):
    """The twin says what the Keras kernels were drawn with (the doctor's initialization check reads it)."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer=initializer),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    twin = scratch_model(model)
    kind, config = expected
    first, second = (layer for layer in twin.layers if hasattr(layer, "kernel_initializer"))
    assert type(first.kernel_initializer).__name__ == kind
    for name, value in config.items():
        assert getattr(first.kernel_initializer, name) == pytest.approx(value)
    assert type(second.kernel_initializer).__name__ == "GlorotUniform"
    assert type(first.bias_initializer).__name__ == "Zeros"


class HalfOnes(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return keras.ops.ones(shape, dtype) / 2


def test_twin_refuses_an_initializer_it_cannot_name():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, kernel_initializer=HalfOnes())])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="HalfOnes has no scratch_nn counterpart"):
        scratch_model(model)


def test_a_model_without_twin_is_diagnosed_without_probes():
    """A block keras_ref cannot convert stops only the probes: the static checks still run."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (400, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")

    @keras.saving.register_keras_serializable(package="test_doctor_keras")
    class Halves(keras.initializers.Initializer):
        """A user's own initializer: Keras runs it, the twin has no counterpart."""

        def __call__(self, shape, dtype=None):
            return keras.ops.full(shape, 0.5, dtype=dtype)

    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(8, kernel_initializer=Halves()),
                              keras.layers.Dense(1, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    report = diagnose(model, x, y, batch_size=32, budget_seconds=5)
    assert report["output_loss"].status == PROBLEM
    assert "softmax over a single output unit" in report["output_loss"].summary
    assert "not probed" in report["output_loss"].gain_text
    assert "Halves" in report["probes"].summary
    assert "learning_rate" in report["probes"].evidence["skipped_checks"]
    assert "skipped" in report.setup["probes"]
    speed = report["keras_speed"]
    assert speed.status == "OK" and speed.evidence["keras_seconds_per_step"] > 0
