"""GaussianNoise, GaussianDropout and AlphaDropout: random regularizers active only in training.

Mirror ``keras/src/layers/regularization/gaussian_noise.py``,
``gaussian_dropout.py`` and ``alpha_dropout.py``. Like
:class:`~scratch_nn.layers.Dropout`, each is the identity at inference
(``training=False``, no rescaling), and in training draws fresh noise on
every call from its own generator (``seed``, or the global one).

GaussianNoise, ``n ~ N(0, stddev**2)`` elementwise::

    y = x + n,    dx = dout

GaussianDropout, ``e ~ N(1, rate / (1 - rate))`` elementwise (multiplicative
noise with the mean and variance of inverted dropout's ``mask / (1 - rate)``)::

    y = x * e,    dx = dout * e

AlphaDropout keeps SELU's self-normalizing property: a dropped unit is set
to SELU's negative saturation ``alpha' = -scale * alpha`` (not 0), then an
affine map ``a y + b`` restores the mean and variance. With
``keep ~ Bernoulli(1 - rate)``::

    a = ((1 - rate) * (1 + rate * alpha'**2)) ** -0.5
    b = -a * alpha' * rate
    y = a * (x * keep + alpha' * (1 - keep)) + b,    dx = dout * a * keep
"""

import math

import numpy as np

from scratch_nn import random as _random
from scratch_nn.layers.base import Layer

#: SELU's constants (keras/src/layers/regularization/alpha_dropout.py).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _check_fraction(layer, arg, value, top_open=False):
    """Keras's check of a rate or standard deviation (``0 <= value <= 1``), with its message."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
            or not 0 <= value <= 1 or (top_open and value == 1):
        expected = "between 0 and 1" + (" (1 excluded)" if top_open else "")
        raise ValueError(f"{layer}: invalid value received for argument `{arg}`. Expected a "
                         f"float value {expected}. Received: {arg}={value!r}")
    return float(value)


class GaussianNoise(Layer):
    """Add zero-mean Gaussian noise of standard deviation ``stddev`` in training.

    Args:
        stddev: float in ``[0, 1]``, as Keras allows.
        seed: optional int for the noise.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _check_fraction("GaussianNoise", "stddev", stddev)
        self.seed = seed
        self._generator = _random.make_generator(seed)

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x
        return x + self._generator.normal(0.0, self.stddev, x.shape).astype(x.dtype)

    def backward(self, dout, need_input_grad=True):
        return dout if need_input_grad else None


class GaussianDropout(Layer):
    """Multiply by Gaussian noise of mean 1 and variance ``rate / (1 - rate)`` in training.

    Args:
        rate: float in ``[0, 1)``, the drop probability of the dropout it
            imitates (Keras accepts 1 and then divides by zero; refused here).
        seed: optional int for the noise.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_fraction("GaussianDropout", "rate", rate, top_open=True)
        self.seed = seed
        self._generator = _random.make_generator(seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._noise = None
            return x
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        self._noise = self._generator.normal(1.0, stddev, x.shape).astype(x.dtype)
        return x * self._noise

    def backward(self, dout, need_input_grad=True):
        if not need_input_grad:
            return None
        return dout if self._noise is None else dout * self._noise


class AlphaDropout(Layer):
    """Dropout for SELU networks: dropped units go to SELU's saturation, then an affine fix-up.

    Args:
        rate: float in ``[0, 1)``, the fraction of units to drop (Keras
            accepts 1; every unit is then dropped and ``a`` is infinite).
        noise_shape: ``None``, or the mask's shape with the batch axis,
            ``None`` entries taking the input's size (a 1 shares the mask
            along that axis).
        seed: optional int for the mask.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_fraction("AlphaDropout", "rate", rate, top_open=True)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator = _random.make_generator(seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._scaled_keep = None
            return x
        shape = x.shape if self.noise_shape is None else tuple(
            n if s is None else s for n, s in zip(x.shape, self.noise_shape))
        keep = self._generator.random(shape) >= self.rate
        alpha_p = -SELU_ALPHA * SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        dtype = x.dtype.type
        self._scaled_keep = keep * dtype(a)
        return x * self._scaled_keep + dtype(a * alpha_p) * ~keep + dtype(b)

    def backward(self, dout, need_input_grad=True):
        if not need_input_grad:
            return None
        return dout if self._scaled_keep is None else dout * self._scaled_keep
