"""Activation functions, forward and backward, on whole batches.

Mirrors ``keras/src/activations/activations.py``. Each activation is a small
class whose ``forward(x)`` caches what ``backward(dout)`` needs (the input or
the output) on the instance; ``get(name)`` returns a fresh instance, so two
layers never share a cache. The plain functions (``relu(x)``...) compute the
forward pass alone, as ``keras.activations.relu`` does. This module holds the
original five, the piecewise-linear family (ReLU with Keras 3's arguments,
ReLU6, hard sigmoid, leaky ReLU) and ELU; the smooth ones (SELU, GELU, SiLU,
softplus, softsign, mish, exponential) are in
:mod:`scratch_nn.smooth_activations`, and :func:`get` finds them all.

Shapes: ``x`` and ``dout`` are ``(batch, units)``; every gradient has the
shape of ``x``.
"""

import numpy as np

from scratch_nn.activation_base import Activation
from scratch_nn.config import resolve

# The smooth activations, classes and Keras's function forms (keras.activations.selu(x)...),
# re-exported so that scratch_nn.activations is the one public path.
from scratch_nn.smooth_activations import (  # noqa: F401
    GELU,
    SELU,
    Exponential,
    Mish,
    SiLU,
    Softplus,
    Softsign,
    exponential,
    gelu,
    mish,
    selu,
    silu,
    softplus,
    softsign,
    swish,
)


def linear(x):
    """Identity: ``f(x) = x``."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras 3's arguments (see :class:`ReLU`); ``max(x, 0)`` by default."""
    if negative_slope == 0 and max_value is None and threshold == 0:
        return np.maximum(x, 0)
    return ReLU(negative_slope, max_value, threshold).forward(np.asarray(x))


def relu6(x):
    """``f(x) = min(max(x, 0), 6)``."""
    return np.clip(x, 0, 6)


def hard_sigmoid(x):
    """Keras 3's hard sigmoid: ``f(x) = relu6(x + 3) / 6``: 0 below -3, 1 above 3, ``x/6 + 1/2`` between."""
    x = np.asarray(x)
    return relu6(x + 3) / 6


def sigmoid(x):
    """Logistic sigmoid: ``f(x) = 1 / (1 + exp(-x))``, computed without overflow."""
    # exp(-|x|) never overflows; both branches give the same value.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    """Hyperbolic tangent: ``f(x) = tanh(x)``."""
    return np.tanh(x)


