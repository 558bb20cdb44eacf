"""Learning-rate schedules: Keras's defaults, refusals, serialized form and the formulas' corners.

What ``tests/keras_cases/test_learning_rate_schedule_test.py`` (Keras's own
cases) leaves open: the defaults each constructor takes
(``keras/src/optimizers/schedules/learning_rate_schedule.py``), the error
each bad argument raises, :func:`serialize`'s dict, a warm-up that starts
from a non-zero rate, and restarts whose periods grow by a factor other
than 2. The expected values are Keras's formulas restated here, never read
from scratch_nn. NumPy only, so mutmut's first pass runs them.
"""

import math

import pytest

import scratch_nn as keras

schedules = keras.optimizers.schedules

#: Keras 3's defaults, copied from the constructors' signatures in
#: keras/src/optimizers/schedules/learning_rate_schedule.py.
KERAS_DEFAULTS = [
    (schedules.ExponentialDecay, {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
     {"staircase": False, "name": "ExponentialDecay"}),
    (schedules.InverseTimeDecay, {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
     {"staircase": False, "name": "InverseTimeDecay"}),
    (schedules.PiecewiseConstantDecay, {"boundaries": [3], "values": [0.1, 0.01]},
     {"name": "PiecewiseConstant"}),
    (schedules.PolynomialDecay, {"initial_learning_rate": 0.1, "decay_steps": 10},
     {"end_learning_rate": 0.0001, "power": 1.0, "cycle": False, "name": "PolynomialDecay"}),
    (schedules.CosineDecay, {"initial_learning_rate": 0.1, "decay_steps": 10},
     {"alpha": 0.0, "name": "CosineDecay", "warmup_target": None, "warmup_steps": 0}),
    (schedules.CosineDecayRestarts, {"initial_learning_rate": 0.1, "first_decay_steps": 10},
     {"t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0, "name": "SGDRDecay"}),
]


@pytest.mark.parametrize(("cls", "given", "defaults"), KERAS_DEFAULTS,
                         ids=[case[0].__name__ for case in KERAS_DEFAULTS])
def test_constructor_defaults_are_keras_defaults(cls, given, defaults):
    assert cls(**given).get_config() == {**given, **defaults}


@pytest.mark.parametrize(("cls", "arg", "others"), [
    (schedules.ExponentialDecay, "decay_steps", {"initial_learning_rate": 0.1, "decay_rate": 0.5}),
    (schedules.InverseTimeDecay, "decay_steps", {"initial_learning_rate": 0.1, "decay_rate": 0.5}),
    (schedules.PolynomialDecay, "decay_steps", {"initial_learning_rate": 0.1}),
    (schedules.CosineDecay, "decay_steps", {"initial_learning_rate": 0.1}),
    (schedules.CosineDecayRestarts, "first_decay_steps", {"initial_learning_rate": 0.1}),
])
@pytest.mark.parametrize("steps", [0, -2])
def test_a_period_of_zero_or_fewer_steps_is_refused_naming_the_schedule_and_argument(cls, arg, others,
                                                                                      steps):
    expected = f"{cls.__name__}: argument `{arg}` must be > 0. Received: {arg}={steps}"
    with pytest.raises(ValueError, match=f"^{expected}$"):
        cls(**others, **{arg: steps})


def test_piecewise_constant_refuses_mismatched_lengths_and_says_both():
    with pytest.raises(ValueError, match=r"^PiecewiseConstantDecay: the length of boundaries should be 1 "
                                         r"less than the length of values\. Received: boundaries=\[1, 2\] "
                                         r"of length 2, and values=\[0\.1, 0\.01\] of length 2\.$"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.01])


def test_a_subclass_must_override_call_and_get_config_and_is_named_in_the_error():
    class Halving(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError,
                       match=r"^Learning rate schedule 'Halving' must override `__call__\(self, step\)`\.$"):
        Halving()(3)
    with pytest.raises(NotImplementedError,
                       match=r"^Learning rate schedule 'Halving' must override `get_config\(\)` "
                             r"in order to be serializable\.$"):
        Halving().get_config()


def test_serialize_gives_keras_dict():
    """The shape ``keras.optimizers.schedules.serialize``'s docstring shows."""
    schedule = schedules.ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
    assert schedules.serialize(schedule) == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100000, "decay_rate": 0.96,
                   "staircase": True, "name": "ExponentialDecay"},
        "registered_name": None}


@pytest.mark.parametrize("config", ["ExponentialDecay", None, {"class_name": "Halving", "config": {}}])
def test_deserialize_refuses_what_is_not_a_known_schedule_dict_and_lists_the_known(config):
    known = ("['CosineDecay', 'CosineDecayRestarts', 'ExponentialDecay', 'InverseTimeDecay', "
             "'PiecewiseConstantDecay', 'PolynomialDecay']")
    name = config["class_name"] if isinstance(config, dict) else None
    with pytest.raises(ValueError) as error:
        schedules.deserialize(config)
    assert str(error.value) == (f"schedules.deserialize: unknown schedule {name!r}; expected one of "
                                f"{known} (pass custom classes in custom_objects)")


def _keras_cosine_decay(step, initial, decay_steps, alpha, warmup_target, warmup_steps):
    """CosineDecay.__call__ with _warmup_function / _decay_function, as Keras writes them."""
    step = min(step, decay_steps + warmup_steps)
    if step < warmup_steps:
        return (warmup_target - initial) * (step / warmup_steps) + initial
    completed = (step - warmup_steps) / decay_steps
    return warmup_target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * completed)) + alpha)


def test_cosine_warmup_from_a_non_zero_rate_then_decay():
    """Keras's cases warm up from 0; from 0.02 the start value shows in every warm-up step."""
    schedule = schedules.CosineDecay(0.02, decay_steps=6, alpha=0.1, warmup_target=0.5, warmup_steps=4)
    for step in range(14):
        expected = _keras_cosine_decay(step, 0.02, 6, 0.1, 0.5, 4)
        assert schedule(step) == pytest.approx(expected, rel=1e-12), step


def _keras_cosine_restarts(step, initial, first_decay_steps, t_mul, m_mul, alpha):
    """Keras's CosineDecayRestartsTest reference: walk the periods one by one."""
    decay_steps, factor = first_decay_steps, 1.0
    while step >= decay_steps:
        step -= decay_steps
        decay_steps *= t_mul
        factor *= m_mul
    return initial * ((1 - alpha) * factor * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


@pytest.mark.parametrize("t_mul", [3.0, 0.5])
def test_cosine_restarts_with_periods_that_grow_or_shrink_by_other_than_two(t_mul):
    """With t_mul=2, ``(1 - t_mul)`` is -1 and multiplying by it equals dividing by it: use 3 and 0.5."""
    schedule = schedules.CosineDecayRestarts(0.4, first_decay_steps=4, t_mul=t_mul, m_mul=0.7, alpha=0.05)
    last = 40 if t_mul > 1 else 7  # periods of 4, 2, 1, 0.5...: the shrinking ones end before step 8
    for step in range(last):
        expected = _keras_cosine_restarts(step, 0.4, 4, t_mul, 0.7, 0.05)
        assert schedule(step) == pytest.approx(expected, rel=1e-9, abs=1e-12), step
