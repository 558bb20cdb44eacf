"""Activation functions, forward and backward, on whole batches.

Mirrors ``keras/src/activations/activations.py``. Each activation is a small
class whose ``forward(x)`` caches what ``backward(dout)`` needs (the input or
the output) on the instance; ``get(name)`` returns a fresh instance, so two
layers never share a cache. The plain functions (``relu(x)``...) compute the
forward pass alone, as ``keras.activations.relu`` does.

Shapes: ``x`` and ``dout`` are ``(batch, units)``; every gradient has the
shape of ``x``.
"""

import numpy as np

from scratch_nn.config import resolve


def linear(x):
    """Identity: ``f(x) = x``."""
    return x


def relu(x):
    """Rectified linear unit: ``f(x) = max(x, 0)``."""
    return np.maximum(x, 0)


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


class Activation:
    """Base class: ``forward(x)`` caches, ``backward(dout)`` returns ``dL/dx``."""

    name = None

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __repr__(self):
        return f"<activation {self.name}>"


class Linear(Activation):
    """``f(x) = x``; ``dL/dx = dout``."""

    name = "linear"

    def forward(self, x):
        return x

    def backward(self, dout):
        return dout


class ReLU(Activation):
    """``f(x) = max(x, 0)``; ``dL/dx = dout * [x > 0]``.

    The gradient at exactly 0 is 0, as in TensorFlow's ``ReluGrad``. The mask
    is read from the output (``y > 0`` iff ``x > 0``), so the input need not be
    kept.
    """

    name = "relu"

    def forward(self, x):
        self._y = relu(x)
        return self._y

    def backward(self, dout):
        return dout * (self._y > 0)


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

    The sum runs over the last axis, one per sample (the Jacobian-vector
    product of ``diag(y) - y y^T``). The input is kept as ``logits``: a
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


_REGISTRY = {
    cls.name: cls for cls in (Linear, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, ELU)
}


def get(identifier):
    """Return a fresh activation object for a name, ``None`` (linear) or an instance.

    Args:
        identifier: one of ``linear, relu, sigmoid, tanh, softmax, leaky_relu,
            elu``, ``None``, or an :class:`Activation` instance (returned as is).
    """
    if identifier is None:
        return Linear()
    return resolve("activation", identifier, _REGISTRY, Activation)
