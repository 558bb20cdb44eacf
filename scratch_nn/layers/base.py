"""The Layer base class: weights, their gradients, build and the forward/backward contract.

Mirrors the parts of ``keras/src/layers/layer.py`` a small MLP needs. A layer
holds its trainable parameters in ``params`` (name -> array, Keras names:
``kernel``, ``bias``, ``gamma``, ``beta``) and, after ``backward``, their
gradients in ``grads`` under the same names. Non-trainable state
(``moving_mean``...) lives in ``state``. ``weights`` lists them all in Keras's
order, so ``get_weights`` / ``set_weights`` map one to one onto Keras.

Arrays are updated in place, never rebound: a :class:`~scratch_nn.network.Network`
packs every parameter into one flat buffer and keeps the layers' arrays as
views of it, so an optimizer can update the whole model in a few NumPy calls.
"""

import numpy as np

from scratch_nn.config import standardize_dtype
from scratch_nn.layers.layer_api import LayerAPI
from scratch_nn.naming import layer_snake_case, unique_name
from scratch_nn.serialization import Configurable
from scratch_nn.tensor import SampleShape


class Layer(LayerAPI, Configurable):
    """Base class for layers.

    Subclasses implement ``build(input_shape)`` (create weights with
    :meth:`add_weight`), ``forward(x, training=False)`` and
    ``backward(dout, need_input_grad=True)``, and
    ``compute_output_shape(input_shape)``. Shapes exclude the batch axis.

    Calling a layer (``layer(x)``, Keras's ``layer.call(x)``, a subclass
    that overrides ``call``) comes from
    :class:`~scratch_nn.layers.layer_api.LayerAPI`, with Keras's
    constructor arguments and refusals.

    Args:
        trainable: whether the optimizer updates this layer's weights.
        dtype: float dtype of the weights, ``floatx()`` when ``None``.
        name: layer name; a unique one is made from the class name otherwise.
        input_shape, input_dim: the shape of one sample (``input_dim=d``
            means ``(d,)``); Keras 3 accepts them with a warning, and a
            :class:`Sequential` builds from its first layer's.

    Any other keyword argument raises ``ValueError``, naming the layer class
    and the argument, as Keras does.

    ``get_config()`` / ``from_config()`` come from
    :class:`~scratch_nn.serialization.Configurable`: the constructor's
    arguments with ``name``, ``dtype`` and ``trainable``, as Keras's layer
    config (``autocast`` is accepted and not kept, as in Keras).
    """

    _config_ignored = ("autocast",)

    def __init__(self, *, trainable=True, dtype=None, name=None, autocast=True, **kwargs):
        self.name = name or unique_name(layer_snake_case(type(self).__name__))
        self.dtype = standardize_dtype(dtype)
        input_shape = self._keras_input_shape(kwargs)  # refuses any other keyword (layer_api.py)
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.trainable = trainable
        self.built = False
        self.params = {}
        self.grads = {}
        self.state = {}
        self._weight_order = []

    # -- weights -----------------------------------------------------------
    def add_weight(self, name, shape, initializer, trainable=True, dtype=None):
        """Create a weight with ``initializer(shape, dtype)``; trainable ones get a gradient slot.

        ``dtype`` is the layer's unless given (a counter is an integer).
        """
        dtype = self.dtype if dtype is None else dtype
        # np.array, not np.ascontiguousarray: that one turns a scalar weight into shape (1,)
        value = np.array(initializer(tuple(shape), dtype), dtype=dtype, order="C")
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
        """Trainable weights in Keras's order, as the live arrays; none when ``trainable`` is off."""
        if not self.trainable:
            return []
        return [self.params[n] for n in self._weight_order if n in self.params]

    @property
    def non_trainable_weights(self):
        """The other weights (moving statistics, and all weights of a frozen layer)."""
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

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
        raise NotImplementedError(f"{type(self).__name__} defines no forward pass (forward or call)")

    def backward(self, dout, need_input_grad=True):
        raise NotImplementedError(
            f"{type(self).__name__} defines no backward(dout, need_input_grad): scratch_nn has "
            "no automatic differentiation, so a layer that computes something new must give "
            "its gradient"
        )


def batchless_shape(input_shape, rank):
    """One sample's shape from what ``build`` was given: a sample shape, or Keras's batch shape.

    scratch_nn's model, layer call and functional API pass ``build`` the shape
    of one sample (a :class:`SampleShape`). Code written for Keras calls
    ``build`` with the batch shape (``Dense(2).build((None, 3))`` or
    ``build((1, 3))``): there, a shape of ``rank + 1`` axes, or one starting
    with ``None``, loses its batch axis, for a layer whose samples have
    ``rank`` axes.
    """
    if isinstance(input_shape, SampleShape):
        return tuple(input_shape)
    input_shape = tuple(input_shape)
    if input_shape and (input_shape[0] is None or len(input_shape) == rank + 1):
        return input_shape[1:]
    return input_shape
