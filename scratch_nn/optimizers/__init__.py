"""Optimizers with Keras's names and defaults: ``SGD``, ``Adam``, ``RMSprop``."""

from scratch_nn.optimizers import schedules
from scratch_nn.optimizers.adam import Adam
from scratch_nn.optimizers.base import Optimizer
from scratch_nn.optimizers.rmsprop import RMSprop
from scratch_nn.optimizers.sgd import SGD

_REGISTRY = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(identifier):
    """Return an optimizer for ``'sgd'``, ``'adam'``, ``'rmsprop'`` (any case) or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _REGISTRY:
        return _REGISTRY[identifier.lower()]()
    raise ValueError(
        f"optimizer: unknown optimizer {identifier!r}; expected one of {sorted(_REGISTRY)} "
        "or an Optimizer instance"
    )


__all__ = ["SGD", "Adam", "Optimizer", "RMSprop", "get", "schedules"]
