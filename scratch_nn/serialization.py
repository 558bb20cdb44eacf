"""Objects to JSON configs and back: layers, activations, initializers, optimizers, losses.

Plays the part of ``get_config`` / ``from_config`` and
``keras/src/saving/serialization_lib.py`` (``serialize_keras_object``,
``deserialize_keras_object``)::

    {"module": "scratch_nn.layers.core", "class_name": "Dense",
     "config": {"units": 10, "activation": {...nested object...}, ...}}

An object's config is its ``get_config()`` (Keras's hook). The classes of
layers, losses, initializers, regularizers and constraints take theirs from
:class:`Configurable`, which reads it from the constructor: for each
argument of ``type(obj).__init__`` the attribute of the same name is stored,
so ``cls(**config)`` builds an equal object. A constructor that passes
``**kwargs`` on to its parent's adds the parent's arguments (a layer's
``name``, ``dtype`` and ``trainable``, the arguments of
:class:`~scratch_nn.layers.Layer`). An object without ``get_config`` (an
activation) is read the same way.

Loading builds classes of ``scratch_nn`` modules only, and classes the caller
names in ``custom_objects``; nothing else is imported.

This module imports no other module of scratch_nn at import time, so the
lesson's classes can take :class:`Configurable` without an import circle.
"""

import importlib
import inspect

import numpy as np


class Configurable:
    """Mixin: Keras's ``get_config`` / ``from_config``, read from the constructor.

    ``get_config()`` returns ``{argument: getattr(self, argument)}`` for the
    constructor's arguments (following ``**kwargs`` into the parents'
    constructors), less ``_config_ignored``, plus ``_config_extra``;
    ``from_config(config)`` is ``cls(**config)``, as in Keras's
    ``Initializer``, ``Regularizer``, ``Constraint`` and ``Loss``. An
    argument the object does not keep under its own name raises a
    ``ValueError`` naming it, unless a subclass defines ``get_config``
    (Keras's idiom: ``{**super().get_config(), "factor": self._factor}``),
    which then answers for its own arguments.
    """

    #: constructor arguments accepted for Keras and not kept (a layer's ``autocast``)
    _config_ignored = ()
    #: attributes kept beyond the constructor's arguments (a loss's ``reduction``)
    _config_extra = ()

    def get_config(self):
        """The constructor arguments, as a dict ``cls(**config)`` rebuilds this object from."""
        return constructor_config(self, strict=_inherits_get_config(type(self)))

    @classmethod
    def from_config(cls, config):
        """A new object from :meth:`get_config`'s dict."""
        return cls(**config)


def _inherits_get_config(cls):
    """Whether ``cls`` takes :meth:`Configurable.get_config` rather than defining its own."""
    for klass in cls.__mro__:
        if "get_config" in vars(klass):
            return klass is Configurable
    return True


def constructor_arguments(cls):
    """The names of ``cls``'s constructor arguments, following ``**kwargs`` to the parents'."""
    names = []
    for klass in cls.__mro__:
        if klass is object or "__init__" not in vars(klass):
            continue
        params = list(inspect.signature(klass.__init__).parameters.values())[1:]
        names += [p.name for p in params
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in names]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names


def constructor_config(obj, strict=True):
    """``{argument: getattr(obj, argument)}`` (see :class:`Configurable`); ``strict`` names a gap."""
    cls = type(obj)
    ignored = getattr(cls, "_config_ignored", ())
    config = {}
    for name in constructor_arguments(cls) + list(getattr(cls, "_config_extra", ())):
        if name in ignored:
            continue
        if hasattr(obj, name):
            config[name] = getattr(obj, name)
        elif strict:
            raise ValueError(
                f"Cannot save {cls.__name__}: its constructor argument {name!r} is not kept "
                f"as an attribute of the same name; define {cls.__name__}.get_config() "
                "returning the constructor arguments"
            )
    return config


def serialize(obj):
    """Return the JSON-able config of ``obj`` (see the module docstring)."""
    cls = type(obj)
    get_config = getattr(obj, "get_config", None)
    config = get_config() if callable(get_config) else constructor_config(obj)
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
