"""Twins across the two libraries, both ways: scratch_nn to Keras, and Keras to scratch_nn.

`keras_model(scratch_model)` makes a `keras.Sequential` with the same layers,
hyperparameters and dtype as a built scratch_nn `Sequential` (weights are moved
separately, by `keras_ref.transfer`). `keras_loss` and `keras_optimizer` do the
same for a loss and an optimizer (with its learning-rate schedule). Anything
without a Keras mapping raises a `ValueError` that names it.

`scratch_model(keras_model)` goes the other way: the compiled scratch_nn twin
of a compiled Keras `Sequential`, with its weights copied, its loss, and a
fresh optimizer of the same class and hyperparameters.

Supported layers, both ways: Dense (units, activation, use_bias, kernel/bias
initializers and regularizers), Flatten, Dropout (rate, seed),
BatchNormalization (axis, momentum, epsilon, center, scale), Activation, and
each layer of `_BLOCK_ARGS` with the arguments listed there (Rescaling,
Normalization, LayerNormalization, ReLU, LeakyReLU, PReLU, ELU, GaussianNoise,
GaussianDropout, AlphaDropout, ActivityRegularization, Reshape). Activations,
initializers and losses convert both ways with their arguments (`relu`'s
`negative_slope`/`max_value`/`threshold`, `gelu`'s `approximate`, `Huber`'s
`delta`...). Optimizers, both ways: those of `_OPTIMIZER_ARGS`.
"""

import functools
import inspect

import keras
import numpy as np

import scratch_nn
from keras_ref.transfer import keras_to_scratch, set_keras_weights

#: Activation name -> the constructor arguments it carries, in both libraries.
_ACTIVATION_ARGS = {"leaky_relu": ("negative_slope",), "elu": ("alpha",),
                    "relu": ("negative_slope", "max_value", "threshold"), "gelu": ("approximate",)}
_ACTIVATION_DEFAULTS = {"negative_slope": 0.0, "max_value": None, "threshold": 0.0,
                        "approximate": False}


def keras_activation(activation):
    """The Keras activation for a scratch_nn activation object (name and parameters)."""
    name = activation.name
    try:
        fn = keras.activations.get(name)
    except ValueError as err:
        raise ValueError(f"activation {name!r} has no Keras counterpart") from err
    kwargs = {arg: getattr(activation, arg) for arg in _ACTIVATION_ARGS.get(name, ())}
    if name in ("relu", "gelu"):  # Keras's own function when every argument is at its default
        kwargs = {k: v for k, v in kwargs.items() if v != _ACTIVATION_DEFAULTS[k]}
    return functools.partial(fn, **kwargs) if kwargs else fn


def scratch_activation(fn):
    """The scratch_nn activation object of a Keras activation function (or a `functools.partial` of one).

    Raises:
        ValueError: the function has no scratch_nn counterpart.
    """
    kwargs = dict(fn.keywords) if isinstance(fn, functools.partial) else {}
    name = (fn.func if isinstance(fn, functools.partial) else fn).__name__
    activation = scratch_nn.activations.get(name)
    return type(activation)(**kwargs) if kwargs else activation


def keras_regularizer(regularizer):
    """The Keras regularizer with the same `l1`/`l2` factors, or None."""
    if regularizer is None:
        return None
    l1, l2 = getattr(regularizer, "l1", 0.0), getattr(regularizer, "l2", 0.0)
    if not l1:
        return keras.regularizers.L2(l2)
    if not l2:
        return keras.regularizers.L1(l1)
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def keras_initializer(initializer):
    """The Keras initializer of the same class, with the scratch_nn object's constructor arguments.

    Raises:
        ValueError: Keras has no initializer class of that name (a user's own class).
    """
    kind = type(initializer).__name__
    cls = getattr(keras.initializers, kind, None)
    if cls is None or not callable(cls):
        raise ValueError(f"initializer {kind} has no Keras counterpart")
    parameters = list(inspect.signature(type(initializer).__init__).parameters.values())[1:]
    arguments = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return cls(**{a: getattr(initializer, a) for a in arguments})


