"""keras/src/callbacks/learning_rate_scheduler_test.py

Keras's model (``Sequential([Dense(5), Dense(2)])``, mse, SGD) on data of
Keras's ``get_test_data`` shapes; Keras's logged line is checked on standard
output, where scratch_nn prints it.
"""

import numpy as np
import pytest

from scratch_nn import callbacks, optimizers
from tests.keras_cases.callback_models import classification_data, dense5_dense2
from tests.keras_cases.support import close


@pytest.fixture
def setup():
    return dense5_dense2("sgd"), classification_data(np.random.default_rng(1337))


def test_updates_learning_rate(setup):
    """test_updates_learning_rate: schedule 1 / (2 + epoch), one epoch: 0.5."""
    model, (x, y) = setup
    lr_scheduler = callbacks.LearningRateScheduler(lambda step: 1.0 / (2.0 + step), verbose=1)
    model.fit(x, y, callbacks=[lr_scheduler], epochs=1, verbose=0)
    close(model.optimizer.learning_rate.value, 0.5)


def test_verbose_logging(setup, capsys):
    """test_verbose_logging: "LearningRateScheduler setting learning rate to 1.0" is printed."""
    model, (x, y) = setup
    lr_scheduler = callbacks.LearningRateScheduler(lambda step: 1.0 / (1.0 + step), verbose=1)
    model.fit(x, y, callbacks=[lr_scheduler], epochs=1, verbose=0)
    assert "LearningRateScheduler setting learning rate to 1.0" in capsys.readouterr().out


def test_schedule_dependent_on_previous_learning_rate(setup):
    """test_schedule_dependent_on_previous_learning_rate: lr / 2 twice from Adam(0.03)."""
    model, (x, y) = setup
    model.compile(loss="mse", optimizer=optimizers.Adam(0.03))
    lr_scheduler = callbacks.LearningRateScheduler(lambda step, lr: lr / 2)
    model.fit(x, y, callbacks=[lr_scheduler], epochs=2, verbose=0)
    close(model.optimizer.learning_rate.value, 0.03 / 4.0)


def test_throws_when_optimizer_has_schedule(setup):
    """test_throws_when_optimizer_has_schedule: Keras's TypeError when the rate is a schedule."""
    model, (x, y) = setup
    model.compile(loss="mse", optimizer=optimizers.Adam(optimizers.schedules.PolynomialDecay(
        initial_learning_rate=0.1, decay_steps=10)))
    lr_scheduler = callbacks.LearningRateScheduler(lambda step, lr: lr / 2)
    with pytest.raises(TypeError, match="This optimizer was created with a `LearningRateSchedule`"):
        model.fit(x, y, callbacks=[lr_scheduler], epochs=2, verbose=0)


def test_learning_rate_in_history(setup):
    """test_learning_rate_in_history: the rate is logged, a Python float, 0.5."""
    model, (x, y) = setup
    history = model.fit(x, y, callbacks=[callbacks.LearningRateScheduler(lambda step, lr: 0.5)],
                        epochs=1, verbose=0)
    assert "learning_rate" in history.history
    assert type(history.history["learning_rate"][0]) is float
    assert history.history["learning_rate"][0] == 0.5
