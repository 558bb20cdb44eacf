"""Adagrad: each weight's step shrinks with the sum of its squared gradients.

Mirrors ``keras/src/optimizers/adagrad.py`` (Duchi et al., 2011). The
accumulator ``a`` starts at ``initial_accumulator_value`` (0.1), not 0::

    a = a + g**2
    w = w - lr * g / sqrt(a + epsilon)

Keras puts epsilon inside the square root (the paper adds it outside);
its default is 1e-7. A weight that keeps receiving large gradients gets
ever smaller steps, and no step is ever forgotten: ``a`` only grows.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """Adagrad, Keras defaults ``learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule.
        initial_accumulator_value: the starting value of every accumulator, >= 0.
        epsilon: added to the accumulator inside the square root.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, name="adagrad", **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        if not initial_accumulator_value >= 0:
            raise ValueError("Adagrad: initial_accumulator_value must be >= 0, received "
                             f"{initial_accumulator_value!r}")
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build_slots(self, variables):
        self.accumulators = [np.full_like(v, self.initial_accumulator_value) for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        a = self.accumulators[self.slot_index(variable)]
        dtype = variable.dtype.type
        # self.assign_add(accumulator, ops.square(gradient))
        a += np.square(gradient)
        # self.assign_sub(variable, lr * gradient / ops.sqrt(accumulator + self.epsilon))
        variable -= dtype(learning_rate) * gradient / np.sqrt(a + dtype(self.epsilon))
