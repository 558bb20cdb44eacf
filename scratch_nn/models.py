"""``keras.models``: ``Sequential``, ``Model``, ``load_model`` and ``save_model``, under one name.

Each lives in a module of its own, as in ``keras/src/models/``:
:mod:`scratch_nn.sequential` (the stack of layers, on
:mod:`scratch_nn.network` and :mod:`scratch_nn.trainer`),
:mod:`scratch_nn.functional` (``Model(inputs, outputs)``) and
:mod:`scratch_nn.saving`.
"""

from scratch_nn.functional import Model
from scratch_nn.saving import load_model, save_model
from scratch_nn.sequential import Sequential

__all__ = ["Model", "Sequential", "load_model", "save_model"]
