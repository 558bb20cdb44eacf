"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

Mirrors ``keras/src/optimizers/schedules/learning_rate_schedule.py``. The
optimizer calls ``schedule(step)`` with ``step = iterations`` (0 for the
first update). Every schedule has ``get_config()``, and
:func:`serialize` / :func:`deserialize` round-trip one through a plain dict
as Keras's functions of the same names do.
"""

import math


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate for that step (0-based)."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Rebuild a schedule from ``get_config()``'s dict."""
        return cls(**config)


def _check_positive(schedule, arg, value):
    if not value > 0:
        raise ValueError(f"{schedule}: argument `{arg}` must be > 0. Received: {arg}={value!r}")


class _DecayEverySteps(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: a rate, a decay every ``decay_steps``.

    ``progress(step) = step / decay_steps``, or its floor with ``staircase=True``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        _check_positive(type(self).__name__, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def progress(self, step):
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_DecayEverySteps):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so
    the rate drops in steps.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per factor of ``decay_rate`` (> 0).
        decay_rate: the factor.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: Keras's name, kept for ``get_config``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)


class InverseTimeDecay(_DecayEverySteps):
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True``, ``step / decay_steps`` becomes
    ``floor(step / decay_steps)``. This is the schedule the legacy
    ``decay=`` argument of Keras 2 optimizers applied (with ``decay_steps=1``).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: how often to apply decay (> 0).
        decay_rate: the rate of the ``1 / t`` decay.
        staircase: decay at whole multiples of ``decay_steps`` only.
        name: Keras's name, kept for ``get_config``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self.progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate between boundaries::

        lr(step) = values[0]    if step <= boundaries[0]
                   values[i]    if boundaries[i-1] < step <= boundaries[i]
                   values[-1]   if step > boundaries[-1]

    Args:
        boundaries: increasing step numbers, one fewer than ``values``.
        values: the rates.
        name: Keras's name, kept for ``get_config``.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: the length of boundaries should be 1 less than the "
                f"length of values. Received: boundaries={boundaries!r} of length "
                f"{len(boundaries)}, and values={values!r} of length {len(values)}."
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """A polynomial ramp from ``initial_learning_rate`` down to ``end_learning_rate``::

        cycle=False:  s = min(step, decay_steps);  D = decay_steps
        cycle=True:   s = step;  D = decay_steps * max(1, ceil(step / decay_steps))
        lr(step) = (initial_learning_rate - end_learning_rate) * (1 - s / D) ** power
                   + end_learning_rate

    (Keras's ``cycle=True`` uses a multiplier of 1 at step 0.)

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps to reach ``end_learning_rate`` (> 0).
        end_learning_rate: the final rate (Keras default 1e-4).
        power: the polynomial's power (1 is linear).
        cycle: restart the ramp, over a longer period, past ``decay_steps``.
        name: Keras's name, kept for ``get_config``.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        _check_positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        if self.cycle:
            span = self.decay_steps * (1 if step == 0 else math.ceil(step / self.decay_steps))
        else:
            step, span = min(step, self.decay_steps), self.decay_steps
        fraction = step / span
        return ((self.initial_learning_rate - self.end_learning_rate)
                * (1 - fraction) ** self.power + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


def _cosine(fraction, alpha):
    """``(1 - alpha) * 0.5 * (1 + cos(pi * fraction)) + alpha``."""
    return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov & Hutter, SGDR), with an optional linear warm-up.

    Without warm-up (``warmup_target=None``)::

        s = min(step, decay_steps)
        lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi s / decay_steps)) + alpha)

    With warm-up, ``s = min(step, warmup_steps + decay_steps)``::

        s <  warmup_steps:  lr = initial_learning_rate
                                 + (warmup_target - initial_learning_rate) * s / warmup_steps
        s >= warmup_steps:  lr = warmup_target * ((1 - alpha) * 0.5
                                 * (1 + cos(pi (s - warmup_steps) / decay_steps)) + alpha)

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps of the cosine part (> 0).
        alpha: the final rate as a fraction of the rate the decay starts from.
        name: Keras's name, kept for ``get_config``.
        warmup_target: the rate the warm-up reaches, or ``None`` for no warm-up.
        warmup_steps: steps of the warm-up.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return self.initial_learning_rate * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            delta = self.warmup_target - self.initial_learning_rate
            return delta * step / self.warmup_steps + self.initial_learning_rate
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * _cosine(fraction, self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period ``t_mul`` times longer, ``m_mul`` times lower.

    With ``f = step / first_decay_steps``::

        t_mul == 1:  i = floor(f);  f = f - i
        otherwise:   i = floor(log(1 - f (1 - t_mul)) / log(t_mul))
                     f = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
        lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi f)) + alpha)

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: steps of the first period (> 0).
        t_mul: growth of each period's length.
        m_mul: factor on each period's starting rate.
        alpha: the final rate as a fraction of ``initial_learning_rate``.
        name: Keras's name, kept for ``get_config``.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        _check_positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        f = step / self.first_decay_steps
        if self.t_mul == 1.0:
            i = math.floor(f)
            f -= i
        else:
            i = math.floor(math.log(1 - f * (1 - self.t_mul)) / math.log(self.t_mul))
            f = (f - (1 - self.t_mul**i) / (1 - self.t_mul)) / self.t_mul**i
        cosine = 0.5 * self.m_mul**i * (1 + math.cos(math.pi * f))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (
    ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay,
    CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """Return ``{'class_name': ..., 'config': ...}`` for a built-in schedule."""
    return {"module": "keras.optimizers.schedules",
            "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """Rebuild a schedule from :func:`serialize`'s dict (``custom_objects``: name -> class)."""
    classes = {**_SCHEDULES, **(custom_objects or {})}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in classes:
        raise ValueError(
            f"schedules.deserialize: unknown schedule {name!r}; expected one of "
            f"{sorted(classes)} (pass custom classes in custom_objects)"
        )
    return classes[name].from_config(config["config"])
