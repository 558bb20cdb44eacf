"""FTRL-Proximal: "follow the regularized leader", with L1 and L2 built into the step.

Mirrors ``keras/src/optimizers/ftrl.py`` (McMahan et al., 2013, "Ad Click
Prediction: a View from the Trenches", Algorithm 1). Two slots: the
accumulator ``n`` of squared gradients (starts at
``initial_accumulator_value``, 0.1) and the linear term ``z`` (starts at 0).
With ``p = -learning_rate_power`` (0.5 by default, the paper's square root),
``l1``, ``l2`` the regularization strengths and ``l2_shrinkage`` the
shrinkage one::

    g_s   = g + 2 * l2_shrinkage * w
    n_new = n + g**2
    z     = z + g_s - (n_new**p - n**p) / lr * w
    q     = n_new**p / lr + 2 * (l2 + beta / (2 * lr))
    w     = (clip(z, -l1, l1) - z) / q
    n     = n_new

The new weight is not a step from the old one: it is the minimizer of the
linearized loss so far plus the regularizers, in closed form. Where
``|z| <= l1`` it is exactly 0, which is why FTRL gives sparse models.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal, Keras defaults ``learning_rate=0.001, learning_rate_power=-0.5``,
    ``initial_accumulator_value=0.1`` and every regularization strength and ``beta`` 0.

    Args:
        learning_rate: float or schedule.
        learning_rate_power: ``-p`` above, <= 0 (0 is a fixed learning rate).
        initial_accumulator_value: starting value of ``n``, >= 0.
        l1_regularization_strength, l2_regularization_strength: >= 0.
        l2_shrinkage_regularization_strength: >= 0, an L2 penalty that enters
            through the gradient (magnitude penalty) rather than ``q``.
        beta: added to the L2 strength as ``beta / (2 lr)`` (the paper's beta).
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("learning_rate_power", "initial_accumulator_value",
                    "l1_regularization_strength", "l2_regularization_strength",
                    "l2_shrinkage_regularization_strength", "beta")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, name="ftrl", **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        # keras/src/optimizers/ftrl.py's checks and messages
        if initial_accumulator_value < 0.0:
            raise ValueError("`initial_accumulator_value` needs to be positive or zero. "
                             f"Received: initial_accumulator_value={initial_accumulator_value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        for arg, value in (("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build_slots(self, variables):
        self.accumulators = [np.full_like(v, self.initial_accumulator_value) for v in variables]
        self.linears = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        n, z = self.accumulators[i], self.linears[i]
        dtype = variable.dtype.type
        lr, p = dtype(learning_rate), dtype(-self.learning_rate_power)
        l1 = dtype(self.l1_regularization_strength)
        l2 = dtype(self.l2_regularization_strength + self.beta / (2.0 * learning_rate))
        g_s = gradient + dtype(2 * self.l2_shrinkage_regularization_strength) * variable
        n_new = n + np.square(gradient)
        # linear += grad_to_use - (new_accum**-lr_power - accum**-lr_power) / lr * variable
        z += g_s - (np.power(n_new, p) - np.power(n, p)) / lr * variable
        # quadratic = new_accum**-lr_power / lr + 2 * l2_reg
        q = np.power(n_new, p) / lr + dtype(2) * l2
        # variable = (clip(linear, -l1, l1) - linear) / quadratic
        variable[...] = (np.clip(z, -l1, l1) - z) / q
        n[...] = n_new