def _initializer_or_default(initializer, default):
    """`keras_initializer`, or Keras's default for a user's own class: the weights are copied anyway."""
    try:
        return keras_initializer(initializer)
    except ValueError:
        return default


def _dense(layer, dtype):
    return keras.layers.Dense(
        layer.units,
        activation=keras_activation(layer.activation),
        use_bias=layer.use_bias,
        kernel_initializer=_initializer_or_default(layer.kernel_initializer, "glorot_uniform"),
        bias_initializer=_initializer_or_default(layer.bias_initializer, "zeros"),
        kernel_regularizer=keras_regularizer(layer.kernel_regularizer),
        bias_regularizer=keras_regularizer(layer.bias_regularizer),
        dtype=dtype,
    )


def _batch_normalization(layer, dtype):
    return keras.layers.BatchNormalization(
        axis=layer.axis, momentum=layer.momentum, epsilon=layer.epsilon,
        center=layer.center, scale=layer.scale, dtype=dtype,
    )


#: Layers that convert by copying these constructor arguments, both ways, each
#: read from the attribute of the same name (Normalization's given statistics:
#: `input_mean` and `input_variance`, in both libraries).
_BLOCK_ARGS = {
    "Rescaling": {"scale": "scale", "offset": "offset"},
    "Normalization": {"axis": "axis", "mean": "input_mean", "variance": "input_variance",
                      "invert": "invert"},
    "LayerNormalization": {"axis": "axis", "epsilon": "epsilon", "center": "center",
                           "scale": "scale"},
    "ReLU": {"max_value": "max_value", "negative_slope": "negative_slope", "threshold": "threshold"},
    "LeakyReLU": {"negative_slope": "negative_slope"},
    "PReLU": {"shared_axes": "shared_axes"},
    "ELU": {"alpha": "alpha"},
    "GaussianNoise": {"stddev": "stddev", "seed": "seed"},
    "GaussianDropout": {"rate": "rate", "seed": "seed"},
    "AlphaDropout": {"rate": "rate", "noise_shape": "noise_shape", "seed": "seed"},
    "ActivityRegularization": {"l1": "l1", "l2": "l2"},
    "Reshape": {"target_shape": "target_shape"},
}


def _block_builder(library, kind):
    """A builder of layer `kind` in `library` (a `layers` module) from the other library's layer."""
    def build(layer, dtype):
        kwargs = {arg: getattr(layer, attr) for arg, attr in _BLOCK_ARGS[kind].items()}
        return getattr(library, kind)(**kwargs, dtype=dtype)
    return build


_LAYER_BUILDERS = {
    **{kind: _block_builder(keras.layers, kind) for kind in _BLOCK_ARGS},
    "Dense": _dense,
    "Flatten": lambda layer, dtype: keras.layers.Flatten(dtype=dtype),
    "Dropout": lambda layer, dtype: keras.layers.Dropout(layer.rate, seed=layer.seed, dtype=dtype),
    "BatchNormalization": _batch_normalization,
    "Activation": lambda layer, dtype: keras.layers.Activation(
        keras_activation(layer.activation), dtype=dtype
    ),
}


def keras_layer(layer, dtype=None):
    """The Keras layer with the hyperparameters of a scratch_nn layer (no weights).

    Raises:
        ValueError: the layer type has no Keras mapping here.
    """
    kind = type(layer).__name__
    if kind not in _LAYER_BUILDERS:
        raise ValueError(
            f"layer {layer.name!r} of type {kind} has no Keras mapping; "
            f"supported: {sorted(_LAYER_BUILDERS)}"
        )
    return _LAYER_BUILDERS[kind](layer, dtype or layer.dtype)


def keras_twin_layer(layer, dtype=None):
    """A built Keras layer with a built scratch_nn layer's hyperparameters and weights."""
    twin = keras_layer(layer, dtype)
    twin.build((None, *layer.input_shape))
    set_keras_weights(twin, layer.get_weights())
    return twin


