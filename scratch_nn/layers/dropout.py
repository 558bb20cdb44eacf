"""Inverted dropout: zero a random fraction ``rate`` of the inputs while training.

Mirrors ``keras/src/layers/regularization/dropout.py`` (the mask comes from
``keras.random.dropout``). ``rate`` is the probability of dropping a unit.
Training, with ``mask_ij ~ Bernoulli(1 - rate)``::

    y  = x * mask / (1 - rate)
    dx = dout * mask / (1 - rate)

The surviving units are scaled up by ``1 / (1 - rate)`` so the expected
output equals the input, and inference (``training=False``) is the identity
with no rescaling.
"""

import numpy as np

from scratch_nn import random as _random
from scratch_nn.layers.base import Layer


class Dropout(Layer):
    """Randomly zero inputs with probability ``rate`` during training.

    Args:
        rate: float in ``[0, 1)``, the fraction of units to drop.
        seed: optional int; without it the mask draws from the global generator.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) \
                or not 0 <= rate < 1:
            raise ValueError(  # Keras's message; scratch_nn also refuses rate=1 (1/(1-rate))
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate} (Dropout in scratch_nn needs rate < 1)")
        self.rate = float(rate)
        self.seed = seed
        self._generator = _random.make_generator(seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._scaled_mask = None
            return x
        keep = self._generator.random(x.shape, dtype=x.dtype) >= self.rate
        self._scaled_mask = keep * np.asarray(1 / (1 - self.rate), dtype=x.dtype)
        return x * self._scaled_mask

    def backward(self, dout, need_input_grad=True):
        if not need_input_grad:
            return None
        return dout if self._scaled_mask is None else dout * self._scaled_mask
