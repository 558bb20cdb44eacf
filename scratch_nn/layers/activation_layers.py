"""ReLU, LeakyReLU, PReLU and ELU as layers, as Keras writes them after a linear Dense.

Mirrors ``keras/src/layers/activations/relu.py``, ``leaky_relu.py``,
``prelu.py`` and ``elu.py``. ``LeakyReLU`` and ``ELU`` are
:class:`~scratch_nn.layers.Activation` layers holding the activation of
:mod:`scratch_nn.activations` with the layer's argument; note the layers'
Keras defaults differ from the functions': ``LeakyReLU`` layer slope 0.3
(the function's 0.2). ``PReLU`` learns its negative slope ``alpha``, one per
input unit (shared along ``shared_axes``)::

    y       = relu(x) - alpha * relu(-x)             # x if x > 0 else alpha * x
    dx      = dout * (1 if x > 0 else alpha)         # 0 at x == 0, as TensorFlow's ReluGrad
    dalpha  = sum over the batch (and shared axes) of dout * min(x, 0)

``ReLU`` with its three arguments is Keras's ``activations.relu``::

    y  = max_value                    if x >= max_value
         x                            if threshold < x < max_value
         negative_slope * (x - threshold)   otherwise
    dx = dout * (1 inside, negative_slope below threshold, 0 above max_value)

At the kinks the gradient is TensorFlow's at ``x == threshold``: 0 (and
at 0 for the plain ReLU; ``negative_slope`` at 0 for a leaky one with no
ceiling or threshold). At ``x == max_value`` it is 0 here, where
TensorFlow's clip passes the gradient (except for ``max_value=6``, its
``relu6``): a kink that random inputs never hit.
"""

import numpy as np

from scratch_nn import activations, initializers
from scratch_nn.layers.base import Layer
from scratch_nn.layers.core import Activation


class ReLU(Activation):
    """Rectified linear unit as a layer, with Keras's optional ceiling, slope and threshold.

    Args:
        max_value: ``None`` or a float >= 0, the largest output.
        negative_slope: float >= 0, the slope below the threshold (0).
        threshold: float >= 0; inputs at or below it are "negative" (0).
    """

    #: the activation is made from the layer's own arguments, never given
    _config_ignored = Activation._config_ignored + ("activation",)

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        # keras/src/layers/activations/relu.py's checks and messages
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be None or a negative "
                             f"value. Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError("threshold of a ReLU layer cannot be None or a negative value. "
                             f"Received: threshold={threshold}")
        if max_value is None and threshold == 0:
            # The two activations scratch_nn.activations already has.
            activation = activations.LeakyReLU(negative_slope) if negative_slope \
                else activations.ReLU()
        else:
            activation = _ClippedReLU(max_value, negative_slope, threshold)
        super().__init__(activation, **kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold


class _ClippedReLU(activations.Activation):
    """The ReLU of the module docstring with a ``max_value`` or a ``threshold``."""

    name = "relu"

    def __init__(self, max_value, negative_slope, threshold):
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def forward(self, x):
        dtype = x.dtype.type
        threshold, top = dtype(self.threshold), np.inf if self.max_value is None else self.max_value
        self._inside = (x > threshold) & (x < dtype(top))
        self._below = x < threshold
        y = np.where(x > threshold, np.minimum(x, dtype(top)), dtype(0))
        if self.negative_slope:
            y = y + np.where(self._below, dtype(self.negative_slope) * (x - threshold), dtype(0))
        return y

    def backward(self, dout):
        slope = dout.dtype.type(self.negative_slope)
        return np.where(self._inside, dout, np.where(self._below, dout * slope, 0 * dout))


class LeakyReLU(Activation):
    """``y = x if x > 0 else negative_slope * x``, as a layer (Keras default slope 0.3).

    Args:
        negative_slope: float >= 0.
    """

    #: the activation is made from the layer's own arguments, never given
    _config_ignored = Activation._config_ignored + ("activation",)

    def __init__(self, negative_slope=0.3, **kwargs):
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}")
        super().__init__(activations.LeakyReLU(negative_slope), **kwargs)
        self.negative_slope = negative_slope


class ELU(Activation):
    """``y = x if x > 0 else alpha * (exp(x) - 1)``, as a layer (Keras default alpha 1.0).

    Args:
        alpha: the negative saturation value is ``-alpha``.
    """

    #: the activation is made from the layer's own arguments, never given
    _config_ignored = Activation._config_ignored + ("activation",)

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(activations.ELU(alpha), **kwargs)
        self.alpha = alpha


class PReLU(Layer):
    """Leaky ReLU whose negative slope ``alpha`` is learned (He et al., 2015).

    Weights (Keras's name): ``alpha``, the shape of one input sample, with a
    1 on each of ``shared_axes`` (axes counted with the batch axis as 0, as
    Keras counts them).

    Args:
        alpha_initializer: initializer of ``alpha`` (Keras: ``"Zeros"``, so a
            fresh PReLU is a ReLU).
        shared_axes: ``None``, an int or a list of ints: axes along which
            one slope is shared.
    """

    def __init__(self, alpha_initializer="zeros", shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(alpha_initializer, str):  # Keras's default is spelled "Zeros"
            alpha_initializer = alpha_initializer.lower()
        self.alpha_initializer = initializers.get(alpha_initializer)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape)
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise ValueError(f"PReLU {self.name!r}: shared_axes holds {axis}, expected axes "
                                 f"1 to {len(shape)} of inputs (batch, *{tuple(input_shape)})")
            shape[axis - 1] = 1
        self.add_weight("alpha", tuple(shape), self.alpha_initializer)
        super().build(input_shape)

    def forward(self, x, training=False):
        self._negative = -activations.relu(-x)  # min(x, 0)
        self._positive = x > 0
        return activations.relu(x) + self.params["alpha"] * self._negative

    def backward(self, dout, need_input_grad=True):
        alpha = self.params["alpha"]
        # Sum dout * min(x, 0) over every axis alpha is broadcast along.
        contribution = dout * self._negative
        shared = tuple(i for i, n in enumerate((contribution.shape[0], *alpha.shape))
                       if i == 0 or n == 1 and contribution.shape[i] != 1)
        self.grads["alpha"][...] = contribution.sum(axis=shared).reshape(alpha.shape)
        if not need_input_grad:
            return None
        return np.where(self._positive, dout, dout * alpha * (self._negative < 0))
