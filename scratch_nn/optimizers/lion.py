"""Lion: a step of fixed size in the sign of an interpolated momentum.

Mirrors ``keras/src/optimizers/lion.py`` (Chen et al., 2023, "Symbolic
Discovery of Optimization Algorithms"). One slot, the momentum ``m``
(starts at 0)::

    w = w - lr * sign(beta_1 * m + (1 - beta_1) * g)
    m = beta_2 * m + (1 - beta_2) * g

Every weight moves by exactly ``lr`` (or not at all where the sign is 0),
so Lion's learning rate is usually 3-10 times smaller than Adam's. The
step interpolates with ``beta_1`` (0.9); the momentum it keeps decays with
``beta_2`` (0.99). ``beta_1`` must be in ``(0, 1]``: at 0 the step is
``sign(g)``, sign SGD, and Keras refuses it.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Lion(Optimizer):
    """Lion, Keras defaults ``learning_rate=0.001, beta_1=0.9, beta_2=0.99``.

    Args:
        learning_rate: float or schedule.
        beta_1: weight of the momentum in the step's sign, in ``(0, 1]``.
        beta_2: decay rate of the momentum.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 name="lion", **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:  # keras/src/optimizers/lion.py's message
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def build_slots(self, variables):
        self.momentums = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self.slot_index(variable)]
        dtype = variable.dtype.type
        beta_1, beta_2 = dtype(self.beta_1), dtype(self.beta_2)
        # self.assign_sub(variable, lr * ops.sign(m * beta_1 + gradient * (1.0 - beta_1)))
        variable -= dtype(learning_rate) * np.sign(m * beta_1 + gradient * (dtype(1.0) - beta_1))
        # self.assign(m, m * beta_2 + gradient * (1.0 - beta_2))
        m[...] = m * beta_2 + gradient * (dtype(1.0) - beta_2)