def keras_model(scratch_model, input_shape=None, dtype=None):
    """A built `keras.Sequential` with the same layers as a scratch_nn `Sequential`.

    Args:
        scratch_model: a scratch_nn Sequential; its first layer must know its
            input shape (built, or given `input_shape`), unless `input_shape` is passed.
        input_shape: shape of one sample, overriding the model's.
        dtype: float dtype of the Keras layers; the scratch_nn layers' dtype by default.

    Raises:
        ValueError: a layer cannot be mapped (the message names it), or the
            input shape is unknown.
    """
    layers = list(scratch_model.layers)
    if not layers:
        raise ValueError("keras_model: the scratch_nn model has no layers")
    input_shape = input_shape or layers[0].input_shape
    if input_shape is None:
        raise ValueError(
            "keras_model: the scratch_nn model's input shape is unknown; build it or pass input_shape"
        )
    dtype = dtype or layers[0].dtype
    index = 0
    try:
        twins = []
        for index, layer in enumerate(layers):
            twins.append(keras_layer(layer, dtype))
    except ValueError as err:
        raise ValueError(f"keras_model: layer {index}: {err}") from err
    return keras.Sequential([keras.Input(tuple(input_shape), dtype=dtype), *twins])


_LOSSES = ("SparseCategoricalCrossentropy", "CategoricalCrossentropy", "MeanSquaredError",
           "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber",
           "LogCosh", "CosineSimilarity", "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence",
           "Poisson")
#: The loss arguments carried across, where the class has them.
_LOSS_ARGS = ("from_logits", "label_smoothing", "delta", "axis")


def keras_loss(loss, dtype=None):
    """The Keras loss for a scratch_nn loss object (same class name and arguments: `from_logits`, `delta`...).

    Args:
        dtype: the Keras loss's dtype (`floatx()` by default). A float64
            comparison needs float64 here: a float32 loss casts its input,
            dropping the `_keras_logits` a softmax output carries.
    """
    kind = type(loss).__name__
    if kind not in _LOSSES:
        raise ValueError(f"loss {kind} has no Keras mapping; supported: {sorted(_LOSSES)}")
    kwargs = {"dtype": dtype} if dtype is not None else {}
    kwargs.update({arg: getattr(loss, arg) for arg in _LOSS_ARGS if hasattr(loss, arg)})
    return getattr(keras.losses, kind)(**kwargs)


def keras_schedule(schedule):
    """The Keras ExponentialDecay for a scratch_nn one, computing in `floatx()`.

    Keras's schedule computes in the dtype of `initial_learning_rate`; a
    Python float would make it float32, so it is passed as a NumPy scalar of
    the current `floatx()`.
    """
    kind = type(schedule).__name__
    if kind != "ExponentialDecay":
        raise ValueError(f"learning-rate schedule {kind} has no Keras mapping; supported: ExponentialDecay")
    initial = np.dtype(keras.config.floatx()).type(schedule.initial_learning_rate)
    return keras.optimizers.schedules.ExponentialDecay(
        initial, schedule.decay_steps, schedule.decay_rate, staircase=schedule.staircase
    )


_OPTIMIZER_ARGS = {
    "SGD": ("momentum", "nesterov"),
    "Adam": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "RMSprop": ("rho", "momentum", "epsilon", "centered"),
    "Adagrad": ("initial_accumulator_value", "epsilon"),
    "Adadelta": ("rho", "epsilon"),
    "Adamax": ("beta_1", "beta_2", "epsilon"),
    "AdamW": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "Lion": ("beta_1", "beta_2"),
    "Ftrl": ("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
             "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"),
}


