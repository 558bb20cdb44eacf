"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

Mirrors ``keras/src/optimizers/schedules/learning_rate_schedule.py``.
"""

import math


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate for that step (0-based)."""

    def __call__(self, step):
        raise NotImplementedError


class ExponentialDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so
    the rate drops in steps.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per factor of ``decay_rate`` (> 0).
        decay_rate: the factor.
        staircase: decay at whole multiples of ``decay_steps`` only.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        if decay_steps <= 0:
            raise ValueError(
                f"ExponentialDecay: decay_steps must be > 0, received {decay_steps!r}"
            )
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = staircase

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p