def softmax(x, axis=-1):
    """Softmax: ``f(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))``.

    Subtracting the row maximum changes nothing mathematically and keeps
    ``exp`` from overflowing on large logits.
    """
    x = np.asarray(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: ``f(x) = x if x > 0 else negative_slope * x`` (Keras default slope 0.2)."""
    return np.where(x > 0, x, x * np.asarray(negative_slope, x.dtype))


def elu(x, alpha=1.0):
    """Exponential linear unit: ``f(x) = x if x > 0 else alpha * (exp(x) - 1)``."""
    return np.where(x > 0, x, np.asarray(alpha, x.dtype) * np.expm1(np.minimum(x, 0)))


class Linear(Activation):
    """``f(x) = x``; ``dL/dx = dout``."""

    name = "linear"

    def forward(self, x):
        return x

    def backward(self, dout):
        return dout


class ReLU(Activation):
    """``f(x) = max(x, 0)``; ``dL/dx = dout * [x > 0]``, with Keras 3's three arguments.

    The gradient at exactly 0 is 0, as in TensorFlow's ``ReluGrad``. By
    default the mask is read from the output (``y > 0`` iff ``x > 0``), so
    the input need not be kept.

    With arguments, ``keras.activations.relu`` computes (``ReLU.static_call``
    in ``keras/src/activations/activations.py``), ``t`` the threshold,
    ``s`` the negative slope, ``m`` the max value::

        pos = x if x > t else 0      (t != 0)
            = relu6(x)               (t == 0 and m == 6)
            = max(x, 0)              (otherwise)
        pos = clip(pos, 0, m)        (m given, unless relu6 was used)
        y   = pos - s * max(t - x, 0)

    and ``s`` alone (``m`` None, ``t`` 0) is the leaky ReLU. The gradient
    follows each step: ``[x > t]``, ``[0 < x < 6]`` or ``[x > 0]``; the clip
    passes it where ``0 <= pos <= m`` (``tf.clip_by_value``); the slope adds
    ``s [t - x > 0]``.

    Args:
        negative_slope: ``s``, the slope below the threshold (0: none).
        max_value: ``m``, the largest output, or None.
        threshold: ``t``, below which the output is damped or zero.
    """

    name = "relu"

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0):
        self.negative_slope, self.max_value, self.threshold = negative_slope, max_value, threshold

    def forward(self, x):
        s, m, t = self.negative_slope, self.max_value, self.threshold
        if s == 0 and m is None and t == 0:
            self._y = np.maximum(x, 0)
            return self._y
        if s != 0 and m is None and t == 0:
            self._positive = x > 0
            return np.where(self._positive, x, x * np.asarray(s, x.dtype))
        if t != 0:
            self._mask = x > t
            pos = np.where(self._mask, x, 0).astype(x.dtype, copy=False)
        elif m == 6:
            self._mask = (x > 0) & (x < 6)
            pos = np.clip(x, 0, 6)
        else:
            self._mask = x > 0
            pos = np.maximum(x, 0)
        if m is not None and not (t == 0 and m == 6):
            self._mask = self._mask & (pos >= 0) & (pos <= m)
            pos = np.clip(pos, 0, np.asarray(m, x.dtype))
        if s != 0:
            below = -x + np.asarray(t, x.dtype)
            self._below = below > 0
            pos = pos - np.asarray(s, x.dtype) * np.maximum(below, 0)
        return pos

    def backward(self, dout):
        s, m, t = self.negative_slope, self.max_value, self.threshold
        if s == 0 and m is None and t == 0:
            return dout * (self._y > 0)
        if s != 0 and m is None and t == 0:
            return np.where(self._positive, dout, dout * np.asarray(s, dout.dtype))
        grad = dout * self._mask
        if s != 0:
            grad = grad + dout * (np.asarray(s, dout.dtype) * self._below)
        return grad


class ReLU6(Activation):
    """``y = min(max(x, 0), 6)``; ``dL/dx = dout * [0 < y < 6]`` (TensorFlow's ``Relu6Grad``)."""

    name = "relu6"

    def forward(self, x):
        self._y = relu6(x)
        return self._y

    def backward(self, dout):
        return dout * ((self._y > 0) & (self._y < 6))


class HardSigmoid(Activation):
    """``y = relu6(x + 3) / 6``; ``dL/dx = dout / 6`` where ``0 < x + 3 < 6``, else 0."""

    name = "hard_sigmoid"

    def forward(self, x):
        shifted = x + 3
        self._inside = (shifted > 0) & (shifted < 6)
        return relu6(shifted) / 6

    def backward(self, dout):
        return dout * self._inside / 6


class Sigmoid(Activation):
    """``y = 1 / (1 + exp(-x))``; ``dL/dx = dout * y * (1 - y)``."""

    name = "sigmoid"

    def forward(self, x):
        self._y = sigmoid(x)
        return self._y

    def backward(self, dout):
        return dout * self._y * (1 - self._y)


class Tanh(Activation):
    """``y = tanh(x)``; ``dL/dx = dout * (1 - y**2)``."""

    name = "tanh"

    def forward(self, x):
        self._y = np.tanh(x)
        return self._y

    def backward(self, dout):
        return dout * (1 - self._y * self._y)


class Softmax(Activation):
    """``y = softmax(x)`` over the last axis; ``dL/dx = y * (dout - sum(dout * y))``.

    The sum runs over the last axis, one per sample: the vector-Jacobian
    product ``dout^T J`` with ``J = diag(y) - y y^T`` (symmetric, so it is also
    ``J dout``), computed without forming ``J``. The input is kept as ``logits``: a
    cross-entropy loss on this output uses them instead of the probabilities,
    as Keras does through ``_keras_logits``
    (``keras/src/backend/tensorflow/nn.py``).
    """

    name = "softmax"

    def forward(self, x):
        self.logits = x
        self._y = softmax(x)
        return self._y

    def backward(self, dout):
        y = self._y
        return y * (dout - np.sum(dout * y, axis=-1, keepdims=True))


class LeakyReLU(Activation):
    """``y = x if x > 0 else a x`` (a = 0.2); ``dL/dx = dout * (1 if x > 0 else a)``."""

    name = "leaky_relu"

    def __init__(self, negative_slope=0.2):
        self.negative_slope = negative_slope

    def forward(self, x):
        self._positive = x > 0
        return leaky_relu(x, self.negative_slope)

    def backward(self, dout):
        slope = np.asarray(self.negative_slope, dout.dtype)
        return np.where(self._positive, dout, dout * slope)


class ELU(Activation):
    """``y = x if x > 0 else alpha (e^x - 1)``; ``dL/dx = dout * (1 if x > 0 else y + alpha)``."""

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, x):
        self._y = elu(x, self.alpha)
        self._positive = x > 0
        return self._y

    def backward(self, dout):
        alpha = np.asarray(self.alpha, dout.dtype)
        return np.where(self._positive, dout, dout * (self._y + alpha))


_CLASSES = (Linear, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, ELU, ReLU6, HardSigmoid, SELU, GELU,
            SiLU, Softplus, Softsign, Mish, Exponential)

#: Keras's names (``keras/src/activations/__init__.py``), ``swish`` its alias of ``silu``.
_REGISTRY = {**{cls.name: cls for cls in _CLASSES}, "swish": SiLU}


def get(identifier):
    """Return a fresh activation object for a name, ``None`` (linear) or an instance.

    Args:
        identifier: a Keras activation name (``linear, relu, sigmoid, tanh,
            softmax, leaky_relu, elu, relu6, hard_sigmoid, selu, gelu, silu,
            swish, softplus, softsign, mish, exponential``), ``None``, or an
            :class:`Activation` instance (returned as is). A name gives the
            activation with Keras's defaults (``gelu``: the exact form).
    """
    if identifier is None:
        return Linear()
    return resolve("activation", identifier, _REGISTRY, Activation)
