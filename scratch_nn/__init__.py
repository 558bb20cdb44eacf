"""scratch_nn: a from-scratch NumPy multilayer perceptron with the Keras 3 API.

Code written for Keras runs with ``import scratch_nn as keras``::

    import scratch_nn as keras
    from scratch_nn.layers import Dense, Flatten

    model = keras.Sequential([Flatten(input_shape=(28, 28)),
                              Dense(128, activation="relu"),
                              Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train / 255.0, y_train, epochs=1, batch_size=128)

The package imports NumPy and nothing else.
"""

from scratch_nn import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    ops,
    optimizers,
    regularizers,
    saving,
    utils,
)
from scratch_nn.layers import Input
from scratch_nn.models import Model, Sequential

__version__ = "0.2.0"

__all__ = [
    "Input", "Model", "Sequential", "activations", "backend", "callbacks", "constraints",
    "datasets", "initializers", "layers", "losses", "metrics", "ops", "optimizers", "regularizers",
    "saving", "utils",
]
