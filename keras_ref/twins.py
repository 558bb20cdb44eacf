"""The Keras twin of a scratch_nn object, built from the same spec, weights copied, in one call.

A property test chooses a configuration as `keras_ref.specs.Spec` values
(the literal arguments, or none), builds it in scratch_nn with
``specs.build(spec, scratch_nn)`` and asks here for the Keras twin of that
same spec. The twin never reads the scratch_nn object's hyperparameters, only
its weights, so a wrong scratch_nn default disagrees with Keras's own.
(`keras_ref.builders` is the other tool: it maps an existing scratch_nn model
whose spec is unknown.)
"""

import keras
import numpy as np

from keras_ref import specs, transfer


def keras_object(spec, **extra):
    """`spec` built in Keras (`extra`: Keras-only arguments, such as a loss's dtype)."""
    return specs.build(spec, keras, **extra)


def keras_twin(model_spec, scratch_model):
    """The Keras model of `model_spec` holding `scratch_model`'s weights.

    Args:
        model_spec: the spec `scratch_model` was built from (see `specs.sequential`).
        scratch_model: the built scratch_nn model; only its weights are read.
    """
    twin = keras_object(model_spec)
    transfer.scratch_to_keras(scratch_model, twin)
    return twin


def keras_twin_layer(layer_spec, scratch_layer):
    """The built Keras layer of `layer_spec` holding a built scratch_nn layer's weights."""
    twin = keras_object(layer_spec)
    twin.build((None, *scratch_layer.input_shape))
    transfer.set_keras_weights(twin, scratch_layer.get_weights())
    return twin


def keras_loss(loss_spec, dtype=None):
    """The Keras loss of `loss_spec`, computing in `dtype` (Keras's `floatx()` when None).

    A float64 comparison needs a float64 loss: a float32 loss casts its input,
    dropping the `_keras_logits` a softmax output carries.
    """
    return keras_object(loss_spec, **({"dtype": np.dtype(dtype).name} if dtype is not None else {}))


def keras_optimizer(optimizer_spec):
    """A fresh Keras optimizer of `optimizer_spec`.

    A learning-rate schedule's `initial_learning_rate` is passed as a NumPy
    scalar of the current `floatx()`: Keras's schedule computes in the dtype of
    that argument, float32 for a Python float. Call it under
    `oracle.keras_floatx(dtype)` for a float64 comparison.
    """
    schedule = optimizer_spec.kwargs.get("learning_rate")
    if isinstance(schedule, specs.Spec) and "initial_learning_rate" in schedule.kwargs:
        initial = np.dtype(keras.config.floatx()).type(schedule.kwargs["initial_learning_rate"])
        optimizer_spec = optimizer_spec.replace(
            learning_rate=schedule.replace(initial_learning_rate=initial))
    return keras_object(optimizer_spec)
