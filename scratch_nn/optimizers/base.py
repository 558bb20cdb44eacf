"""The optimizer loop shared by SGD, Adam and RMSprop: learning rate, weight decay, steps.

Mirrors ``keras/src/optimizers/base_optimizer.py``. ``apply_gradients`` takes
``(gradient, variable)`` pairs of NumPy arrays and updates the variables in
place, like Keras assigning to its variables. For each call::

    lr = learning_rate(iterations)              # a float, or a schedule of the step
    v  = v - v * weight_decay * lr              # every variable, before the step (if set)
    update_step(g, v, lr)                       # the optimizer's own rule
    iterations += 1

Slots (momentums, velocities...) are created once, in ``build``, the first
time variables are seen, and updated in place afterwards. A
:class:`~scratch_nn.models.Sequential` passes a single pair, its flat
gradient and flat parameter buffers, so one step is a handful of NumPy
calls however many layers the model has.
"""

import numpy as np

from scratch_nn.optimizers.schedules import LearningRateSchedule
from scratch_nn.tensor import ScalarVariable


class Optimizer:
    """Base class. Subclasses define ``build_slots(variables)`` and ``update_step``.

    Args:
        learning_rate: a float > 0 or a :class:`LearningRateSchedule`.
        weight_decay: ``None`` or a float >= 0, applied as above.
        name: a name for messages.
    """

    def __init__(self, learning_rate, weight_decay=None, name=None):
        self.name = name or type(self).__name__.lower()
        self.learning_rate = learning_rate
        if weight_decay is not None and not (np.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(
                f"{type(self).__name__}: weight_decay must be None or a float >= 0, "
                f"received {weight_decay!r}"
            )
        self.weight_decay = weight_decay
        self.iterations = 0
        self.built = False
        self._index = {}

    @property
    def learning_rate(self):
        """The learning rate of the next step: a float, or the schedule at ``iterations``.

        Read as Keras's learning-rate variable is: a float that also has
        ``.numpy()`` and ``.assign(value)`` (:class:`~scratch_nn.tensor.ScalarVariable`).
        """
        if isinstance(self._learning_rate, LearningRateSchedule):
            return ScalarVariable(self._learning_rate(self.iterations), self, "learning_rate")
        return ScalarVariable(self._learning_rate, self, "learning_rate")

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule):
            self._learning_rate = value
            return
        if getattr(self, "_learning_rate", None) is not None and isinstance(
                self._learning_rate, LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__}: this optimizer's learning rate is a schedule; "
                f"it cannot be set to {value!r}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not np.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be a float >= 0 or a "
                f"LearningRateSchedule, received {value!r}"
            )
        self._learning_rate = float(value)

    # -- slots -------------------------------------------------------------
    def build(self, variables):
        """Create the slots for ``variables`` (arrays, identified by object)."""
        self._variables = list(variables)
        self._index = {id(v): i for i, v in enumerate(self._variables)}
        self.build_slots(self._variables)
        self.built = True

    def build_slots(self, variables):
        """Create this optimizer's slot lists, one zero array per variable."""

    @staticmethod
    def zeros_like(variables):
        return [np.zeros_like(v) for v in variables]

    def slot_index(self, variable):
        """Position of ``variable`` in the slot lists."""
        return self._index[id(variable)]

    # -- the step ----------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply one step to each variable from its gradient, in place; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        if not self.built:
            self.build([v for _, v in pairs])
        for g, v in pairs:
            if id(v) not in self._index:
                raise ValueError(
                    f"{type(self).__name__}: unknown variable of shape {v.shape}; an "
                    "optimizer updates the variables it was first built with"
                )
            if g.shape != v.shape:
                raise ValueError(
                    f"{type(self).__name__}: gradient of shape {g.shape} for a variable of "
                    f"shape {v.shape}"
                )
        lr = self.learning_rate
        if self.weight_decay:
            for _, v in pairs:
                v -= v * np.asarray(self.weight_decay, v.dtype) * np.asarray(lr, v.dtype)
        for g, v in pairs:
            self.update_step(g, v, lr)
        self.iterations += 1
        return self.iterations

    def update_step(self, gradient, variable, learning_rate):
        """Update ``variable`` in place from ``gradient``; the optimizer's rule."""
        raise NotImplementedError
