"""Nadam: Adam with Nesterov momentum (Dozat 2015), as Keras computes it.

Mirrors ``keras/src/optimizers/nadam.py``. For step ``t = iterations + 1``,
first moment ``m`` and second moment ``v`` (both start at 0) and the
momentum schedule ``u_t = beta_1 (1 - 0.5 * 0.96**t)``, whose running
product ``P_t = u_1 u_2 ... u_t`` is kept across steps (``P_0 = 1``)::

    m = m + (g - m) * (1 - beta_1)
    v = v + (g**2 - v) * (1 - beta_2)
    m_hat = u_{t+1} m / (1 - P_t u_{t+1}) + (1 - u_t) g / (1 - P_t)
    v_hat = v / (1 - beta_2**t)
    w = w - lr * m_hat / (sqrt(v_hat) + epsilon)

As in Keras's Adam, epsilon is added to ``sqrt(v_hat)`` (the "epsilon hat"
of Kingma & Ba), default 1e-7. ``P_t`` advances once per
``apply_gradients`` call, before the variables are updated, as Keras's
``_backend_update_step`` does.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Nadam(Optimizer):
    """Nadam, Keras defaults ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule.
        beta_1, beta_2: decay rates of the first and second moments, in ``[0, 1)``.
        epsilon: added to ``sqrt(v_hat)``.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        for arg, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Nadam: {arg} must be in [0, 1), received {value!r}")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_slots(self, variables):
        self.momentums = self.zeros_like(variables)
        self.velocities = self.zeros_like(variables)
        self.u_product = 1.0
        self._u_product_step = 0

    def _u(self, t):
        """``u_t = beta_1 (1 - 0.5 * 0.96**t)``."""
        return self.beta_1 * (1 - 0.5 * 0.96**t)

    def update_step(self, gradient, variable, learning_rate):
        t = self.iterations + 1
        if self._u_product_step != t:  # once per step, for all variables
            self.u_product *= self._u(t)
            self._u_product_step = t
        i = self.slot_index(variable)
        m, v = self.momentums[i], self.velocities[i]
        dtype = variable.dtype.type
        u_t, u_next = self._u(t), self._u(t + 1)

        m += (gradient - m) * dtype(1 - self.beta_1)
        v += (np.square(gradient) - v) * dtype(1 - self.beta_2)
        m_hat = (m * dtype(u_next / (1 - self.u_product * u_next))
                 + gradient * dtype((1 - u_t) / (1 - self.u_product)))
        v_hat = v / dtype(1 - self.beta_2**t)
        variable -= m_hat * dtype(learning_rate) / (np.sqrt(v_hat) + dtype(self.epsilon))
