"""Optimizers with Keras's names and defaults: ``SGD``, ``Adam``, ``RMSprop``, ``Nadam``."""

from scratch_nn.config import resolve
from scratch_nn.optimizers import schedules
from scratch_nn.optimizers.adam import Adam
from scratch_nn.optimizers.base import Optimizer
from scratch_nn.optimizers.nadam import Nadam
from scratch_nn.optimizers.rmsprop import RMSprop
from scratch_nn.optimizers.sgd import SGD

_REGISTRY = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "nadam": Nadam}


def get(identifier):
    """Return an optimizer for ``'sgd'``, ``'adam'``, ``'rmsprop'``, ``'nadam'`` (any case) or an instance."""
    if isinstance(identifier, str):
        identifier = identifier.lower()
    return resolve("optimizer", identifier, _REGISTRY, Optimizer)


__all__ = ["SGD", "Adam", "Nadam", "Optimizer", "RMSprop", "get", "schedules"]
