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
chain of layers it came from (:mod:`scratch_nn.keras_tensor`); calling a layer on an array computes, as
always. The model is that chain, run by :class:`~scratch_nn.sequential.Sequential`'s
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

from scratch_nn import saving
from scratch_nn.keras_tensor import KerasTensor, input_tensor
from scratch_nn.keras_tensor import record_call as call_layer  # noqa: F401 (its former home)
from scratch_nn.layers.core import InputLayer
from scratch_nn.sequential import Sequential

#: layer -> (a weak reference to) the functional model that holds its weights
_OWNERS = weakref.WeakKeyDictionary()


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


def _from_saved(inputs, layers, name):
    """The functional model of a saved config: the chain called again on its ``Input``."""
    x = inputs
    for layer in layers:
        x = layer(x)
    return Model(inputs, x, name=name)


saving.register_model("Functional", _from_saved)
