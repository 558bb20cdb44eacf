"""Keras models in the doctor: the scratch_nn twin the probes train, and Keras's own step time.

Imported only when ``diagnose`` receives a Keras model; it imports Keras
(TensorFlow) and ``keras_ref.transfer`` for the weights. The twin has the
same layers, weights, loss, optimizer class and hyperparameters, so every
maths probe (range test, health, initialization, generalization) measures
what Keras would. Only speed differs between the two, so the speed check
times the Keras model itself with :func:`seconds_per_step`.
"""

import inspect
import time

import keras

from keras_ref.transfer import keras_to_scratch
from scratch_nn import layers as scratch_layers
from scratch_nn import losses, optimizers, regularizers
from scratch_nn.layers import Input
from scratch_nn.models import Sequential


def _regularizer(regularizer):
    if regularizer is None:
        return None
    config = regularizer.get_config()
    return regularizers.L1L2(l1=config.get("l1", 0.0), l2=config.get("l2", 0.0))


def _layer(layer):
    kind, dtype = type(layer).__name__, layer.dtype
    if kind == "Dense":
        return scratch_layers.Dense(
            layer.units, activation=layer.activation.__name__, use_bias=layer.use_bias,
            kernel_regularizer=_regularizer(layer.kernel_regularizer),
            bias_regularizer=_regularizer(layer.bias_regularizer), dtype=dtype)
    if kind == "Flatten":
        return scratch_layers.Flatten(dtype=dtype)
    if kind == "Dropout":
        return scratch_layers.Dropout(layer.rate, seed=layer.seed, dtype=dtype)
    if kind == "Activation":
        return scratch_layers.Activation(layer.activation.__name__, dtype=dtype)
    if kind == "BatchNormalization":
        return scratch_layers.BatchNormalization(
            axis=layer.axis, momentum=layer.momentum, epsilon=layer.epsilon,
            center=layer.center, scale=layer.scale, dtype=dtype)
    raise ValueError(f"doctor: Keras layer {layer.name!r} of type {kind} is not supported; "
                     "supported: Dense, Flatten, Dropout, Activation, BatchNormalization")


def _optimizer(optimizer):
    name = type(optimizer).__name__
    cls = getattr(optimizers, name, None)
    if cls is None or name == "Optimizer":
        raise ValueError(f"doctor: Keras optimizer {name} is not supported; use SGD, Adam or RMSprop")
    config = optimizer.get_config()
    accepted = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in config.items() if k in accepted and k not in ("name", "learning_rate")}
    return cls(learning_rate=float(optimizer.learning_rate), **kwargs)


def _loss(loss):
    if isinstance(loss, str):
        return losses.get(loss)
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    cls = getattr(losses, type(loss).__name__, None)
    if cls is None:
        raise ValueError(f"doctor: Keras loss {loss!r} is not supported")
    return cls(**({"from_logits": config["from_logits"]} if "from_logits" in config else {}))


def to_scratch(model):
    """The compiled scratch_nn twin of a compiled, built Keras ``Sequential``.

    Raises:
        ValueError: the model is not compiled or built, or has a layer,
            optimizer or loss without a scratch_nn counterpart.
    """
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        raise ValueError("doctor: compile the Keras model first (model.compile(optimizer, loss))")
    if not model.built:
        raise ValueError("doctor: the Keras model is not built; start it with keras.Input(shape)")
    twin = Sequential([Input(tuple(model.input_shape[1:])), *(_layer(x) for x in model.layers)],
                      name=f"{model.name}_scratch")
    keras_to_scratch(model, twin)
    twin.compile(optimizer=_optimizer(model.optimizer), loss=_loss(model.loss))
    return twin


def seconds_per_step(setup, batch_size, seconds=None, steps=20, **compile_options):
    """Seconds per training step of a copy of the Keras model at ``batch_size``.

    The copy is compiled with the user's ``steps_per_execution`` and
    ``jit_compile`` unless ``compile_options`` override them; ``fit`` runs
    two epochs of ``steps`` steps and only the second is timed (the first
    traces and compiles the step function). ``seconds`` is unused: a Keras
    epoch cannot be cut short, ``steps`` bounds it.
    """
    original = setup.keras_model
    copy = keras.models.clone_model(original)
    copy.set_weights(original.get_weights())
    options = {"steps_per_execution": original.steps_per_execution,
               "jit_compile": original.jit_compile, **compile_options}
    copy.compile(optimizer=type(original.optimizer).from_config(original.optimizer.get_config()),
                 loss=original.loss, **options)
    steps = max(2, min(steps, setup.n // batch_size))
    x, y = setup.x[:steps * batch_size], setup.y[:steps * batch_size]
    marks = []

    class _Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            marks.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            marks.append(time.perf_counter())

    copy.fit(x, y, batch_size=batch_size, epochs=2, verbose=0, shuffle=False, callbacks=[_Clock()])
    return (marks[3] - marks[2]) / steps
