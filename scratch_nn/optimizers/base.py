"""The optimizer loop shared by SGD, Adam and RMSprop: learning rate, weight decay, steps.

Mirrors ``keras/src/optimizers/base_optimizer.py``. ``apply_gradients`` takes
``(gradient, variable)`` pairs of NumPy arrays and updates the variables in
place, like Keras assigning to its variables. For each call::

    lr = learning_rate(iterations)              # a float, or a schedule of the step
    g  = g * global_clipnorm * min(1 / N, 1 / global_clipnorm)   # if set; N = sqrt(sum of all g**2)
    g  = clip(g, -clipvalue, clipvalue)         # if set instead (Keras allows one clipping)
    v  = v - v * weight_decay * lr              # every variable, before the step (if set)
    update_step(g, v, lr)                       # the optimizer's own rule
    iterations += 1

Gradient clipping by ``global_clipnorm`` or ``clipvalue`` follows
``BaseOptimizer._clip_gradients``; ``clipnorm`` (per variable) is refused,
because a model hands its parameters over as one flat buffer, so a
per-variable norm would be the global one. Keras's other constructor
arguments (``decay=``, EMA, loss scaling...), ``get_config`` and
``exclude_from_weight_decay`` come from
:class:`~scratch_nn.optimizers.optimizer_api.OptimizerAPI`.

Slots (momentums, velocities...) are created once, in ``build``, the first
time variables are seen, and updated in place afterwards. The trainer
(:mod:`scratch_nn.trainer`) passes a single pair, the network's flat
gradient and flat parameter buffers, so one step is a handful of NumPy
calls however many layers the model has.
"""

import numpy as np

from scratch_nn.naming import keras_snake_case, unique_name
from scratch_nn.optimizers.optimizer_api import OptimizerAPI
from scratch_nn.optimizers.schedules import LearningRateSchedule
from scratch_nn.tensor import ScalarVariable


class Optimizer(OptimizerAPI):
    """Base class. Subclasses define ``build_slots(variables)`` and ``update_step``.

    Args:
        learning_rate: a float > 0 or a :class:`LearningRateSchedule`.
        weight_decay: ``None`` or a float >= 0, applied as above (0 applies
            none; Keras also accepts negative values, scratch_nn refuses them).
        clipvalue: ``None`` or a float > 0: clip each gradient entry to ``[-clipvalue, clipvalue]``.
        global_clipnorm: ``None`` or a float > 0: rescale all gradients together so their
            joint L2 norm is at most ``global_clipnorm``.
        name: a name for messages.
        **kwargs: ``decay`` (ignored with a warning) or Keras's unsupported
            arguments left at their defaults (see
            :mod:`~scratch_nn.optimizers.optimizer_api`).
    """

    def __init__(self, learning_rate, weight_decay=None, name=None, clipvalue=None,
                 global_clipnorm=None, **kwargs):
        self._check_keras_arguments(kwargs)  # optimizer_api.py: decay=, and refusals
        if clipvalue is not None and global_clipnorm is not None:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        for arg, value in (("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            if value is not None and not value > 0:
                raise ValueError(
                    f"{type(self).__name__}: {arg} must be None or a float > 0, received {value!r}"
                )
        self.clipvalue, self.global_clipnorm = clipvalue, global_clipnorm
        self.name = name or unique_name(keras_snake_case(type(self).__name__))
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
            raise TypeError(  # Keras's message (keras/src/optimizers/base_optimizer.py)
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument. "
                f"({type(self).__name__}; received {value!r})"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not np.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be a float >= 0 or a "
                f"LearningRateSchedule, received {value!r}"
            )
        self._learning_rate = float(value)

    @property
    def learning_rate_schedule(self):
        """The :class:`LearningRateSchedule` given as ``learning_rate``, or ``None`` for a number.

        scratch_nn's own (saving stores the schedule itself, not its current value).
        """
        rate = self._learning_rate
        return rate if isinstance(rate, LearningRateSchedule) else None

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
        for i, (g, v) in enumerate(pairs):
            if g is None:
                raise ValueError(
                    f"{type(self).__name__}.apply_gradients: the gradient of variable {i} "
                    f"({getattr(v, 'name', 'shape ' + str(np.shape(v)))}) is None; every "
                    "variable passed needs a gradient array")
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
        pairs = self._clip_gradients(pairs)
        lr = self.learning_rate
        if self.weight_decay:
            for _, v in pairs:
                use = self._use_weight_decay(v)
                if use is True:
                    v -= v * np.asarray(self.weight_decay, v.dtype) * np.asarray(lr, v.dtype)
                elif use is not False:  # a 0/1 mask over a model's flat buffer
                    v -= v * np.asarray(self.weight_decay, v.dtype) * np.asarray(lr, v.dtype) * use
        for g, v in pairs:
            self.update_step(g, v, lr)
        self.iterations += 1
        return self.iterations

    def _clip_gradients(self, pairs):
        """The pairs with clipped gradients (new arrays; the caller's are not written to)."""
        if self.global_clipnorm:
            norm = np.sqrt(sum(float(np.sum(np.square(g))) for g, _ in pairs))
            scale = self.global_clipnorm * min(1 / norm if norm else np.inf,
                                               1 / self.global_clipnorm)
            return [(g * np.asarray(scale, g.dtype), v) for g, v in pairs]
        if self.clipvalue:
            return [(np.clip(g, -self.clipvalue, self.clipvalue), v) for g, v in pairs]
        return pairs

    def update_step(self, gradient, variable, learning_rate):
        """Update ``variable`` in place from ``gradient``; the optimizer's rule."""
        raise NotImplementedError
