"""The functional API for linear chains: ``Model(inputs, outputs)``.

Mirrors ``keras/src/models/functional.py``, ``keras/src/models/model.py``
(``Model(inputs, outputs)`` builds a functional model) and
``keras/src/backend/common/keras_tensor.py``::

    inputs = scratch_nn.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)     # a KerasTensor: nothing computed
    outputs = layers.Dense(10, activation="softmax")(x)
    model = scratch_nn.Model(inputs, outputs)           # trains as the same Sequential

Calling a layer on an ``Input`` or on a :class:`KerasTensor` builds the
layer for that shape and returns a new ``KerasTensor`` that remembers the
chain of layers it came from; calling a layer on an array computes, as
always. The model is that chain, run by :class:`~scratch_nn.models.Sequential`'s
training loop, so it trains, evaluates and predicts exactly as the
``Sequential`` of the same layers.

Only chains are supported: one input, one output, each layer applied once
and in order. A graph that merges tensors, has several inputs or outputs,
reuses a layer, or whose output does not come from the given input is
refused with an error that names which; so is a second model over layers
that already belong to a model (each model packs its layers' weights into
its own buffer). Subclassing ``Model`` with a
``call`` method is refused too (it needs automatic differentiation; each
scratch_nn layer carries its own ``backward`` instead).
"""

import weakref

from scratch_nn.layers.base import SampleShape
from scratch_nn.layers.core import InputLayer
from scratch_nn.models import Sequential

#: layer -> (a weak reference to) the functional model that holds its weights
_OWNERS = weakref.WeakKeyDictionary()


class KerasTensor:
    """The symbolic output of a layer called on an ``Input``: a shape and the chain behind it.

    Attributes:
        shape: ``(None, *sample_shape)``, as Keras's ``KerasTensor.shape``.
        dtype: the float type of the chain.
        chain: ``(input_layer, layer_1, ..., layer_k)``, the layers it came from.
    """

    is_keras_tensor = True  # what Layer.__call__ looks for

    def __init__(self, chain, sample_shape, dtype):
        self.chain = tuple(chain)
        self.shape = (None, *sample_shape)
        self.dtype = dtype

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, from {self.chain[-1].name!r}>"


def input_tensor(input_layer):
    """The ``KerasTensor`` standing for an :class:`InputLayer`'s samples."""
    return KerasTensor((input_layer,), input_layer.input_shape, input_layer.dtype)


def call_layer(layer, x):
    """Record ``layer(x)`` for a symbolic ``x``: build the layer for ``x``'s shape, compute nothing."""
    if isinstance(x, (list, tuple)):
        raise TypeError(
            f"Layer {layer.name!r} was called on {len(x)} tensors: layers that merge several "
            "tensors (Add, Concatenate...) are not supported; scratch_nn's functional API "
            "builds linear chains only"
        )
    if isinstance(x, InputLayer):
        x = input_tensor(x)
    if not isinstance(x, KerasTensor):
        raise TypeError(
            f"Layer {layer.name!r} was called on the layer {x!r}: call a layer on an Input(...) "
            "or on the output of another layer call, or on an array"
        )
    if layer in x.chain:
        raise ValueError(
            f"Layer {layer.name!r} is applied twice in the same chain: shared (reused) layers "
            "are not supported; scratch_nn's functional API builds linear chains only"
        )
    sample_shape = x.shape[1:]
    if not layer.built:
        layer.build(SampleShape(sample_shape))
    return KerasTensor((*x.chain, layer), layer.compute_output_shape(sample_shape), x.dtype)


class Model(Sequential):
    """A model built from an ``Input`` and the output of a chain of layers on it.

    ``Model(inputs, outputs)`` (or ``inputs=``, ``outputs=``, ``name=``). As in
    Keras, ``model.layers`` starts with the ``InputLayer``.

    Args:
        inputs: the ``Input(...)`` the chain starts from (or a list of one).
        outputs: the last ``KerasTensor`` of the chain (or a list of one).
        name: the model's name (Keras's default ``'functional'``).

    Raises:
        TypeError: for a subclass defining ``call`` (subclassed models are not
            supported), or ``inputs`` / ``outputs`` missing or of the wrong type.
        ValueError: for several inputs or outputs, an output not computed
            from the input, or a layer that already belongs to another model.
    """

    def __init__(self, inputs=None, outputs=None, name="functional", **kwargs):
        if type(self).call is not Model.call:
            raise TypeError(
                f"{type(self).__name__} subclasses Model and defines call(): subclassed models "
                "are not supported by scratch_nn (each layer needs its own backward pass); "
                "build the same layers with Sequential([...]) or Model(inputs, outputs)"
            )
        if kwargs:
            raise TypeError(f"Model: unexpected keyword argument(s) {sorted(kwargs)}")
        if inputs is None or outputs is None:
            raise TypeError(
                "Model() needs inputs and outputs, as in Model(inputs, outputs) with "
                "inputs = Input(shape=...); subclassed models (a class with a call() method) "
                "are not supported by scratch_nn"
            )
        inputs = _single("inputs", inputs)
        outputs = _single("outputs", outputs)
        if not isinstance(inputs, InputLayer):
            raise TypeError(f"Model: inputs must be an Input(shape=...), received {inputs!r}")
        if isinstance(outputs, InputLayer):
            outputs = input_tensor(outputs)
        if not isinstance(outputs, KerasTensor):
            raise TypeError(
                "Model: outputs must be the result of calling layers on the Input, "
                f"received {outputs!r}"
            )
        if outputs.chain[0] is not inputs:
            raise ValueError(
                f"Model: the output {outputs!r} is not computed from the given input "
                f"{inputs.name!r} (it starts from {outputs.chain[0].name!r})"
            )
        for layer in outputs.chain[1:]:
            owner = _OWNERS.get(layer, lambda: None)()
            if owner is not None:
                raise ValueError(
                    f"Layer {layer.name!r} already belongs to the model {owner.name!r}: layers "
                    "shared between models (several models over one graph) are not supported; "
                    "a scratch_nn model packs its layers' weights into its own buffer"
                )
        self.inputs, self.outputs = [inputs], [outputs]
        super().__init__(list(outputs.chain), name=name)
        for layer in self._layers:
            _OWNERS[layer] = weakref.ref(self)

    def call(self, inputs, training=False):
        """The chain's forward pass (Keras's ``Model.call``); see :meth:`forward`."""
        return self.forward(inputs, training=training)

    @property
    def layers(self):
        """The ``InputLayer`` then the chain's layers, as ``keras.Model.layers`` lists them."""
        return [self.inputs[0], *self._layers]


def _single(what, value):
    if isinstance(value, dict):
        raise TypeError(f"Model: {what} given as a dict are not supported; pass one tensor")
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(
                f"Model: {len(value)} {what} received; models with several {what} are not "
                "supported; scratch_nn's functional API builds linear chains only"
            )
        return value[0]
    return value
