"""keras/src/optimizers/schedules/learning_rate_schedule_test.py

Each Keras test class's cases, with the expected values written as Keras's
test writes them (its reference formulas for the cosine schedules are
restated here). ``assertAllClose(a, b, 1e-6)`` is rtol 1e-6, atol 1e-6.
"""

import math

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn.optimizers import schedules
from tests.keras_cases.support import close


def _check(schedule, step, expected, rtol=1e-6):
    close(schedule(step), expected, rtol=rtol, atol=1e-6)


def test_fit_lr_correctness():
    """TestFitLRSchedulesFlow::test_fit_lr_correctness: Adam on ExponentialDecay, 3 epochs of fit."""
    model = keras.Sequential([keras.layers.Input((2,)),
                              keras.layers.Dense(2, kernel_initializer="ones",
                                                 bias_initializer="ones")])
    optimizer = keras.optimizers.Adam(learning_rate=schedules.ExponentialDecay(
        initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9))
    assert optimizer.iterations == 0
    model.compile(optimizer=optimizer, loss="mse")
    x = np.arange(32).reshape((16, 2))
    y = np.arange(32).reshape((16, 2))
    history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    assert optimizer.iterations == 4 * 3
    close(history.history["loss"], [230.79457092285156, 128.30319213867188, 79.33648681640625],
          rtol=5e-5, atol=1e-6)


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("ExponentialDecay", {"initial_learning_rate": 0.05, "decay_steps": 10, "decay_rate": 0.96,
                          "staircase": True, "name": "my_ed"}),
    ("PiecewiseConstantDecay", {"boundaries": [10, 20], "values": [1, 2, 3], "name": "my_pcd"}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100,
                         "end_learning_rate": 0.005, "power": 1.0, "cycle": False,
                         "name": "my_ld"}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.05, "decay_steps": 10, "decay_rate": 0.96,
                          "staircase": True, "name": "my_itd"}),
    ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 10, "alpha": 0.1,
                     "warmup_target": 0.2, "warmup_steps": 2, "name": "my_cd"}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.05, "first_decay_steps": 10,
                             "alpha": 0.1, "t_mul": 3.0, "m_mul": 4.0, "name": "my_cdr"}),
])
def test_config(cls, kwargs):
    """<Schedule>Test::test_config: the config round trip (and through serialize/deserialize)."""
    schedule = getattr(schedules, cls)(**kwargs)
    config = schedule.get_config()
    assert {k: config[k] for k in kwargs} == kwargs
    assert type(schedule).from_config(config).get_config() == config
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again).__name__ == cls and again.get_config() == config


# -- ExponentialDecayTest ------------------------------------------------------
def test_exponential_continuous():
    """ExponentialDecayTest::test_continuous."""
    _check(schedules.ExponentialDecay(0.05, 10, 0.96), 5, 0.05 * 0.96 ** (5.0 / 10.0))


@pytest.mark.parametrize("case", ["test_staircase", "test_variables"])
def test_exponential_staircase(case):
    """ExponentialDecayTest::test_staircase and ::test_variables (the same steps 1, 2, 100)."""
    decayed_lr = schedules.ExponentialDecay(0.1, 3, 0.96, staircase=True)
    _check(decayed_lr, 1.0, 0.1)
    _check(decayed_lr, 2, 0.1)
    _check(decayed_lr, 100, 0.1 * 0.96 ** (100 // 3))


# -- PiecewiseConstantDecayTest ---------------------------------------------------
def test_piecewise_values():
    """PiecewiseConstantDecayTest::test_piecewise_values."""
    decayed_lr = schedules.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001])
    for step, expected in [(-999.0, 1.0), (100, 1.0), (105, 0.1), (110, 0.1), (120, 0.01),
                           (999, 0.001)]:
        _check(decayed_lr, step, expected)


def test_piecewise_boundary_values():
    """PiecewiseConstantDecayTest::test_boundary_values (an int64 step)."""
    decayed_lr = schedules.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7])
    for step, expected in [(0, 0.4), (1, 0.4), (2, 0.5), (3, 0.6), (4, 0.7)]:
        _check(decayed_lr, np.int64(step), expected)


