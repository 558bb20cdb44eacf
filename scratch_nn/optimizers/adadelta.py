"""Adadelta: Adagrad with a moving window, and a step measured in the weights' own units.

Mirrors ``keras/src/optimizers/adadelta.py`` (Zeiler, 2012). Two running
averages, both starting at 0: ``s`` of the squared gradients and ``d`` of
the squared steps::

    s    = rho * s + (1 - rho) * g**2
    step = -sqrt(d + epsilon) / sqrt(s + epsilon) * g
    d    = rho * d + (1 - rho) * step**2
    w    = w + lr * step

The paper has no learning rate (``lr = 1``); Keras keeps one, default
0.001, so Keras's Adadelta moves a thousand times slower than the paper's
unless ``learning_rate=1.0`` is given. Keras defaults ``rho=0.95``,
``epsilon=1e-7`` (the paper's 1e-6).
"""

import numpy as np

from scratch_nn.optimizers.base import Optimizer


class Adadelta(Optimizer):
    """Adadelta, Keras defaults ``learning_rate=0.001, rho=0.95, epsilon=1e-7``.

    Args:
        learning_rate: float or schedule (1.0 is the paper's method).
        rho: decay rate of both running averages, in ``[0, 1)``.
        epsilon: added inside both square roots.
        weight_decay: see :class:`~scratch_nn.optimizers.base.Optimizer`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    _config_keys = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 name="adadelta", **kwargs):
        super().__init__(learning_rate, weight_decay, name, **kwargs)
        if not 0 <= rho < 1:
            raise ValueError(f"Adadelta: rho must be in [0, 1), received {rho!r}")
        self.rho, self.epsilon = rho, epsilon

    def build_slots(self, variables):
        self.accumulated_grads = self.zeros_like(variables)
        self.accumulated_delta_vars = self.zeros_like(variables)

    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        s, d = self.accumulated_grads[i], self.accumulated_delta_vars[i]
        dtype = variable.dtype.type
        rho, eps = dtype(self.rho), dtype(self.epsilon)
        # accumulated_grad = rho * accumulated_grad + (1 - rho) * grad**2
        s[...] = rho * s + dtype(1 - self.rho) * np.square(gradient)
        # delta_var = -(rms(accumulated_delta_var) * grad) / rms(accumulated_grad)
        step = -(np.sqrt(d + eps) * gradient) / np.sqrt(s + eps)
        # accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta_var**2
        d[...] = rho * d + dtype(1 - self.rho) * np.square(step)
        # self.assign_add(variable, lr * delta_var)
        variable += dtype(learning_rate) * step