def keras_optimizer(optimizer):
    """A fresh Keras optimizer with a scratch_nn optimizer's hyperparameters.

    Call it under `oracle.keras_floatx(dtype)` for a float64 comparison: Keras
    keeps the learning rate in `floatx()`.
    """
    kind = type(optimizer).__name__
    if kind not in _OPTIMIZER_ARGS:
        raise ValueError(f"optimizer {kind} has no Keras mapping; supported: {sorted(_OPTIMIZER_ARGS)}")
    # The schedule object, if any: scratch_nn's public `learning_rate` is its current value.
    learning_rate = optimizer._learning_rate
    if not isinstance(learning_rate, (int, float)):
        learning_rate = keras_schedule(learning_rate)
    kwargs = {name: getattr(optimizer, name) for name in _OPTIMIZER_ARGS[kind]}
    if "momentum" in kwargs:
        kwargs["momentum"] = float(kwargs["momentum"])
    return getattr(keras.optimizers, kind)(
        learning_rate=learning_rate, weight_decay=optimizer.weight_decay, **kwargs
    )


def _scratch_regularizer(regularizer):
    """The scratch_nn ``L1L2`` with a Keras regularizer's ``l1``/``l2`` factors, or None."""
    if regularizer is None:
        return None
    config = regularizer.get_config()
    return scratch_nn.regularizers.L1L2(l1=config.get("l1", 0.0), l2=config.get("l2", 0.0))


def _scratch_initializer(initializer):
    """The scratch_nn initializer of a Keras initializer object: same class, same config.

    The weights are copied after, so this is what the layer says it was drawn
    with (the doctor reads it: a ``Zeros`` kernel is not a glorot_uniform one).

    Raises:
        ValueError: the Keras initializer class has no scratch_nn counterpart.
    """
    base = scratch_nn.initializers.Initializer
    supported = {name: cls for name, cls in vars(scratch_nn.initializers).items()
                 if isinstance(cls, type) and issubclass(cls, base) and cls is not base}
    kind = type(initializer).__name__
    if kind not in supported:
        raise ValueError(f"Keras initializer {kind} has no scratch_nn counterpart; "
                         f"supported: {sorted(supported)}")
    cls = supported[kind]
    accepted = inspect.signature(cls.__init__).parameters
    # Keras's Identity leaves `gain` out of its config: the attributes first, the config over them.
    public = {k: v for k, v in vars(initializer).items() if not k.startswith("_")}
    config = {**public, **initializer.get_config()}
    return cls(**{k: v for k, v in config.items() if k in accepted})


def _scratch_dense(layer, dtype):
    return scratch_nn.layers.Dense(
        layer.units, activation=scratch_activation(layer.activation), use_bias=layer.use_bias,
        kernel_initializer=_scratch_initializer(layer.kernel_initializer),
        bias_initializer=_scratch_initializer(layer.bias_initializer),
        kernel_regularizer=_scratch_regularizer(layer.kernel_regularizer),
        bias_regularizer=_scratch_regularizer(layer.bias_regularizer), dtype=dtype)


def _scratch_batch_normalization(layer, dtype):
    return scratch_nn.layers.BatchNormalization(
        axis=layer.axis, momentum=layer.momentum, epsilon=layer.epsilon,
        center=layer.center, scale=layer.scale, dtype=dtype)


def _scratch_prelu(layer, dtype):
    return scratch_nn.layers.PReLU(alpha_initializer=_scratch_initializer(layer.alpha_initializer),
                                   shared_axes=layer.shared_axes, dtype=dtype)


def _scratch_layer_normalization(layer, dtype):
    return scratch_nn.layers.LayerNormalization(
        axis=layer.axis, epsilon=layer.epsilon, center=layer.center, scale=layer.scale,
        beta_initializer=_scratch_initializer(layer.beta_initializer),
        gamma_initializer=_scratch_initializer(layer.gamma_initializer), dtype=dtype)


_SCRATCH_LAYER_BUILDERS = {
    **{kind: _block_builder(scratch_nn.layers, kind) for kind in _BLOCK_ARGS},
    "PReLU": _scratch_prelu,
    "LayerNormalization": _scratch_layer_normalization,
    "Dense": _scratch_dense,
    "Flatten": lambda layer, dtype: scratch_nn.layers.Flatten(dtype=dtype),
    "Dropout": lambda layer, dtype: scratch_nn.layers.Dropout(layer.rate, seed=layer.seed,
                                                              dtype=dtype),
    "BatchNormalization": _scratch_batch_normalization,
    "Activation": lambda layer, dtype: scratch_nn.layers.Activation(
        scratch_activation(layer.activation), dtype=dtype),
}


