"""The Layer base class: weights, their gradients, build and the forward/backward contract.

Mirrors the parts of ``keras/src/layers/layer.py`` a small MLP needs. A layer
holds its trainable parameters in ``params`` (name -> array, Keras names:
``kernel``, ``bias``, ``gamma``, ``beta``) and, after ``backward``, their
gradients in ``grads`` under the same names. Non-trainable state
(``moving_mean``...) lives in ``state``. ``weights`` lists them all in Keras's
order, so ``get_weights`` / ``set_weights`` map one to one onto Keras.

Arrays are updated in place, never rebound: a :class:`~scratch_nn.models.Sequential`
packs every parameter into one flat buffer and keeps the layers' arrays as
views of it, so an optimizer can update the whole model in a few NumPy calls.
"""

import numpy as np

from scratch_nn.config import standardize_dtype

_name_counts = {}


def unique_name(prefix):
    """Return ``prefix``, then ``prefix_1``, ``prefix_2``... as Keras names layers."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


class Layer:
    """Base class for layers.

    Subclasses implement ``build(input_shape)`` (create weights with
    :meth:`add_weight`), ``forward(x, training=False)`` and
    ``backward(dout, need_input_grad=True)``, and
    ``compute_output_shape(input_shape)``. Shapes exclude the batch axis.

    Args:
        input_shape: optional shape of one sample, as Keras's ``input_shape=``;
            it lets a :class:`Sequential` build before seeing data.
        dtype: float dtype of the weights, ``floatx()`` when ``None``.
        name: layer name; a unique one is made from the class name otherwise.
    """

    def __init__(self, input_shape=None, dtype=None, name=None, trainable=True):
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self.dtype = standardize_dtype(dtype)
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.trainable = trainable
        self.built = False
        self.params = {}
        self.grads = {}
        self.state = {}
        self._weight_order = []

    # -- weights -----------------------------------------------------------
    def add_weight(self, name, shape, initializer, trainable=True):
        """Create a weight with ``initializer(shape, dtype)``; trainable ones get a gradient slot."""
        value = np.ascontiguousarray(initializer(tuple(shape), self.dtype), dtype=self.dtype)
        if trainable:
            self.params[name] = value
            self.grads[name] = np.zeros_like(value)
        else:
            self.state[name] = value
        self._weight_order.append(name)
        return value

    def _weight(self, name):
        return self.params[name] if name in self.params else self.state[name]

    @property
    def weights(self):
        """All weights in Keras's order (trainable and not), as the live arrays."""
        return [self._weight(n) for n in self._weight_order]

    @property
    def trainable_weights(self):
        """Trainable weights in Keras's order, as the live arrays."""
        return [self.params[n] for n in self._weight_order if n in self.params]

    def get_weights(self):
        """Return copies of :attr:`weights`."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy ``weights`` (a list, Keras order and shapes) into this layer's arrays."""
        weights = list(weights)
        if len(weights) != len(self._weight_order):
            raise ValueError(
                f"Layer {self.name!r}: set_weights expected {len(self._weight_order)} arrays "
                f"({', '.join(self._weight_order) or 'none'}), received {len(weights)}"
            )
        for name, value in zip(self._weight_order, weights):
            target = self._weight(name)
            value = np.asarray(value)
            if value.shape != target.shape:
                raise ValueError(
                    f"Layer {self.name!r}: weight {name!r} has shape {target.shape}, "
                    f"received an array of shape {value.shape}"
                )
        for name, value in zip(self._weight_order, weights):
            self._weight(name)[...] = value

    def count_params(self):
        """Number of scalars in all weights."""
        return int(sum(w.size for w in self.weights))

    # -- contract ----------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (one sample, no batch axis)."""
        self.input_shape = tuple(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        """Shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout, need_input_grad=True):
        raise NotImplementedError

    def __call__(self, x, training=False):
        """Build on first use, then run ``forward`` (as calling a Keras layer does)."""
        if _is_symbolic(x):  # the functional API (scratch_nn/functional.py): record, compute nothing
            from scratch_nn.functional import call_layer
            return call_layer(self, x)
        x = np.asarray(x)
        if not self.built:
            self.build(x.shape[1:])
        return self.forward(x, training=training)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _is_symbolic(x):
    """Whether ``x`` is an ``Input`` or a ``KerasTensor``, or a list holding one."""
    if isinstance(x, (list, tuple)):
        return any(_is_symbolic(item) for item in x)
    return isinstance(x, Layer) or getattr(x, "is_keras_tensor", False)


def _snake_case(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
