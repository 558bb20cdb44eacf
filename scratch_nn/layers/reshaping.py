"""Reshape: give each sample a new shape with as many entries; a view, no copy.

Mirrors ``keras/src/layers/reshaping/reshape.py``. The batch axis is kept;
``target_shape`` is one sample's shape and may hold one ``-1``, inferred
from the others::

    y  = x.reshape(batch, *target_shape)
    dx = dout.reshape(x.shape)
"""

import math

from scratch_nn.layers.base import Layer


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1).

    Args:
        target_shape: tuple of ints, the shape of one output sample.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError("Reshape: target_shape must hold positive ints and at most one -1, "
                             f"received target_shape={target_shape}")
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape):
        size, known = math.prod(input_shape), math.prod(d for d in self.target_shape if d != -1)
        if (-1 in self.target_shape and size % known) or (
                -1 not in self.target_shape and size != known):
            raise ValueError(f"Reshape {self.name!r}: cannot reshape samples of shape "
                             f"{tuple(input_shape)} ({size} entries) to {self.target_shape}")
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        super().build(input_shape)

    def forward(self, x, training=False):
        self._input_shape = x.shape
        return x.reshape(x.shape[0], *self.target_shape)

    def backward(self, dout, need_input_grad=True):
        return dout.reshape(self._input_shape) if need_input_grad else None