# -- LinearDecayTest and SqrtDecayTest (PolynomialDecay) -------------------------------
@pytest.mark.parametrize("power", [1.0, 0.5], ids=["LinearDecayTest", "SqrtDecayTest"])
@pytest.mark.parametrize(("case", "step", "end_lr", "cycle", "expected"), [
    ("test_halfway", 5, 0.0, False, lambda lr, end, p: lr * 0.5 ** p),
    ("test_end", 10, 0.001, False, lambda lr, end, p: end),
    ("test_halfway_with_end", 5, 0.001, False,
     lambda lr, end, p: (lr - end) * 0.5 ** p + end),
    ("test_beyond_end", 15, 0.001, False, lambda lr, end, p: end),
    ("test_beyond_end_with_cycle", 15, 0.001, True,
     lambda lr, end, p: (lr - end) * 0.25 ** p + end),
], ids=lambda v: v if isinstance(v, str) else None)
def test_polynomial(power, case, step, end_lr, cycle, expected):
    """LinearDecayTest / SqrtDecayTest::<case>: PolynomialDecay(0.05, 10, end_lr) at a step.

    LinearDecayTest writes ``test_halfway_with_end`` as ``(lr + end_lr) * 0.5``,
    the same number as ``(lr - end_lr) * 0.5 + end_lr``.
    """
    kwargs = {"power": power} if power != 1.0 else {}
    decayed_lr = schedules.PolynomialDecay(0.05, 10, end_lr, cycle=cycle, **kwargs)
    _check(decayed_lr, step, expected(0.05, end_lr, power))


def test_polynomial_begin_with_cycle():
    """SqrtDecayTest::test_begin_with_cycle."""
    _check(schedules.PolynomialDecay(0.001, 10, cycle=True), 0, 0.001)


# -- InverseTimeDecayTest -----------------------------------------------------------
@pytest.mark.parametrize("staircase", [False, True], ids=["test_decay", "test_staircase"])
def test_inverse_time(staircase):
    """InverseTimeDecayTest::test_decay and ::test_staircase, steps 0..10."""
    decayed_lr = schedules.InverseTimeDecay(0.1, 10, 0.96, staircase=staircase)
    for i in range(11):
        fraction = (i // 10) if staircase else i / 10
        _check(decayed_lr, float(i), 0.1 / (1 + fraction * 0.96))


# -- CosineDecayTest ------------------------------------------------------------------
def _np_cosine_decay(step, decay_steps, alpha=0.0):
    step = min(step, decay_steps)
    decay = 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
    return (1.0 - alpha) * decay + alpha


def _linear_warmup(step, warmup_steps, initial_lr, target_lr):
    return step / warmup_steps * (target_lr - initial_lr)


@pytest.mark.parametrize(("case", "initial_lr", "alpha"), [
    ("test_decay", 1.0, 0.0), ("test_alpha", 1.0, 0.1), ("test_float64", np.float64(1.0), 0.0)])
def test_cosine(case, initial_lr, alpha):
    """CosineDecayTest::<case>: steps 0, 250, ..., 1250 of 1000."""
    for step in range(0, 1500, 250):
        decayed_lr = schedules.CosineDecay(initial_lr, 1000, alpha)
        _check(decayed_lr, step, _np_cosine_decay(step, 1000, alpha))


def test_cosine_warmup():
    """CosineDecayTest::test_warmup: linear warmup from 0 to 10 over 1500 steps."""
    for step in range(0, 1500, 250):
        lr = schedules.CosineDecay(0.0, 10, warmup_target=10.0, warmup_steps=1500)
        _check(lr, step, _linear_warmup(step, 1500, 0.0, 10.0))


def test_cosine_warmup_decay():
    """CosineDecayTest::test_warmup_decay: warmup over 2000 steps, then decay over 1000."""
    for step in range(0, 3000, 250):
        lr = schedules.CosineDecay(0.0, 1000, warmup_target=10.0, warmup_steps=2000)
        if step < 2000 + 1:
            expected = _linear_warmup(step, 2000, 0.0, 10.0)
        else:
            expected = 10.0 * _np_cosine_decay(step - 2000, 1000)
        _check(lr, step, expected)


# -- CosineDecayRestartsTest -------------------------------------------------------------
def _np_cosine_decay_restarts(step, decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    fac = 1.0
    while step >= decay_steps:
        step -= decay_steps
        decay_steps *= t_mul
        fac *= m_mul
    decay = fac * 0.5 * (1.0 + math.cos(math.pi * step / decay_steps))
    return (1.0 - alpha) * decay + alpha


@pytest.mark.parametrize(("case", "initial_lr", "kwargs"), [
    ("test_decay", 1.0, {}), ("test_float64", np.float64(1.0), {}),
    ("test_alpha", 1.0, {"alpha": 0.1}), ("test_mmul", 1.0, {"m_mul": 0.9}),
    ("test_tmul", 1.0, {"t_mul": 1.0})])
def test_cosine_restarts(case, initial_lr, kwargs):
    """CosineDecayRestartsTest::<case>: steps 0, 250, ..., 1250, first period 1000."""
    for step in range(0, 1500, 250):
        decayed_lr = schedules.CosineDecayRestarts(initial_lr, 1000, **kwargs)
        _check(decayed_lr, step, _np_cosine_decay_restarts(step, 1000, **kwargs))

