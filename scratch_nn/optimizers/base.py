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

Keyword arguments follow ``BaseOptimizer.__init__``: the legacy ``decay=``
is ignored with a warning, as Keras 3 does; any other unknown argument
(``lr=``...) raises ``ValueError("Argument(s) not recognized: ...")``, the
same message. Gradient clipping by ``global_clipnorm`` or ``clipvalue``
follows ``BaseOptimizer._clip_gradients``; ``clipnorm`` (per variable) is
refused, because a model hands its parameters over as one flat buffer, so
a per-variable norm would be the global one. EMA, loss scaling and
gradient accumulation are refused with ``NotImplementedError`` when set.

Slots (momentums, velocities...) are created once, in ``build``, the first
time variables are seen, and updated in place afterwards. A
:class:`~scratch_nn.models.Sequential` passes a single pair, its flat
gradient and flat parameter buffers, so one step is a handful of NumPy
calls however many layers the model has.
"""

import re
import warnings

import numpy as np

from scratch_nn.naming import keras_snake_case, unique_name
from scratch_nn.optimizers import schedules
from scratch_nn.optimizers.schedules import LearningRateSchedule
from scratch_nn.tensor import ScalarVariable

#: Keras's base-optimizer arguments scratch_nn does not implement, with their Keras defaults.
_UNSUPPORTED = {"clipnorm": None, "use_ema": False, "ema_momentum": 0.99,
                "ema_overwrite_frequency": None, "loss_scale_factor": None,
                "gradient_accumulation_steps": None}
_WHY = {"clipnorm": " (per-variable norms: a model's parameters reach the optimizer as one "
                    "flat buffer; use global_clipnorm or clipvalue)"}


def _check_kwargs(cls_name, kwargs):
    """Apply ``BaseOptimizer.__init__``'s rules to the extra keyword arguments."""
    if kwargs.pop("decay", None) is not None:
        warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                      stacklevel=4)
    for arg, default in _UNSUPPORTED.items():
        value = kwargs.pop(arg, default)
        if value != default:
            raise NotImplementedError(
                f"{cls_name}: `{arg}` is a Keras optimizer argument scratch_nn does not "
                f"implement{_WHY.get(arg, '')}; received {arg}={value!r} (leave it at {default!r})"
            )
    if kwargs:
        raise ValueError(f"Argument(s) not recognized: {kwargs}")


class Optimizer:
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
            arguments left at their defaults; see the module docstring.
    """

    #: the constructor arguments ``get_config`` returns beyond name, rate and decay
    _config_keys = ()

    def __init__(self, learning_rate, weight_decay=None, name=None, clipvalue=None,
                 global_clipnorm=None, **kwargs):
        _check_kwargs(type(self).__name__, kwargs)
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

    # -- configuration -----------------------------------------------------
    def get_config(self):
        """The constructor arguments as a dict, as ``keras.optimizers.Optimizer.get_config``.

        A schedule is stored as :func:`~scratch_nn.optimizers.schedules.serialize` gives it.
        """
        rate = self._learning_rate
        if isinstance(rate, LearningRateSchedule):
            rate = schedules.serialize(rate)
        config = {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay,
                  "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config):
        """A new optimizer from :meth:`get_config`'s dict (no slots, iterations 0)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

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

    # -- weight decay exclusions (keras/src/optimizers/base_optimizer.py) ----
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leave some variables out of weight decay; call before the first step.

        Args:
            var_list: variables (arrays) to leave out, matched by identity.
            var_names: strings; a variable whose ``name`` attribute contains one
                of them (``re.search``) is left out, as Keras matches
                ``variable.name``.

        In ``fit`` the optimizer sees one flat buffer holding every weight; the
        model then tells it which stretch of the buffer is which weight
        (:meth:`set_weight_names`), and a weight is matched by its Keras name
        (``"kernel"``, ``"bias"``, ``"gamma"``...) or by its array.
        """
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._decay_excluded_ids = {id(v) for v in var_list or ()}
        self._decay_excluded_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._decay_masks = {}

    def set_weight_names(self, buffer, parts):
        """Say which weights a flat ``buffer`` holds: ``parts`` is ``[(name, view), ...]``.

        Used only for :meth:`exclude_from_weight_decay`: the buffer then decays
        through a 0/1 mask that is 0 over the excluded weights.
        """
        if not self._excludes_any():
            return
        mask = np.ones(buffer.shape, buffer.dtype)
        start = buffer.__array_interface__["data"][0]
        for name, view in parts:
            if not self._excluded(view, name):
                continue
            offset = (view.__array_interface__["data"][0] - start) // buffer.itemsize
            mask[offset:offset + view.size] = 0
        self._decay_masks[id(buffer)] = mask

    def _excludes_any(self):
        return bool(getattr(self, "_decay_excluded_ids", None)
                    or getattr(self, "_decay_excluded_pattern", None))

    def _excluded(self, variable, name):
        pattern = getattr(self, "_decay_excluded_pattern", None)
        return id(variable) in getattr(self, "_decay_excluded_ids", ()) or (
            pattern is not None and isinstance(name, str) and pattern.search(name) is not None)

    def _use_weight_decay(self, variable):
        """``True``, ``False``, or a 0/1 mask over a flat buffer (:meth:`set_weight_names`)."""
        if not self._excludes_any():
            return True
        mask = self._decay_masks.get(id(variable))
        if mask is not None:
            return mask
        return not self._excluded(variable, getattr(variable, "name", None))

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
