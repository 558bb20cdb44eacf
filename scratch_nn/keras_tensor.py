"""The symbolic tensor of the functional API: a shape and the chain of layers behind it.

Mirrors ``keras/src/backend/common/keras_tensor.py``: calling a layer on an
``Input`` or on a :class:`KerasTensor` builds the layer for that shape and
returns a new ``KerasTensor`` that remembers the chain of layers it came
from; nothing is computed. :class:`~scratch_nn.functional.Model` turns the
chain into a model.

As in Keras, this module sits below the layers and imports none of them:
``Layer.__call__`` hands a symbolic input to :func:`record_call`.
"""

from scratch_nn.tensor import SampleShape


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
    """The ``KerasTensor`` standing for an :class:`~scratch_nn.layers.InputLayer`'s samples."""
    return KerasTensor((input_layer,), input_layer.input_shape, input_layer.dtype)


def record_call(layer, x):
    """Record ``layer(x)`` for a symbolic ``x``: build the layer for ``x``'s shape, compute nothing."""
    if isinstance(x, (list, tuple)):
        raise TypeError(
            f"Layer {layer.name!r} was called on {len(x)} tensors: layers that merge several "
            "tensors (Add, Concatenate...) are not supported; scratch_nn's functional API "
            "builds linear chains only"
        )
    if getattr(x, "is_input_layer", False):
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
