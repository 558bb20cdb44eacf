"""Move weights between a scratch_nn model and its Keras twin, layer by layer.

Both sides keep weights in Keras's order and shapes (Dense: kernel
``(in, units)``, bias ``(units,)``; BatchNormalization: gamma, beta,
moving_mean, moving_variance), so a transfer is a checked copy: the two models
must have as many layers, and each pair of layers as many weights of the same
shapes. Anything else raises a ``ValueError`` that names the layer index, both
layers and the expected and received shapes, before anything is written.
"""

import numpy as np


def _layer_weights(layer):
    """The weights of a layer of either library, as a list of NumPy arrays."""
    return [np.asarray(w) for w in layer.get_weights()]


def _checked_pairs(source_model, target_model, source_name, target_name):
    """Pair the two models' layers and check every weight shape; return (target_layer, weights)."""
    source_layers, target_layers = list(source_model.layers), list(target_model.layers)
    if len(source_layers) != len(target_layers):
        raise ValueError(
            f"weight transfer {source_name} -> {target_name}: the {source_name} model has "
            f"{len(source_layers)} layers ({_names(source_layers)}), the {target_name} model has "
            f"{len(target_layers)} ({_names(target_layers)})"
        )
    pairs = []
    for index, (src, dst) in enumerate(zip(source_layers, target_layers)):
        weights = _layer_weights(src)
        expected = [tuple(np.shape(w)) for w in dst.get_weights()]
        received = [w.shape for w in weights]
        if expected != received:
            raise ValueError(
                f"weight transfer {source_name} -> {target_name}: layer {index} "
                f"({type(src).__name__} {src.name!r} -> {type(dst).__name__} {dst.name!r}) "
                f"expects weights of shapes {expected}, received {received}"
            )
        pairs.append((dst, weights))
    return pairs


def _names(layers):
    return ", ".join(type(layer).__name__ for layer in layers) or "none"


def set_keras_weights(layer, weights):
    """``layer.set_weights(weights)`` on a Keras layer, then whatever Keras derives from them.

    Keras's ``Normalization`` computes with copies of its ``mean`` and
    ``variance`` made by ``finalize_state()``, which ``set_weights`` does not
    call (loading a file does); it is called here.
    """
    layer.set_weights(weights)
    finalize = getattr(layer, "finalize_state", None)
    if callable(finalize):
        finalize()


def scratch_to_keras(scratch_model, keras_model):
    """Copy every weight of a built scratch_nn model into a built Keras model.

    Raises:
        ValueError: layer counts, weight counts or shapes differ (nothing is copied).
    """
    for layer, weights in _checked_pairs(scratch_model, keras_model, "scratch_nn", "keras"):
        set_keras_weights(layer, weights)


def keras_to_scratch(keras_model, scratch_model):
    """Copy every weight of a built Keras model into a built scratch_nn model.

    Raises:
        ValueError: layer counts, weight counts or shapes differ (nothing is copied).
    """
    for layer, weights in _checked_pairs(keras_model, scratch_model, "keras", "scratch_nn"):
        layer.set_weights(weights)
