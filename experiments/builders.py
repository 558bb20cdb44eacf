"""Turn a `Setting` into a compiled model, with the Keras calls a user would write.

``K`` is the backend module (``keras`` or ``scratch_nn``); nothing here knows
which one it is, which is the point: both backends run this same code. The
one exception is `resolve`: a learning rate of `RANGE_TEST` is found by the
doctor's range test on a scratch_nn twin, whichever backend then trains.
"""

from experiments import backends

#: A learning rate to find, just before ``fit``, with the doctor's range test.
RANGE_TEST = "range_test"


def _from_spec(namespace, spec):
    """A name string as is, or ``(class name, kwargs)`` instantiated from ``namespace``."""
    if isinstance(spec, str):
        return spec
    name, kwargs = spec
    return getattr(namespace, name)(**kwargs)


def optimizer(K, setting):
    """The optimizer of ``setting``: a string for ``compile`` or an optimizer object."""
    return _from_spec(K.optimizers, setting.optimizer)


def learning_rate(setting):
    """The learning rate ``setting`` gives its optimizer as a number, or None (a default)."""
    if isinstance(setting.optimizer, str):
        return None
    rate = setting.optimizer[1].get("learning_rate")
    return float(rate) if isinstance(rate, (int, float)) else None


def resolve(setting, x, y, seed):
    """``setting`` with a `RANGE_TEST` learning rate replaced by the doctor's suggestion.

    The suggestion (`experiments.doctor.learning_rate.suggest_learning_rate`)
    comes from the range test on the same architecture built in scratch_nn
    with ``seed``, on ``x, y``: the training part only, as ``fit`` will split
    it. Keras runs get the same number (the same maths, weights and batches).
    Any other setting is returned as it is.
    """
    if isinstance(setting.optimizer, str) or setting.optimizer[1].get("learning_rate") != RANGE_TEST:
        return setting
    from experiments.doctor.learning_rate import suggest_learning_rate
    from scratch_nn import data

    scratch, _ = backends.load("scratch")
    name, kwargs = setting.optimizer
    if setting.validation_split:
        (x, y), _ = data.split_validation(x, y, setting.validation_split)
    # The twin's rate is irrelevant: the range test sweeps its own.
    twin = setting.replace(optimizer=(name, {**kwargs, "learning_rate": 0.01}))
    with backends.floatx(scratch, setting.dtype):
        scratch.utils.set_random_seed(seed)
        rate = suggest_learning_rate(build(scratch, twin, "scratch"), x, y,
                                     batch_size=setting.batch_size, seed=seed)
    return setting.replace(optimizer=(name, {**kwargs, "learning_rate": float(rate)}))


def dense(K, setting, units, activation):
    """A Dense layer with the setting's initializer and regularizer."""
    regularizer = K.regularizers.l2(setting.l2) if setting.l2 else None
    return K.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=_from_spec(K.initializers, setting.initializer),
        kernel_regularizer=regularizer,
    )


def build(K, setting, backend):
    """A compiled ``K.Sequential`` MLP for 28x28 images and 10 classes.

    Flatten, then per hidden width a Dense (plus Dropout when the setting asks),
    then Dense(10, softmax); sparse categorical cross-entropy and accuracy, as
    in the seed article. ``compile_options`` are passed on Keras only.

    Args:
        K: the backend module.
        setting: an `experiments.settings.Setting`.
        backend: the backend's name (``"keras"`` or ``"scratch"``).
    """
    layers = [K.Input((28, 28)), K.layers.Flatten()]
    for width in setting.hidden:
        layers.append(dense(K, setting, width, setting.activation))
        if setting.dropout:
            layers.append(K.layers.Dropout(setting.dropout))
    layers.append(dense(K, setting, 10, "softmax"))
    model = K.Sequential(layers)
    options = setting.compile_options if backend == "keras" else {}
    model.compile(
        optimizer=optimizer(K, setting),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        **options,
    )
    return model


def callbacks(K, setting):
    """The setting's own callbacks (EarlyStopping), as it would pass them to ``fit``."""
    if setting.early_stopping is None:
        return []
    return [K.callbacks.EarlyStopping(**setting.early_stopping)]
