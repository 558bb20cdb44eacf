"""``keras.backend``: the global settings Keras code reads and resets.

Mirrors the names ``keras/api/backend/__init__.py`` exports in Keras 3
(from ``keras/src/backend/config.py`` and
``keras/src/backend/common/global_state.py``):

- ``floatx()`` / ``set_floatx(value)``: the default float type
  (``'float32'``; ``'float64'`` accepted too). Layers read it when built.
- ``epsilon()`` / ``set_epsilon(value)``: the fuzz factor (1e-7) the
  cross-entropies clip probabilities to ``[eps, 1 - eps]`` with.
- ``image_data_format()`` / ``set_image_data_format(value)``:
  ``'channels_last'``, stored for code that reads it (scratch_nn has no
  convolutions).
- ``backend()``: ``'numpy'``.
- ``standardize_dtype(dtype)``: a float dtype's name.
- ``clear_session(free_memory=True)``: forget the layer-name counters, so
  the next ``Dense`` is named ``dense`` again, and collect garbage, as
  Keras's does. The random generator is left as it is: Keras's
  ``clear_session`` drops its global seed generator and the next one is
  drawn from Python's ``random`` stream, which ``set_random_seed`` seeded,
  so a seeded run stays reproducible across the call in both libraries.

Not provided: ``is_keras_tensor``, ``get_uid``, ``result_type``,
``is_float_dtype``/``is_int_dtype`` and the Keras 2 tensor functions
(``keras.backend.std``, ``mean``...; use :mod:`scratch_nn.ops`).
"""

import gc

from scratch_nn import naming
from scratch_nn.config import (
    epsilon,
    floatx,
    set_epsilon,
    set_floatx,
    standardize_dtype,
)

_IMAGE_DATA_FORMAT = {"value": "channels_last"}

__all__ = ["backend", "clear_session", "epsilon", "floatx", "image_data_format",
           "set_epsilon", "set_floatx", "set_image_data_format", "standardize_dtype"]


def backend():
    """The name of the array library underneath: ``'numpy'``."""
    return "numpy"


def image_data_format():
    """``'channels_last'`` unless set otherwise."""
    return _IMAGE_DATA_FORMAT["value"]


def set_image_data_format(data_format):
    """Set the value :func:`image_data_format` returns: ``'channels_last'`` or ``'channels_first'``."""
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT["value"] = value


def clear_session(free_memory=True):
    """Reset the layer-name counters (and run the garbage collector when ``free_memory``)."""
    naming._name_counts.clear()  # the counters unique_name() draws layer names from
    if free_memory:
        gc.collect()
