"""RMSprop, plain, centered and with momentum, as Keras computes it.

Mirrors ``keras/src/optimizers/rmsprop.py``. For the mean square ``s``
(starts at 0), mean gradient ``a`` (centered only) and momentum buffer
``m``::

    s = rho * s + (1 - rho) * g**2
    a = rho * a + (1 - rho) * g                    # centered=True
    d = s - a**2 + epsilon   (centered)   or   s + epsilon
    step = lr * g / sqrt(d)                        # epsilon inside the square root
    m = momentum * m + step;  w = w - m            # momentum > 0
    w = w - step                                   # momentum == 0

Keras puts epsilon inside the square root (Hinton's lecture has it
outside); its default is 1e-7.

Keras 3 does not check ``rho`` or ``momentum``. scratch_nn refuses
``rho`` outside ``[0, 1)`` (at ``rho = 1`` the mean square never leaves 0
and every step is ``lr * g / sqrt(epsilon)``) and ``momentum`` outside
``[0, 1]`` (Keras's own limit for SGD's momentum), with ``ValueError``.

``update_step`` runs in place; each group of operations has beside it the
Keras expression from ``RMSprop.update_step`` that it computes.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """RMSprop, Keras defaults ``learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule.
        rho: decay of the mean square.
        momentum: momentum on the step (0 disables).
        epsilon: added to the mean square inside the square root.
        centered: divide by an estimate of the variance instead of the mean square.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        if not 0 <= rho < 1:
            raise ValueError(f"RMSprop: rho must be in [0, 1), received {rho!r}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"RMSprop: momentum must be in [0, 1], received {momentum!r}")
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build_slots(self, variables):
        self.velocities = self.zeros_like(variables)
        self.momentums = self.zeros_like(variables) if self.momentum > 0 else []
        self.average_gradients = self.zeros_like(variables) if self.centered else []
        self._scratch = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        s, d = self.velocities[i], self._scratch[i]
        dtype = variable.dtype.type
        rho = dtype(self.rho)

        # self.assign(velocity, ops.add(ops.multiply(rho, velocity),
        #                               ops.multiply(1 - rho, ops.square(gradient))))
        s *= rho
        s += dtype(1 - self.rho) * np.square(gradient)
        if self.centered:
            # self.assign(average_grad, ops.add(ops.multiply(rho, average_grad),
            #                                   ops.multiply(1 - rho, gradient)))
            a = self.average_gradients[i]
            a *= rho
            a += dtype(1 - self.rho) * gradient
            # denominator = velocity - ops.square(average_grad) + self.epsilon
            np.square(a, out=d)
            np.subtract(s, d, out=d)
        else:
            # denominator = ops.add(velocity, self.epsilon)
            d[...] = s
        d += dtype(self.epsilon)
        # increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        # (as gradient / sqrt(denominator) * lr: one rounding apart)
        np.sqrt(d, out=d)
        np.divide(gradient, d, out=d)
        d *= dtype(learning_rate)
        if self.momentum > 0:
            # self.assign(momentum, ops.add(ops.multiply(self.momentum, momentum), increment))
            # self.assign_sub(variable, momentum)
            m = self.momentums[i]
            m *= dtype(self.momentum)
            m += d
            variable -= m
        else:
            # self.assign_sub(variable, increment)
            variable -= d
