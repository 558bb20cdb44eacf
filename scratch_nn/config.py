"""Global numeric settings: the default float type and the fuzz factor.

Mirrors ``keras/src/backend/config.py`` (``floatx``, ``set_floatx``,
``epsilon``, ``set_epsilon``). Also :func:`resolve`, the one lookup every ``get(identifier)``
uses to turn Keras's string names into objects. Layers read :func:`floatx` when they are built, so call
:func:`set_floatx` before creating a model.
"""

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_VALID_FLOATX = ("float32", "float64")


def floatx():
    """Return the default float type as a string, ``'float32'`` unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type for layers built from now on.

    Args:
        value: ``'float32'`` or ``'float64'`` (a NumPy dtype is accepted too).
    """
    global _FLOATX
    name = np.dtype(value).name if not isinstance(value, str) else value
    if name not in _VALID_FLOATX:
        raise ValueError(
            f"set_floatx: value must be one of {_VALID_FLOATX}, received {value!r}"
        )
    _FLOATX = name


def epsilon():
    """Return the fuzz factor Keras uses to clip probabilities, 1e-7."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor the cross-entropies clip probabilities with (Keras's ``set_epsilon``).

    Args:
        value: a float in ``(0, 0.5)``.
    """
    global _EPSILON
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
            or not 0 < value < 0.5:
        raise ValueError(f"set_epsilon: value must be a float in (0, 0.5), received {value!r}")
    _EPSILON = float(value)


def standardize_dtype(dtype):
    """Return ``dtype`` as a float dtype name, ``floatx()`` when ``None``.

    Args:
        dtype: ``None``, a string or a NumPy dtype; must be float32 or float64.
    """
    if dtype is None:
        return _FLOATX
    name = np.dtype(dtype).name
    if name not in _VALID_FLOATX:
        raise ValueError(
            f"dtype must be one of {_VALID_FLOATX}, received {dtype!r}"
        )
    return name


def resolve(kind, identifier, registry, base):
    """Return ``identifier`` if it is a ``base`` instance, else a new ``registry[identifier]()``.

    Args:
        kind: what is looked up, for the error message (``'loss'``...).
        identifier: an instance or a name.
        registry: name -> class.
        base: the class instances must derive from.
    """
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, str) and identifier in registry:
        return registry[identifier]()
    raise ValueError(
        f"{kind}: unknown {kind} {identifier!r}; expected one of {sorted(registry)} "
        f"or a {base.__name__} instance"
    )
