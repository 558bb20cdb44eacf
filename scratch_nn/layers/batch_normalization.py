"""Batch normalization over the batch axis, with Keras's moving statistics.

Mirrors ``keras/src/layers/normalization/batch_normalization.py`` for inputs
``(batch, features)``. Training, with batch mean ``mu`` and biased
(divide-by-N) variance ``var`` over the batch axis::

    x_hat = (x - mu) / sqrt(var + epsilon)
    y     = gamma * x_hat + beta
    moving_mean     = moving_mean * momentum + mu * (1 - momentum)
    moving_variance = moving_variance * momentum + var * (1 - momentum)

Inference uses ``moving_mean`` and ``moving_variance`` instead of ``mu``,
``var`` and updates nothing; so does a frozen layer (``trainable=False``),
even while training (Keras's ``call``: ``if training and self.trainable``). Keras defaults: ``momentum=0.99``,
``epsilon=1e-3``, ``moving_mean`` starts at 0 and ``moving_variance`` at 1.

Backward in training mode, ``N`` the batch size, ``g = gamma * dout``::

    dgamma = sum(dout * x_hat, axis=0)
    dbeta  = sum(dout, axis=0)
    dx     = (N g - sum(g) - x_hat * sum(g * x_hat)) / (N sqrt(var + epsilon))

In inference mode the statistics are constants:
``dx = gamma * dout / sqrt(moving_variance + epsilon)``.
"""

import numpy as np

from scratch_nn import initializers
from scratch_nn.layers.base import Layer, batchless_shape


class BatchNormalization(Layer):
    """Normalize each feature over the batch, then scale by ``gamma`` and shift by ``beta``.

    Args:
        axis: the feature axis; only the last axis of 2-D inputs (``-1`` or ``1``).
        momentum: weight of the old value in the moving averages (0.99).
        epsilon: added to the variance before the square root (1e-3).
        center: learn ``beta``; scale: learn ``gamma``.
    """

    checks_last_axis = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        if axis not in (-1, 1):
            raise ValueError(
                f"BatchNormalization: only the feature axis of (batch, features) inputs "
                f"is supported (axis=-1 or 1), received axis={axis!r}"
            )
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1], received {momentum!r}")
        if not epsilon > 0:
            raise ValueError(f"BatchNormalization: epsilon must be > 0, received {epsilon!r}")
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale

    def build(self, input_shape):
        input_shape = batchless_shape(input_shape, rank=1)
        if len(input_shape) != 1:
            raise ValueError(
                f"BatchNormalization {self.name!r}: expected inputs (batch, features), "
                f"received samples of shape {tuple(input_shape)}"
            )
        shape = (input_shape[0],)
        if self.scale:
            self.add_weight("gamma", shape, initializers.Ones())
        if self.center:
            self.add_weight("beta", shape, initializers.Zeros())
        self.add_weight("moving_mean", shape, initializers.Zeros(), trainable=False)
        self.add_weight("moving_variance", shape, initializers.Ones(), trainable=False)
        super().build(input_shape)

    def _gamma_beta(self, dtype):
        gamma = self.params["gamma"] if self.scale else np.ones((), dtype)
        beta = self.params["beta"] if self.center else np.zeros((), dtype)
        return gamma, beta

    def forward(self, x, training=False):
        gamma, beta = self._gamma_beta(x.dtype)
        # A frozen layer (trainable=False) normalizes with its moving statistics, as in Keras.
        training = training and self.trainable
        self._training = training
        if training:
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            m = np.asarray(self.momentum, x.dtype)
            moving_mean, moving_var = self.state["moving_mean"], self.state["moving_variance"]
            moving_mean[...] = moving_mean * m + mean * (1 - m)
            moving_var[...] = moving_var * m + var * (1 - m)
        else:
            mean, var = self.state["moving_mean"], self.state["moving_variance"]
        self._inv_std = 1 / np.sqrt(var + np.asarray(self.epsilon, x.dtype))
        self._x_hat = (x - mean) * self._inv_std
        return self._x_hat * gamma + beta

    def backward(self, dout, need_input_grad=True):
        gamma, _ = self._gamma_beta(dout.dtype)
        x_hat = self._x_hat
        if self.scale:
            np.sum(dout * x_hat, axis=0, out=self.grads["gamma"])
        if self.center:
            np.sum(dout, axis=0, out=self.grads["beta"])
        if not need_input_grad:
            return None
        g = dout * gamma
        if not self._training:
            return g * self._inv_std
        n = dout.shape[0]
        return (n * g - g.sum(axis=0) - x_hat * np.sum(g * x_hat, axis=0)) * (self._inv_std / n)
