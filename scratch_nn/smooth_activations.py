"""The smooth activations: SELU, GELU, SiLU (swish), softplus, softsign, mish, exponential.

Mirrors ``keras/src/activations/activations.py`` and its TensorFlow kernels
(``keras/src/backend/tensorflow/nn.py``: ``tf.nn.selu``, ``tf.nn.gelu``,
``tf.nn.silu``, ``tf.math.softplus``, ``tf.nn.softsign``). Each function
computes the forward pass alone, as ``keras.activations.selu`` does; each
class caches what its ``backward(dout)`` needs, as the classes of
:mod:`scratch_nn.activations`. ``sigma`` is the logistic sigmoid.

Shapes: ``x`` and ``dout`` any shape; every gradient has the shape of ``x``.
"""

import math

import numpy as np

from scratch_nn.activation_base import Activation

#: SELU's constants (Klambauer et al., 2017), to the digits TensorFlow's kernel uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = 0.7071067811865476
_SQRT_2_OVER_PI = 0.7978845608028654
_GELU_COEFF = 0.044715
# NumPy has no erfc: the standard library's, element by element (float64, then cast back).
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _sigmoid(x):
    """``1 / (1 + exp(-x))`` without overflow (``exp`` only of ``-|x|``)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def selu(x):
    """Scaled ELU: ``f(x) = scale x`` if ``x > 0`` else ``scale alpha (exp(x) - 1)``.

    ``exp(x) - 1`` as TensorFlow's kernel writes it (not ``expm1``), so
    that the sign of a tiny negative output, which picks the gradient's
    branch, is TensorFlow's.
    """
    x = np.asarray(x)
    negative = (SELU_SCALE * SELU_ALPHA) * (np.exp(np.minimum(x, 0)) - 1)
    return np.where(x < 0, negative, SELU_SCALE * x)


def gelu(x, approximate=False):
    """Gaussian error linear unit: ``f(x) = x Phi(x)``, ``Phi`` the standard normal CDF.

    Exact (Keras's default): ``f(x) = 0.5 x erfc(-x / sqrt(2))``.
    ``approximate=True``: ``f(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3)))``.
    """
    x = np.asarray(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_COEFF * x**3)))
    return 0.5 * x * _erfc(-x * _SQRT_HALF).astype(x.dtype)


def silu(x):
    """SiLU, also called swish: ``f(x) = x sigma(x)``."""
    x = np.asarray(x)
    return x * _sigmoid(x)


swish = silu


def softplus(x):
    """``f(x) = log(1 + exp(x))``, computed as ``logaddexp(0, x)`` (no overflow)."""
    return np.logaddexp(0, np.asarray(x))


def softsign(x):
    """``f(x) = x / (1 + |x|)``."""
    x = np.asarray(x)
    return x / (1 + np.abs(x))


def mish(x):
    """``f(x) = x tanh(softplus(x))``."""
    x = np.asarray(x)
    return x * np.tanh(softplus(x))


def exponential(x):
    """``f(x) = exp(x)``."""
    return np.exp(np.asarray(x))


class SELU(Activation):
    """``y = selu(x)``; ``dL/dx = dout * (y + scale alpha)`` where ``y < 0``, else ``dout * scale``.

    ``y + scale alpha = scale alpha exp(x)``, the slope of the negative
    branch. The branch is read from the output, as TensorFlow's ``SeluGrad``
    does: at ``x = 0`` the slope is ``scale``.
    """

    name = "selu"

    def forward(self, x):
        self._y = selu(x)
        return self._y

    def backward(self, dout):
        y = self._y
        return np.where(y < 0, dout * (y + SELU_SCALE * SELU_ALPHA), dout * SELU_SCALE)


class GELU(Activation):
    """``y = gelu(x)``; its derivative:

    exact:  ``dy/dx = Phi(x) + x phi(x)``, ``phi(x) = exp(-x**2 / 2) / sqrt(2 pi)``;
    approximate, with ``t = tanh(sqrt(2/pi) (x + 0.044715 x**3))``:
            ``dy/dx = 0.5 (1 + t) + 0.5 x (1 - t**2) sqrt(2/pi) (1 + 3 * 0.044715 x**2)``.

    Args:
        approximate: the tanh form instead of the exact one (Keras default False).
    """

    name = "gelu"

    def __init__(self, approximate=False):
        self.approximate = approximate

    def forward(self, x):
        self._x = x
        return gelu(x, self.approximate)

    def backward(self, dout):
        x = self._x
        if self.approximate:
            t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_COEFF * x**3))
            slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (
                1 + 3 * _GELU_COEFF * x * x)
        else:
            cdf = 0.5 * _erfc(-x * _SQRT_HALF).astype(x.dtype)
            slope = cdf + x * np.exp(-0.5 * x * x) * (_SQRT_HALF / math.sqrt(math.pi))
        return dout * slope


class SiLU(Activation):
    """``y = x s``, ``s = sigma(x)``; ``dL/dx = dout * s (1 + x (1 - s))`` (TensorFlow's form)."""

    name = "silu"

    def forward(self, x):
        self._x, self._s = x, _sigmoid(x)
        return x * self._s

    def backward(self, dout):
        s = self._s
        return dout * s * (1 + self._x * (1 - s))


class Softplus(Activation):
    """``y = log(1 + exp(x))``; ``dL/dx = dout * sigma(x)``."""

    name = "softplus"

    def forward(self, x):
        self._x = x
        return softplus(x)

    def backward(self, dout):
        return dout * _sigmoid(self._x)


class Softsign(Activation):
    """``y = x / (1 + |x|)``; ``dL/dx = dout / (1 + |x|)**2``."""

    name = "softsign"

    def forward(self, x):
        self._denominator = 1 + np.abs(x)
        return x / self._denominator

    def backward(self, dout):
        return dout / self._denominator / self._denominator  # no overflow of the square


class Mish(Activation):
    """``y = x t``, ``t = tanh(softplus(x))``; ``dL/dx = dout * (t + x (1 - t**2) sigma(x))``."""

    name = "mish"

    def forward(self, x):
        self._x, self._t = x, np.tanh(softplus(x))
        return x * self._t

    def backward(self, dout):
        t = self._t
        return dout * (t + self._x * (1 - t * t) * _sigmoid(self._x))


class Exponential(Activation):
    """``y = exp(x)``; ``dL/dx = dout * y``."""

    name = "exponential"

    def forward(self, x):
        self._y = np.exp(x)
        return self._y

    def backward(self, dout):
        return dout * self._y