def scratch_layer(layer):
    """The scratch_nn layer with the hyperparameters of a Keras layer (no weights).

    Raises:
        ValueError: the layer type has no scratch_nn counterpart.
    """
    kind = type(layer).__name__
    if kind not in _SCRATCH_LAYER_BUILDERS:
        raise ValueError(f"Keras layer {layer.name!r} of type {kind} has no scratch_nn "
                         f"counterpart; supported: {sorted(_SCRATCH_LAYER_BUILDERS)}")
    return _SCRATCH_LAYER_BUILDERS[kind](layer, layer.dtype)


def scratch_optimizer(optimizer):
    """A fresh scratch_nn optimizer with a Keras optimizer's class and hyperparameters.

    Every argument the scratch_nn class accepts is read from the Keras
    ``get_config()``; the learning rate is the Keras optimizer's current one.
    """
    name = type(optimizer).__name__
    if name not in _OPTIMIZER_ARGS:
        raise ValueError(f"Keras optimizer {name} has no scratch_nn counterpart; "
                         f"supported: {sorted(_OPTIMIZER_ARGS)}")
    cls = getattr(scratch_nn.optimizers, name)
    accepted = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in optimizer.get_config().items()
              if k in accepted and k not in ("name", "learning_rate")}
    return cls(learning_rate=float(optimizer.learning_rate), **kwargs)


def scratch_loss(loss):
    """The scratch_nn loss for a Keras loss: a name, a loss function, or an object (class and arguments).

    An object's arguments are read from its config and, where Keras keeps
    them only there (`Huber`'s `delta`, `CosineSimilarity`'s `axis`), from
    the arguments it passes its function.
    """
    if isinstance(loss, str):
        return scratch_nn.losses.get(loss)
    kind = type(loss).__name__
    if kind not in _LOSSES:
        name = getattr(loss, "__name__", None)
        if callable(loss) and name in scratch_nn.losses._CLASSES:  # keras.losses.huber...
            return scratch_nn.losses.get(name)
        raise ValueError(f"Keras loss {loss!r} has no scratch_nn counterpart; supported: "
                         f"{sorted(_LOSSES)} or their names")
    arguments = {**getattr(loss, "_fn_kwargs", {}), **loss.get_config()}
    kwargs = {arg: arguments[arg] for arg in _LOSS_ARGS if arg in arguments}
    return getattr(scratch_nn.losses, kind)(**kwargs)


def scratch_model(keras_model):
    """The compiled scratch_nn twin of a compiled, built Keras ``Sequential``, weights copied.

    Same layers and hyperparameters (`scratch_layer`), the Keras weights
    copied by `keras_ref.transfer.keras_to_scratch`, the same loss, and a
    fresh optimizer of the same class and hyperparameters (`scratch_optimizer`:
    no slots, iteration 0). Metrics are not carried over.

    Raises:
        ValueError: the model is not compiled or not built, or has a layer,
            optimizer or loss without a scratch_nn counterpart.
    """
    if getattr(keras_model, "optimizer", None) is None or getattr(keras_model, "loss", None) is None:
        raise ValueError("scratch_model: compile the Keras model first (model.compile(optimizer, loss))")
    if not keras_model.built:
        raise ValueError("scratch_model: the Keras model is not built; start it with keras.Input(shape)")
    twin = scratch_nn.Sequential(
        [scratch_nn.Input(tuple(keras_model.input_shape[1:])),
         *(scratch_layer(layer) for layer in keras_model.layers)],
        name=f"{keras_model.name}_scratch")
    keras_to_scratch(keras_model, twin)
    twin.compile(optimizer=scratch_optimizer(keras_model.optimizer),
                 loss=scratch_loss(keras_model.loss))
    return twin
