"""keras/src/callbacks/reduce_lr_on_plateau_test.py

Each case's model is Keras's (``Sequential([Dense(5), Dense(2)])``, mse,
``Adam(0.1)``) on data of Keras's ``get_test_data`` shapes (10 samples, 3
features, 2 one-hot classes). Keras's logged "reducing learning rate" line is
checked on standard output, where scratch_nn prints it.
"""

import numpy as np
import pytest

from scratch_nn import callbacks, optimizers
from tests.keras_cases.callback_models import classification_data, dense5_dense2
from tests.keras_cases.support import close


@pytest.fixture
def setup():
    rng = np.random.default_rng(1337)
    return dense5_dense2(optimizers.Adam(0.1)), classification_data(rng), classification_data(rng)


def test_reduces_lr_with_model_fit(setup):
    """test_reduces_lr_with_model_fit: patience 1, min_delta 100: 0.1 -> 0.01 after 2 epochs."""
    model, (x, y), validation = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                            min_delta=100)
    model.fit(x, y, validation_data=validation, callbacks=[reduce_lr], epochs=2, verbose=0)
    close(model.optimizer.learning_rate.value, 0.01)


def test_throws_when_optimizer_has_schedule(setup):
    """test_throws_when_optimizer_has_schedule: Keras's TypeError when the rate is a schedule."""
    model, (x, y), validation = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                            min_delta=100)
    model.compile(loss="mse", optimizer=optimizers.Adam(optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.1, decay_steps=10)))
    with pytest.raises(TypeError, match="This optimizer was created with a `LearningRateSchedule`"):
        model.fit(x, y, validation_data=validation, callbacks=[reduce_lr], epochs=2, verbose=0)


def test_verbose_logging(setup, capsys):
    """test_verbose_logging: "ReduceLROnPlateau reducing learning rate to 0.01" is printed."""
    model, (x, y), validation = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                            min_delta=100, verbose=1)
    model.fit(x, y, validation_data=validation, callbacks=[reduce_lr], epochs=2, verbose=0)
    assert "ReduceLROnPlateau reducing learning rate to 0.01" in capsys.readouterr().out


def test_honors_min_lr(setup):
    """test_honors_min_lr: min_delta 10, min_lr 0.005, 4 epochs: the rate stops at 0.005."""
    model, (x, y), validation = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                            min_delta=10, min_lr=0.005)
    model.fit(x, y, validation_data=validation, callbacks=[reduce_lr], epochs=4, verbose=0)
    close(model.optimizer.learning_rate.value, 0.005)


def test_cooldown(setup):
    """test_cooldown: cooldown 2 over 4 epochs reduces twice: 0.1 -> 0.001."""
    model, (x, y), validation = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss",
                                            min_delta=100, cooldown=2)
    model.fit(x, y, validation_data=validation, callbacks=[reduce_lr], epochs=4, verbose=0)
    close(model.optimizer.learning_rate.value, 0.001)


def test_state_reset_across_fit_calls(setup):
    """test_state_reset_across_fit_calls: on_train_begin clears best, wait, cooldown."""
    model, _, _ = setup
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="loss", min_delta=0,
                                            cooldown=2)
    reduce_lr.set_model(model)
    reduce_lr.on_train_begin()
    reduce_lr.best, reduce_lr.wait, reduce_lr.cooldown_counter = 0.5, 3, 2
    reduce_lr.on_train_begin()
    assert reduce_lr.best is None and reduce_lr.wait == 0 and reduce_lr.cooldown_counter == 0
