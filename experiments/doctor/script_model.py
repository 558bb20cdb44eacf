"""The model a script trains, as the doctor can diagnose it, or a refusal naming the part.

The doctor diagnoses multilayer perceptrons: one input, one output, a chain
of the layers its Keras -> scratch_nn twin converts
(`keras_ref.builders.scratch_layer`: Dense, Flatten, Dropout,
BatchNormalization, Activation). A Keras model is checked here so that a
refusal names the part of the script at fault:

- a subclass of ``keras.Model`` with its own ``call`` (the forward pass is
  code, not layers) or ``train_step`` (a custom training step);
- several inputs or outputs;
- a layer of a type the twin has no counterpart for, named with its kind
  (convolution, recurrent, pooling...) from the Keras package it lives in.
  A layer of a supported type whose setting the twin cannot convert (a
  ``RandomUniform`` initializer, say) is not refused here: ``diagnose``
  diagnoses such a model with the checks that need no twin;
- a functional model that is not a chain (a layer applied to several
  tensors, or layers off the path from input to output).

A functional chain (or a subclass of ``Sequential`` without its own
``call``) becomes a ``keras.Sequential`` over the same layer objects (so the same weights), compiled with the model's optimizer and loss:
that is what ``diagnose``'s Keras path converts. A Keras model ``fit`` would
build on its first batch is built for the data's sample shape, as ``fit``
would (``keras/src/trainers/trainer.py``, ``_symbolic_build``). TensorFlow
is imported only for a Keras model.
"""

from experiments.doctor.script_data import ScriptRefused

#: Keras layer package -> the kind of layer, for a refusal.
LAYER_KINDS = {
    "convolutional": "a convolution layer", "rnn": "a recurrent layer",
    "pooling": "a pooling layer", "attention": "an attention layer",
    "merging": "a layer merging several tensors", "reshaping": "a reshaping layer",
    "preprocessing": "a preprocessing layer", "normalization": "a normalization layer",
}
MLP_LAYER_TYPES = ("Dense", "Flatten", "Dropout", "BatchNormalization", "Activation")
MLP_LAYERS = ", ".join(MLP_LAYER_TYPES)


def is_keras(model):
    """Whether ``model`` is a Keras model or a subclass of one (else a scratch_nn one)."""
    return any(cls.__module__.split(".")[0] in ("keras", "tf_keras", "tensorflow")
               for cls in type(model).__mro__)


def keras_for_doctor(model, sample_shape):
    """The Keras model to diagnose: ``model`` itself, or a ``Sequential`` over its chain.

    Args:
        sample_shape: the shape of one training sample (to build an unbuilt
            model as ``fit`` would).

    Raises:
        ScriptRefused: see the module doc.
    """
    import keras

    kind = type(model)
    for cls in kind.__mro__:
        if cls.__module__.startswith("keras."):
            break
        own = [name for name in ("call", "train_step", "compute_loss") if name in vars(cls)]
        if own:
            raise ScriptRefused(
                f"the model is a subclass of keras.Model ({kind.__name__}) with its own "
                f"{', '.join(own)}(): the doctor diagnoses Sequential and functional models "
                "built from layers, trained by Keras's own fit")
    if not model.built:
        model.build((None, *sample_shape))
    if len(model.inputs or ()) > 1 or len(model.outputs or ()) > 1:
        raise ScriptRefused(f"the model has {len(model.inputs)} inputs and {len(model.outputs)} "
                            "outputs: the doctor diagnoses one-input, one-output models")
    check_layers(model.layers)
    if type(model) is keras.Sequential:
        return model
    chain = model.layers if isinstance(model, keras.Sequential) else functional_chain(model)
    twin = keras.Sequential([keras.Input(model.input_shape[1:]), *chain], name=model.name)
    twin.compile(optimizer=model.optimizer, loss=model.loss)
    return twin


def check_layers(layers):
    """Refuse the first layer the twin cannot convert, naming its kind.

    Reuses `keras_ref.builders.scratch_layer`'s refusal (its message lists
    the supported layers).
    """
    from keras_ref.builders import scratch_layer

    for layer in layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            scratch_layer(layer)
        except ValueError as err:
            if type(layer).__name__ in MLP_LAYER_TYPES:
                # The type converts, one of its settings does not: diagnose
                # runs the checks that need no twin on it.
                continue
            package = type(layer).__module__.split(".")
            kind = next((LAYER_KINDS[p] for p in package if p in LAYER_KINDS), "a layer")
            raise ScriptRefused(f"the model's layer {layer.name!r} is {kind} "
                                f"({type(layer).__name__}): the doctor diagnoses multilayer "
                                f"perceptrons ({MLP_LAYERS}). {err}") from None


def functional_chain(model):
    """The layers of a one-input functional ``model`` from input to output, in order.

    Walks back from the output through each layer's inbound node; a layer
    called on several tensors, or a model with layers off that path, is not
    a chain.

    Raises:
        ScriptRefused: the model is not a chain.
    """
    chain = []
    tensor = model.outputs[0]
    while True:
        operation, node_index, _ = tensor._keras_history
        if type(operation).__name__ == "InputLayer":
            break
        inputs = operation._inbound_nodes[node_index].input_tensors
        if len(inputs) != 1:
            raise ScriptRefused(f"the model's layer {operation.name!r} takes {len(inputs)} "
                                "tensors: the doctor diagnoses a chain of layers (an MLP)")
        chain.append(operation)
        tensor = inputs[0]
    chain.reverse()
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if [id(layer) for layer in chain] != [id(layer) for layer in layers]:
        raise ScriptRefused("the functional model is not a single chain of layers from its input "
                            f"to its output (layers {[layer.name for layer in layers]}, chain "
                            f"{[layer.name for layer in chain]}): the doctor diagnoses MLPs")
    return chain


def scratch_for_doctor(model):
    """The scratch_nn model to diagnose: a functional ``Model`` becomes the ``Sequential`` of its chain.

    A scratch_nn ``Model(inputs, outputs)`` is already a chain (scratch_nn
    refuses anything else when it is built) and trains as the
    ``Sequential`` of its layers; the copy gets the same weights, optimizer
    class and hyperparameters, and loss.
    """
    import copy

    import scratch_nn
    from experiments.doctor.setup import fresh_optimizer

    if not isinstance(model, scratch_nn.Model):
        return model
    layers = copy.deepcopy(model._layers)
    twin = scratch_nn.Sequential([scratch_nn.Input(model.input_shape[1:]), *layers],
                                 name=model.name)
    twin.set_weights(model.get_weights())
    twin.compile(optimizer=fresh_optimizer(model.optimizer), loss=copy.deepcopy(model.loss))
    return twin
