"""Input, Flatten, Dense and Activation: the layers of a plain MLP.

Mirrors ``keras/src/layers/core/dense.py``, ``input_layer.py``,
``keras/src/layers/reshaping/flatten.py`` and
``keras/src/layers/activations/activation.py`` (without Keras's LoRA and
quantization). Inputs are ``(batch, features)``, the kernel is
``(in, units)``, so the forward pass is ``x @ kernel + bias``, no transposes.
"""

import math

import numpy as np

from scratch_nn import activations, constraints, initializers, regularizers
from scratch_nn.layers.base import Layer, batchless_shape


class InputLayer(Layer):
    """Declares the shape of one sample; holds no weights and computes nothing.

    As in Keras, a :class:`~scratch_nn.models.Sequential` uses it to build
    its layers and leaves it out of ``model.layers``.
    """

    is_input_layer = True  # what the functional API looks for (scratch_nn/keras_tensor.py)

    def __init__(self, shape, dtype=None, name=None):
        if shape is None or any(int(d) < 1 for d in shape):
            raise ValueError(f"Input: shape must be a tuple of positive ints, received {shape!r}")
        super().__init__(dtype=dtype, name=name)
        self.input_shape = tuple(int(d) for d in shape)

    def get_config(self):
        """``shape`` (one sample's), ``dtype`` and ``name``: this constructor's arguments."""
        return {"shape": self.input_shape, "dtype": self.dtype, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
    """Return an :class:`InputLayer` for samples of ``shape`` (as ``keras.Input``).

    ``batch_shape=(b, *shape)`` may replace ``shape``; ``batch_size`` (or
    ``b``) is kept as ``batch_size`` for code that reads it: scratch_nn's
    batches are whatever ``fit``/``predict`` are given.
    """
    if batch_shape is not None:
        if shape is not None:
            raise ValueError("Input: pass `shape` or `batch_shape`, not both "
                             f"(received shape={shape!r}, batch_shape={batch_shape!r})")
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    layer = InputLayer(shape, dtype=dtype, name=name)
    layer.batch_size = batch_size
    return layer


class Flatten(Layer):
    """Reshape ``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``; a view, no copy.

    Backward reshapes ``dout`` back to the input's shape.
    """

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        self._input_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, need_input_grad=True):
        return dout.reshape(self._input_shape) if need_input_grad else None


class _SoftmaxAware:
    """Mixin for layers whose activation may be a softmax.

    Keras computes a cross-entropy on a softmax output from the logits it
    came from (``_keras_logits`` in ``keras/src/backend/tensorflow/nn.py``).
    ``softmax_logits()`` returns those logits (or ``None``), and
    ``backward_from_preactivation(dz)`` continues the backward pass from
    ``dz = dL/dz``, the gradient of the activation's input ``z`` (the
    pre-activation; the logits when the activation is a softmax), skipping
    the activation's Jacobian.
    """

    def softmax_logits(self):
        if isinstance(self.activation, activations.Softmax):
            return self.activation.logits
        return None


