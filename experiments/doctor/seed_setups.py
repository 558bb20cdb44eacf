"""The doctor's MNIST setups: the seed article's examples as the study writes them, with overrides.

A setup starts from one of the study's settings of the article's three
examples (`experiments.seed_examples.AS_WRITTEN`) and any option given
replaces the example's own. The pixels go through
`experiments.data.preprocess` and the model is the MLP of
`experiments.builders.build`, built in scratch_nn: the very code the study
trains, so a diagnosis and a study run describe the same setup.
"""

import scratch_nn
from experiments import backends, builders, data
from experiments.seed_examples import AS_WRITTEN

#: Optimizer names the doctor accepts -> class name of a ``(class name, kwargs)`` spec.
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}


def example_setting(number, optimizer=None, learning_rate=None, **changes):
    """Seed Example ``number`` (1, 2 or 3) as a `Setting`, with overrides.

    Args:
        number: the example, a key of `AS_WRITTEN`.
        optimizer: a name in :data:`OPTIMIZERS`; it replaces the example's
            optimizer, at its default learning rate.
        learning_rate: the learning rate of the optimizer (the example's, or
            ``optimizer``).
        **changes: other `Setting` fields to replace (``preprocessing``,
            ``batch_size``, ``epochs``, ``validation_split``, ``hidden``,
            ``dropout``, ``initializer``); a ``None`` value keeps the example's.

    Raises:
        ValueError: an unknown example, optimizer or preprocessing.
    """
    if number not in AS_WRITTEN:
        raise ValueError(f"example must be one of {sorted(AS_WRITTEN)} (the seed article's "
                         f"examples), received {number!r}")
    preprocessing = changes.get("preprocessing")
    if preprocessing is not None and preprocessing not in data.PREPROCESSING:
        raise ValueError(f"preprocessing must be one of {sorted(data.PREPROCESSING)}, "
                         f"received {preprocessing!r}")
    setting = AS_WRITTEN[number].replace(
        **{name: value for name, value in changes.items() if value is not None})
    if optimizer is not None:
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, received {optimizer!r}")
        setting = setting.replace(optimizer=optimizer)
    if learning_rate is not None:
        spec = setting.optimizer
        name, kwargs = (OPTIMIZERS[spec], {}) if isinstance(spec, str) else spec
        setting = setting.replace(optimizer=(name, {**kwargs, "learning_rate": learning_rate}))
    return setting


def setup_arguments(setting, arrays):
    """``(model, keyword arguments of diagnose)`` for ``setting`` on MNIST ``arrays``.

    Args:
        setting: an `experiments.settings.Setting`.
        arrays: ``(x_train, y_train, x_test, y_test)`` with pixels 0..255, as
            `experiments.data.load` returns them.

    Returns:
        The compiled scratch_nn model (seed the global generator first for
        reproducible weights), and ``x``, ``y``, ``test_data``,
        ``batch_size``, ``epochs``, ``validation_split`` for ``diagnose``.
    """
    x, y, x_test, y_test = arrays
    x, x_test = data.preprocess(scratch_nn, setting.preprocessing, x, x_test, setting.dtype)
    with backends.floatx(scratch_nn, setting.dtype):
        model = builders.build(scratch_nn, setting, "scratch")
    return model, {"x": x, "y": y, "test_data": (x_test, y_test),
                   "batch_size": setting.batch_size, "epochs": setting.epochs,
                   "validation_split": setting.validation_split}
