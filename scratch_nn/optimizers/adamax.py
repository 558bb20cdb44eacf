"""Adamax: Adam with the infinity norm in place of the second moment.

Mirrors ``keras/src/optimizers/adamax.py`` (Kingma & Ba, section 7.1). For
step ``t = iterations + 1``, first moment ``m`` and weighted infinity norm
``u`` (both start at 0)::

    m = m + (g - m) * (1 - beta_1)                 # = beta_1 m + (1 - beta_1) g
    u = max(beta_2 * u, |g|)
    w = w - lr * m / ((1 - beta_1**t) * (u + epsilon))

Only ``m`` needs a bias correction: ``u`` is a maximum, not an average,
so it does not start biased towards 0. The paper divides by ``u`` alone;
Keras adds epsilon (1e-7) so a weight that never had a gradient does not
divide by zero.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Adamax(Optimizer):
    """Adamax, Keras defaults ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule.
        beta_1: decay rate of the first moment, in ``[0, 1)``.
        beta_2: decay rate of the infinity norm, in ``[0, 1)``.
        epsilon: added to ``u``.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, name="adamax", **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        for arg, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Adamax: {arg} must be in [0, 1), received {value!r}")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_slots(self, variables):
        # Keras's names: _m (the momentums) and _u (the norms).
        self.m = self.zeros_like(variables)
        self.u = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        m, u = self.m[i], self.u[i]
        dtype = variable.dtype.type
        t = self.iterations + 1
        # self.assign_add(m, (gradient - m) * (1 - self.beta_1))
        m += (gradient - m) * dtype(1 - self.beta_1)
        # self.assign(u, ops.maximum(self.beta_2 * u, ops.abs(gradient)))
        np.maximum(dtype(self.beta_2) * u, np.abs(gradient), out=u)
        # self.assign_sub(variable, lr * m / ((1 - beta_1_power) * (u + self.epsilon)))
        variable -= dtype(learning_rate) * m / (
            dtype(1 - dtype(self.beta_1) ** dtype(t)) * (u + dtype(self.epsilon)))