class Dense(_SoftmaxAware, Layer):
    """Fully connected layer: ``y = f(x @ kernel + bias)``.

    Forward, with ``x`` ``(batch, in)``, ``kernel`` ``(in, units)``,
    ``bias`` ``(units,)``::

        z = x @ kernel + bias          # (batch, units)
        y = activation(z)

    Backward, from ``dout = dL/dy`` ``(batch, units)``::

        dz      = activation'(z) * dout          # (batch, units)
        dkernel = x.T @ dz                       # (in, units)
        dbias   = sum(dz, axis=0)                # (units,)
        dx      = dz @ kernel.T                  # (batch, in)

    Regularizers add ``R(kernel)`` (and ``R(bias)``) to the loss and their
    derivative to the gradients (see :mod:`scratch_nn.regularizers`).

    Args:
        units: number of outputs.
        activation: activation name or object; ``None`` is linear.
        use_bias: whether to add ``bias``.
        kernel_initializer, bias_initializer: names or initializer objects
            (Keras defaults ``'glorot_uniform'`` and ``'zeros'``).
        kernel_regularizer, bias_regularizer: ``None`` or a regularizer.
        kernel_constraint, bias_constraint: ``None`` or a constraint
            (see :mod:`scratch_nn.constraints`), applied to the weight after
            each optimizer step.
    """

    checks_last_axis = True

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"Dense: units must be a positive integer, received {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    @property
    def activation(self):
        """The activation object; setting ``None`` or a name resolves it (``None``: linear)."""
        return self._activation

    @activation.setter
    def activation(self, value):
        self._activation = activations.get(value)

    @property
    def kernel(self):
        """The ``(in, units)`` kernel array, as Keras's ``layer.kernel`` (once built)."""
        return self._weight("kernel")

    @property
    def bias(self):
        """The ``(units,)`` bias array; ``None`` with ``use_bias=False``, as Keras."""
        return self.params.get("bias") if self.use_bias else None

    def build(self, input_shape):
        input_shape = batchless_shape(input_shape, rank=1)
        if len(input_shape) != 1:
            raise ValueError(
                f"Dense {self.name!r}: expected inputs of shape (batch, features), "
                f"received samples of shape {tuple(input_shape)}; add a Flatten layer first"
            )
        self.add_weight("kernel", (input_shape[0], self.units), self.kernel_initializer)
        if self.use_bias:
            self.add_weight("bias", (self.units,), self.bias_initializer)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return (self.units,)

    def forward(self, x, training=False):
        self._x = x
        z = x @ self.params["kernel"]
        if self.use_bias:
            z += self.params["bias"]
        return self.activation.forward(z)

    def backward(self, dout, need_input_grad=True):
        return self.backward_from_preactivation(self.activation.backward(dout), need_input_grad)

    def backward_from_preactivation(self, dz, need_input_grad=True):
        """Backward from ``dz = dL/dz``, the gradient of the pre-activation ``z = x @ kernel + bias``."""
        np.matmul(self._x.T, dz, out=self.grads["kernel"])
        if self.use_bias:
            dz.sum(axis=0, out=self.grads["bias"])
        return dz @ self.params["kernel"].T if need_input_grad else None

    def weight_constraints(self):
        """``{weight name: constraint}`` for the constraints set; the model applies them after each step."""
        pairs = (("kernel", self.kernel_constraint), ("bias", self.bias_constraint))
        return {n: c for n, c in pairs if c is not None and n in self.params}

    def has_regularizers(self):
        """Whether a kernel or bias regularizer is set (and its weight exists)."""
        return bool(self._regularized())

    def regularization_loss(self):
        """``R(kernel) + R(bias)`` for the regularizers set, else 0."""
        loss = 0.0
        for name, reg in self._regularized():
            loss += reg(self.params[name])
        return loss

    def add_regularization_gradients(self):
        """Add ``dR/dw`` to the gradient of each regularized weight."""
        for name, reg in self._regularized():
            self.grads[name] += reg.gradient(self.params[name])

    def _regularized(self):
        pairs = (("kernel", self.kernel_regularizer), ("bias", self.bias_regularizer))
        return [(n, r) for n, r in pairs if r is not None and n in self.params]


class Activation(_SoftmaxAware, Layer):
    """Apply an activation on its own: ``y = f(x)``, ``dx = f'(x) * dout``.

    Args:
        activation: name or activation object (see :mod:`scratch_nn.activations`).
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def forward(self, x, training=False):
        return self.activation.forward(x)

    def backward(self, dout, need_input_grad=True):
        return self.activation.backward(dout)

    def backward_from_preactivation(self, dz, need_input_grad=True):
        """The gradient with respect to the pre-activation is the input gradient itself."""
        return dz


class Softmax(Layer):
    """Softmax as a layer, over ``axis`` (``keras/src/layers/activations/softmax.py``).

    Forward and backward, with sums over ``axis`` (an int or a tuple, counted
    with the batch axis as 0, as Keras counts them)::

        y  = exp(x - max(x)) / sum(exp(x - max(x)))
        dx = y * (dout - sum(dout * y))

    Over the last axis (the default ``-1``, or ``1`` on ``(batch, k)``
    inputs, or a one-element tuple or list of either), a cross-entropy on
    this output is computed from its input ``x`` as logits, as Keras does
    through ``_keras_logits``. Over several axes Keras and scratch_nn score
    the output's (clipped) probabilities. Not copied: Keras 3 also takes the
    input as logits for a softmax over another single axis (``axis=0``),
    and so scores a softmax over the last axis that the layer never outputs;
    scratch_nn scores the output. Keras's ``mask`` argument is not supported.

    Args:
        axis: the axis (or axes) to normalize over.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _last_axis_only(self):
        axis = self.axis if isinstance(self.axis, int) else (
            self.axis[0] if len(self.axis) == 1 else None)
        return axis is not None and axis in (-1, len(self.input_shape))

    def forward(self, x, training=False):
        axis = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        self.logits = x
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        e /= e.sum(axis=axis, keepdims=True)
        self._y = e
        return e

    def backward(self, dout, need_input_grad=True):
        axis = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        y = self._y
        return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))

    def softmax_logits(self):
        """The input, which a cross-entropy takes as logits when the softmax is over the last axis."""
        return self.logits if self._last_axis_only() else None

    def backward_from_preactivation(self, dz, need_input_grad=True):
        """The gradient with respect to the input (the logits) is ``dz`` itself."""
        return dz
