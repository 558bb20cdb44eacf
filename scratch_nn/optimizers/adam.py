"""Adam and AMSGrad, in Keras's bias-corrected step-size form.

Mirrors ``keras/src/optimizers/adam.py``. For step ``t = iterations + 1``,
first moment ``m`` and second moment ``v`` (both start at 0)::

    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    m = m + (g - m) * (1 - beta_1)                 # = beta_1 m + (1 - beta_1) g
    v = v + (g**2 - v) * (1 - beta_2)              # = beta_2 v + (1 - beta_2) g**2
    v_hat = max(v_hat, v)                          # amsgrad=True only; then v := v_hat
    w = w - alpha * m / (sqrt(v) + epsilon)

This is the "epsilon hat" form of Kingma & Ba (section 2): the paper
corrects ``m`` and ``v`` separately and adds epsilon to ``sqrt(v_hat)``;
Keras folds both corrections into ``alpha`` and adds epsilon to the
uncorrected ``sqrt(v)``, so its epsilon (default 1e-7, the paper's 1e-8)
acts ``sqrt(1 - beta_2**t)`` times larger early in training.

``update_step`` runs in place on one scratch array (it allocates nothing);
each group of in-place operations has beside it the Keras expression from
``Adam.update_step`` that it computes.
"""

import math

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Adam(Optimizer):
    """Adam, Keras defaults ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule.
        beta_1, beta_2: decay rates of the first and second moments.
        epsilon: added to ``sqrt(v)``, outside the square root.
        amsgrad: divide by the running maximum of ``v`` instead of ``v``.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        for arg, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Adam: {arg} must be in [0, 1), received {value!r}")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.amsgrad = amsgrad

    def build_slots(self, variables):
        self.momentums = self.zeros_like(variables)
        self.velocities = self.zeros_like(variables)
        self.velocity_hats = self.zeros_like(variables) if self.amsgrad else []
        # One scratch array per variable: the step below allocates nothing.
        self._scratch = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        m, v, tmp = self.momentums[i], self.velocities[i], self._scratch[i]
        dtype = variable.dtype.type
        t = self.iterations + 1
        # alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)

        # self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        np.subtract(gradient, m, out=tmp)
        tmp *= dtype(1 - self.beta_1)
        m += tmp
        # self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        np.square(gradient, out=tmp)
        tmp -= v
        tmp *= dtype(1 - self.beta_2)
        v += tmp
        if self.amsgrad:
            # self.assign(v_hat, ops.maximum(v_hat, v)); v = v_hat
            np.maximum(self.velocity_hats[i], v, out=self.velocity_hats[i])
            v = self.velocity_hats[i]
        # self.assign_sub(variable, ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), self.epsilon)))
        # (as m / (sqrt(v) + epsilon) * alpha: the same quotient, one rounding apart)
        np.sqrt(v, out=tmp)
        tmp += dtype(self.epsilon)
        np.divide(m, tmp, out=tmp)
        tmp *= dtype(alpha)
        variable -= tmp
