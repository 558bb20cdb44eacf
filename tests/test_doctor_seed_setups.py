"""The doctor's setups come from the study's tables: seed examples, preprocessing, MLP (no MNIST)."""

import numpy as np
import pytest

from experiments import data
from experiments.doctor.__main__ import parse
from experiments.doctor.seed_setups import example_setting, setup_arguments
from experiments.seed_examples import AS_WRITTEN
from scratch_nn import utils


def _pixels(n, seed=0):
    """``n`` random uint8 "images" with pixels 0..255, and labels 0..9."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_an_example_is_the_studys_setting(number):
    assert example_setting(number) == AS_WRITTEN[number]


def test_options_replace_the_examples_own():
    assert example_setting(3, learning_rate=0.01).optimizer == ("Adam", {"learning_rate": 0.01})
    assert example_setting(1, learning_rate=0.1).optimizer == ("SGD", {"learning_rate": 0.1})
    assert example_setting(3, optimizer="sgd").optimizer == "sgd"
    assert example_setting(1, optimizer="rmsprop", learning_rate=1e-4).optimizer == (
        "RMSprop", {"learning_rate": 1e-4})
    changed = example_setting(2, batch_size=None, epochs=3, preprocessing="standardize",
                              hidden=(64, 32))
    assert (changed.batch_size, changed.epochs, changed.preprocessing, changed.hidden) == (
        128, 3, "standardize", (64, 32))


@pytest.mark.parametrize("arguments, message", [
    ({"number": 4}, "example must be one of"),
    ({"number": 1, "optimizer": "adagrad"}, "optimizer must be one of"),
    ({"number": 1, "preprocessing": "whiten"}, "preprocessing must be one of"),
])
def test_unknown_options_are_rejected_clearly(arguments, message):
    with pytest.raises(ValueError, match=message):
        example_setting(**arguments)


def test_the_command_line_offers_every_preprocessing_of_the_study():
    assert parse(["--preprocessing", "standardize"]).preprocessing == "standardize"
    for name in data.PREPROCESSING:
        assert parse(["--preprocessing", name]).preprocessing == name


def test_setup_is_the_studys_model_and_preprocessing():
    x, y = _pixels(40)
    x_test, y_test = _pixels(10, seed=1)
    utils.set_random_seed(0)
    model, arguments = setup_arguments(example_setting(3), (x, y, x_test, y_test))
    kinds = [(type(layer).__name__, getattr(layer, "units", getattr(layer, "rate", None)))
             for layer in model.layers]
    assert kinds == [("Flatten", None), ("Dense", 128), ("Dropout", 0.2), ("Dense", 10)]
    assert type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.learning_rate == pytest.approx(0.001)
    assert (arguments["batch_size"], arguments["epochs"], arguments["validation_split"]) == (
        256, 50, 0.2)
    # normalize(x_train, axis=1) only: the test images stay raw, as Example 3 leaves them.
    np.testing.assert_allclose(arguments["x"], utils.normalize(x.astype("float64"), axis=1),
                               rtol=1e-6)
    np.testing.assert_array_equal(arguments["test_data"][0], x_test.astype("float32"))
    assert arguments["x"].dtype == np.float32
