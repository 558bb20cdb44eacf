"""The seed article's three examples run with scratch_nn by changing only the imports."""

import numpy as np
import pytest

from keras_ref.examples import EXAMPLES, run_example, scratch_nn_source

pytestmark = pytest.mark.mnist


@pytest.fixture(scope="module")
def subset(mnist):
    """The first 2,000 training images, raw 0-255 as the article feeds them."""
    (x_train, y_train), _ = mnist
    return x_train[:2000], y_train[:2000]


def code_lines(source):
    """The lines that are not imports."""
    return [line for line in source.splitlines() if not line.startswith(("import ", "from "))]


def test_only_import_lines_change():
    for source in EXAMPLES.values():
        ported = scratch_nn_source(source)
        # tf.keras.X is keras.X once `from tensorflow import keras` ran (see keras_ref.examples)
        assert code_lines(ported) == code_lines(source.replace("tf.keras.", "keras."))
        assert all("scratch_nn" in line for line in ported.splitlines()
                   if line.startswith(("import ", "from ")))


@pytest.mark.parametrize("number,validates", [(1, False), (2, True), (3, True)])
def test_seed_example_trains_with_scratch_nn(subset, number, validates):
    x_train, y_train = subset
    model, history = run_example(number, "scratch", x_train, y_train)
    logs = history.history
    assert ("val_loss" in logs) == validates
    assert 1 <= len(logs["loss"]) <= (10 if number == 1 else 50)
    assert np.all(np.isfinite(logs["loss"]))
    assert model.predict(x_train[:5] / 255.0, verbose=0).shape == (5, 10)
    assert x_train.max() == 255  # the caller's array is not modified (Example 3 rebinds it)
