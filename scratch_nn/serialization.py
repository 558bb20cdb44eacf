"""Objects to JSON configs and back: layers, activations, initializers, optimizers, losses.

Plays the part of ``get_config`` / ``from_config`` and
``keras/src/saving/serialization_lib.py`` (``serialize_keras_object``,
``deserialize_keras_object``). An object's config is read from its
constructor: for each argument of ``type(obj).__init__`` the attribute of the
same name is stored, so ``cls(**config)`` builds an equal object::

    {"module": "scratch_nn.layers.core", "class_name": "Dense",
     "config": {"units": 10, "activation": {...nested object...}, ...}}

A class may define ``get_config()`` instead (Keras's hook); it wins when
present. Layers also store ``name``, ``dtype`` and ``trainable`` (the
arguments of :class:`~scratch_nn.layers.Layer` they pass on through
``**kwargs``).

Loading builds classes of ``scratch_nn`` modules only, and classes the caller
names in ``custom_objects``; nothing else is imported.
"""

import importlib
import inspect

import numpy as np

from scratch_nn.layers.base import Layer

_LAYER_BASE_ARGS = ("name", "dtype", "trainable")


def serialize(obj):
    """Return the JSON-able config of ``obj`` (see the module docstring)."""
    cls = type(obj)
    get_config = getattr(obj, "get_config", None)
    if callable(get_config):
        config = get_config()
    else:
        config = {}
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if isinstance(obj, Layer):
            names += [n for n in _LAYER_BASE_ARGS if n not in names]
        for name in names:
            if not hasattr(obj, name):
                raise ValueError(
                    f"Cannot save {cls.__name__}: its constructor argument {name!r} is not kept "
                    f"as an attribute of the same name; define {cls.__name__}.get_config() "
                    "returning the constructor arguments"
                )
            config[name] = getattr(obj, name)
    return {"module": cls.__module__, "class_name": cls.__name__,
            "config": {k: _to_json(v, f"{cls.__name__}.{k}") for k, v in config.items()}}


def _to_json(value, where):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_to_json(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v, where) for k, v in value.items()}
    if type(value).__module__.startswith("scratch_nn.") or hasattr(value, "get_config"):
        return {"__object__": serialize(value)}
    raise ValueError(
        f"Cannot save {where}: a {type(value).__name__} ({value!r}) has no JSON form; "
        "expected numbers, strings, lists or scratch_nn objects"
    )


def deserialize(config, custom_objects=None):
    """Build the object a :func:`serialize` config describes."""
    cls = _find_class(config["module"], config["class_name"], custom_objects)
    kwargs = {k: _from_json(v, custom_objects) for k, v in config["config"].items()}
    from_config = getattr(cls, "from_config", None)
    return from_config(kwargs) if callable(from_config) else cls(**kwargs)


def _from_json(value, custom_objects):
    if isinstance(value, dict):
        if set(value) == {"__object__"}:
            return deserialize(value["__object__"], custom_objects)
        return {k: _from_json(v, custom_objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v, custom_objects) for v in value]
    return value


def _find_class(module, class_name, custom_objects):
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    if module == "scratch_nn" or module.startswith("scratch_nn."):
        found = getattr(importlib.import_module(module), class_name, None)
        if isinstance(found, type):
            return found
    raise ValueError(
        f"Cannot load class {class_name!r} (from module {module!r}): pass "
        f"custom_objects={{{class_name!r}: {class_name}}} to load_model"
    )
