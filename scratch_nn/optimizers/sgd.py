"""Stochastic gradient descent, with optional (Nesterov) momentum.

Mirrors ``keras/src/optimizers/sgd.py``. Keras's update rule, for velocity
``m`` (starts at 0), momentum ``mu`` and learning rate ``lr``::

    momentum == 0:   w = w - lr * g
    momentum > 0:    m = mu * m - lr * g
                     w = w + m                      # plain momentum
                     w = w + mu * m - lr * g        # nesterov=True

The Nesterov form is the "look-ahead" rewritten in terms of the current
weights (Sutskever et al. 2013), as Keras writes it.
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent, Keras defaults ``learning_rate=0.01``, ``momentum=0.0``.

    Args:
        learning_rate: float or schedule.
        momentum: float in ``[0, 1]``.
        nesterov: use Nesterov momentum.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 name=None, **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(  # Keras's message (keras/src/optimizers/sgd.py)
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, variables):
        self.momentums = self.zeros_like(variables) if self.momentum else []

    def update_step(self, gradient, variable, learning_rate):
        lr_g = gradient * np.asarray(learning_rate, variable.dtype)
        if not self.momentum:
            # self.assign_sub(variable, ops.multiply(gradient, learning_rate))
            variable -= lr_g
            return
        # self.assign(m, ops.subtract(ops.multiply(m, momentum),
        #                             ops.multiply(gradient, learning_rate)))
        mu = np.asarray(self.momentum, variable.dtype)
        m = self.momentums[self.slot_index(variable)]
        m *= mu
        m -= lr_g
        if self.nesterov:
            # self.assign_add(variable, ops.subtract(ops.multiply(m, momentum),
            #                                        ops.multiply(gradient, learning_rate)))
            variable += m * mu - lr_g
        else:
            # self.assign_add(variable, m)
            variable += m
