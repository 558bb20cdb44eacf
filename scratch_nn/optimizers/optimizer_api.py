"""Keras's optimizer API around the lesson's :class:`~scratch_nn.optimizers.base.Optimizer`.

Kept out of the class a learner reads (which inherits it), as Keras keeps
its optimizer subclasses to their ``update_step``; mirrors the matching
parts of ``keras/src/optimizers/base_optimizer.py``:

- the constructor's keyword arguments: the legacy ``decay=`` is ignored
  with a warning, as Keras 3 does; Keras's arguments that scratch_nn does
  not implement are refused when set (the table is in
  :mod:`scratch_nn.unsupported`); any other unknown argument (``lr=``...)
  raises ``ValueError("Argument(s) not recognized: ...")``, Keras's message;
- ``get_config`` / ``from_config``;
- ``exclude_from_weight_decay``, and the 0/1 mask that applies it to a
  model's flat buffer.
"""

import re
import warnings

import numpy as np

from scratch_nn.optimizers import schedules
from scratch_nn.optimizers.schedules import LearningRateSchedule
from scratch_nn.unsupported import (
    KERAS_ONLY_OPTIMIZER_ARGUMENTS,
    WHY_NOT_OPTIMIZER_ARGUMENTS,
)


class OptimizerAPI:
    """Mixin: Keras's constructor arguments, configs and weight-decay exclusions (see above)."""

    #: the constructor arguments ``get_config`` returns beyond name, rate and decay
    _config_keys = ()

    def _check_keras_arguments(self, kwargs):
        """Apply ``BaseOptimizer.__init__``'s rules to the extra keyword arguments."""
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=4)
        for arg, default in KERAS_ONLY_OPTIMIZER_ARGUMENTS.items():
            value = kwargs.pop(arg, default)
            if value != default:
                raise NotImplementedError(
                    f"{type(self).__name__}: `{arg}` is a Keras optimizer argument scratch_nn "
                    f"does not implement{WHY_NOT_OPTIMIZER_ARGUMENTS.get(arg, '')}; received "
                    f"{arg}={value!r} (leave it at {default!r})"
                )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")

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

    def needs_weight_names(self, buffer):
        """Whether :meth:`set_weight_names` has not yet made a decay mask for ``buffer``."""
        return id(buffer) not in getattr(self, "_decay_masks", {})

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
