"""Layer normalization: normalize each sample over its features, then scale and shift.

Mirrors ``keras/src/layers/normalization/layer_normalization.py`` (Ba et
al., 2016). Unlike :class:`~scratch_nn.layers.BatchNormalization`, the
statistics are each sample's own, over the normalized axes (the features),
so training and inference compute the same thing and there are no moving
statistics. With ``N`` entries normalized per sample, ``mu`` and the
biased variance ``var`` over them::

    x_hat = (x - mu) / sqrt(var + epsilon)
    y     = gamma * x_hat + beta

Backward, with ``g = gamma * dout`` and sums over the normalized axes of
one sample (those for ``dgamma``, ``dbeta`` over the batch)::

    dgamma = sum_batch(dout * x_hat)
    dbeta  = sum_batch(dout)
    dx     = (N g - sum(g) - x_hat * sum(g * x_hat)) / (N sqrt(var + epsilon))

The same formula as BatchNormalization's backward, along the other axis.
Keras defaults: ``epsilon=1e-3``, ``gamma`` ones, ``beta`` zeros.
"""

import math

import numpy as np

from scratch_nn import initializers
from scratch_nn.layers.base import Layer


class LayerNormalization(Layer):
    """Normalize each sample over ``axis``, then ``gamma * x_hat + beta``.

    Weights (Keras's names and order): ``gamma`` (if ``scale``), ``beta`` (if
    ``center``), of the shape of the normalized axes.

    Args:
        axis: int or list of ints, the axes to normalize over, counted with
            the batch axis as 0 (``-1``: the features).
        epsilon: added to the variance (1e-3).
        center: learn ``beta``; scale: learn ``gamma``.
        beta_initializer, gamma_initializer: Keras's ``"zeros"`` and ``"ones"``.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis!r}")
        if not epsilon > 0:
            raise ValueError(f"LayerNormalization: epsilon must be > 0, received {epsilon!r}")
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)

    def build(self, input_shape):
        ndim = len(input_shape) + 1
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -ndim <= a < ndim for a in axes) or any(a % ndim == 0 for a in axes):
            raise ValueError(f"LayerNormalization {self.name!r}: axis={self.axis} is out of "
                             f"bounds for samples of shape {tuple(input_shape)} (or is the batch axis)")
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a - 1] for a in self._axes)
        # gamma and beta broadcast against a batch: size 1 on the axes not normalized
        self._broadcast_shape = tuple(input_shape[a - 1] if a in self._axes else 1
                                      for a in range(1, ndim))
        if self.scale:
            self.add_weight("gamma", shape, self.gamma_initializer)
        if self.center:
            self.add_weight("beta", shape, self.beta_initializer)
        super().build(input_shape)

    def forward(self, x, training=False):
        mean = x.mean(axis=self._axes, keepdims=True)
        var = x.var(axis=self._axes, keepdims=True)
        self._inv_std = 1 / np.sqrt(var + np.asarray(self.epsilon, x.dtype))
        self._x_hat = (x - mean) * self._inv_std
        y = self._x_hat
        if self.scale:
            y = y * self.params["gamma"].reshape(self._broadcast_shape)
        if self.center:
            y = y + self.params["beta"].reshape(self._broadcast_shape)
        return y

    def backward(self, dout, need_input_grad=True):
        x_hat = self._x_hat
        others = tuple(a for a in range(dout.ndim) if a not in self._axes)
        if self.scale:
            self.grads["gamma"][...] = np.sum(dout * x_hat, axis=others).reshape(
                self.grads["gamma"].shape)
        if self.center:
            self.grads["beta"][...] = np.sum(dout, axis=others).reshape(self.grads["beta"].shape)
        if not need_input_grad:
            return None
        g = dout * self.params["gamma"].reshape(self._broadcast_shape) if self.scale else dout
        n = math.prod(dout.shape[a] for a in self._axes)
        return (n * g - g.sum(axis=self._axes, keepdims=True)
                - x_hat * np.sum(g * x_hat, axis=self._axes, keepdims=True)) * (self._inv_std / n)
