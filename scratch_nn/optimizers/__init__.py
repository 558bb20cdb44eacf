"""Optimizers with Keras's names and defaults.

``SGD``, ``Adam``, ``RMSprop``, ``Nadam``, ``Adagrad``, ``Adadelta``,
``Adamax``, ``AdamW``, ``Lion``, ``Ftrl``: one module each, holding the
update rule.
"""

from scratch_nn.config import resolve
from scratch_nn.optimizers import schedules
from scratch_nn.optimizers.adadelta import Adadelta
from scratch_nn.optimizers.adagrad import Adagrad
from scratch_nn.optimizers.adam import Adam
from scratch_nn.optimizers.adamax import Adamax
from scratch_nn.optimizers.adamw import AdamW
from scratch_nn.optimizers.base import Optimizer
from scratch_nn.optimizers.ftrl import Ftrl
from scratch_nn.optimizers.lion import Lion
from scratch_nn.optimizers.nadam import Nadam
from scratch_nn.optimizers.rmsprop import RMSprop
from scratch_nn.optimizers.sgd import SGD

_REGISTRY = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "nadam": Nadam, "adagrad": Adagrad,
             "adadelta": Adadelta, "adamax": Adamax, "adamw": AdamW, "lion": Lion, "ftrl": Ftrl}


def serialize(optimizer):
    """``{"class_name": ..., "config": get_config()}``, as ``keras.optimizers.serialize``."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The optimizer :func:`serialize` described (``custom_objects``: extra classes by name)."""
    classes = {cls.__name__: cls for cls in _REGISTRY.values()}
    classes.update(custom_objects or {})
    name = config.get("class_name")
    if name not in classes:
        raise ValueError(f"optimizers.deserialize: unknown optimizer class {name!r}; expected "
                         f"one of {sorted(classes)}")
    return classes[name].from_config(config["config"])


def get(identifier):
    """Return an optimizer for a Keras name (``'sgd'``, ``'adam'``, ``'adamw'``..., any case) or an instance."""
    if isinstance(identifier, str):
        identifier = identifier.lower()
    return resolve("optimizer", identifier, _REGISTRY, Optimizer)


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam",
           "Optimizer", "RMSprop", "deserialize", "get", "schedules", "serialize"]
