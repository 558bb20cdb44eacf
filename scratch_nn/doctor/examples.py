"""The seed article's three MNIST examples as doctor setups, and the CLI's setup builder.

Each example is plain data: the preprocessing, optimizer, batch size, epochs,
validation split and dropout the article's code uses, on its model
``Flatten -> Dense(128, relu) [-> Dropout] -> Dense(10, softmax)``.

1. SGD with its default rate 0.01, raw 0-255 pixels, batch 32, 10 epochs.
2. Adam (default 1e-3), raw pixels, batch 128, 50 epochs, 20% validation.
3. ``normalize(x_train, axis=1)`` with x_test left raw, Adam 1e-3, Dropout
   0.2, batch 256, 50 epochs, 20% validation.

(The experiments package has the same preprocessings for its study; the
doctor keeps its own copy because scratch_nn imports nothing outside itself.)
"""

import numpy as np

from scratch_nn import initializers, layers, optimizers, utils
from scratch_nn.layers import Input
from scratch_nn.models import Sequential

EXAMPLES = {
    1: {"preprocessing": "raw", "optimizer": "sgd", "learning_rate": None, "batch_size": 32,
        "epochs": 10, "validation_split": 0.0, "dropout": 0.0},
    2: {"preprocessing": "raw", "optimizer": "adam", "learning_rate": None, "batch_size": 128,
        "epochs": 50, "validation_split": 0.2, "dropout": 0.0},
    3: {"preprocessing": "normalize_train_only", "optimizer": "adam", "learning_rate": 1e-3,
        "batch_size": 256, "epochs": 50, "validation_split": 0.2, "dropout": 0.2},
}

#: Name -> function(x_train, x_test) -> (x_train, x_test), pixels given as 0..255.
PREPROCESSING = {
    "raw": lambda train, test: (train, test),
    "scale": lambda train, test: (train / 255.0, test / 255.0),
    "normalize": lambda train, test: (utils.normalize(train, axis=1), utils.normalize(test, axis=1)),
    "normalize_train_only": lambda train, test: (utils.normalize(train, axis=1), test),
}


def build_model(hidden=(128,), dropout=0.0, optimizer="sgd", learning_rate=None,
                initializer="glorot_uniform"):
    """The seed's MLP for 28x28 images, compiled with sparse cross-entropy and accuracy."""
    stack = [Input((28, 28)), layers.Flatten()]
    for width in hidden:
        stack.append(layers.Dense(width, activation="relu",
                                  kernel_initializer=initializers.get(initializer)))
        if dropout:
            stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(10, activation="softmax",
                              kernel_initializer=initializers.get(initializer)))
    model = Sequential(stack)
    opt = optimizers.get(optimizer)
    if learning_rate is not None:
        opt.learning_rate = learning_rate
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def setup_arguments(mnist, preprocessing="raw", train_size=None, test_size=None, dtype="float32",
                    **model_options):
    """``(model, kwargs for diagnose)`` for MNIST arrays ``((x, y), (x_test, y_test))``.

    Args:
        mnist: what ``scratch_nn.datasets.mnist.load_data()`` returns.
        preprocessing: a name in :data:`PREPROCESSING`.
        train_size, test_size: keep the first samples only (None: all).
        **model_options: for :func:`build_model`, plus ``batch_size``,
            ``epochs`` and ``validation_split`` for ``diagnose``.
    """
    if preprocessing not in PREPROCESSING:
        raise ValueError(f"unknown preprocessing {preprocessing!r}; choose from {sorted(PREPROCESSING)}")
    (x, y), (x_test, y_test) = mnist
    x, y, x_test, y_test = x[:train_size], y[:train_size], x_test[:test_size], y_test[:test_size]
    x, x_test = PREPROCESSING[preprocessing](np.asarray(x, dtype), np.asarray(x_test, dtype))
    fit = {k: model_options.pop(k) for k in ("batch_size", "epochs", "validation_split")
           if k in model_options}
    model = build_model(**model_options)
    return model, {"x": np.asarray(x, dtype), "y": y, "test_data": (np.asarray(x_test, dtype), y_test),
                   **fit}


def example_arguments(number, mnist, **overrides):
    """``(model, diagnose kwargs)`` of the seed's Example ``number`` (1, 2 or 3), with overrides."""
    if number not in EXAMPLES:
        raise ValueError(f"unknown example {number!r}; the seed article has examples 1, 2 and 3")
    options = {**EXAMPLES[number], **{k: v for k, v in overrides.items() if v is not None}}
    return setup_arguments(mnist, **options)
