"""Layers with Keras's names: ``from scratch_nn.layers import Dense, Flatten, Dropout``.

Keras layers that scratch_nn does not build (convolutions, pooling,
recurrent layers, embeddings...) are still reachable by name, and raise a
``NotImplementedError`` that names them.
"""

from scratch_nn.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU
from scratch_nn.layers.base import Layer
from scratch_nn.layers.batch_normalization import BatchNormalization
from scratch_nn.layers.core import (
    Activation,
    Dense,
    Flatten,
    Input,
    InputLayer,
    Softmax,
)
from scratch_nn.layers.dropout import Dropout
from scratch_nn.layers.noise import AlphaDropout, GaussianDropout, GaussianNoise
from scratch_nn.layers.normalization import LayerNormalization
from scratch_nn.layers.preprocessing import Normalization, Rescaling
from scratch_nn.layers.regularization import ActivityRegularization
from scratch_nn.layers.reshaping import Reshape
from scratch_nn.unsupported import UNSUPPORTED_LAYERS

__all__ = [
    "ELU", "Activation", "ActivityRegularization", "AlphaDropout", "BatchNormalization",
    "Dense", "Dropout", "Flatten", "GaussianDropout", "GaussianNoise", "Input", "InputLayer",
    "Layer", "LayerNormalization", "LeakyReLU", "Normalization", "PReLU", "ReLU", "Rescaling",
    "Reshape", "Softmax",
]

_FAMILY = {name: family for family, names in UNSUPPORTED_LAYERS.items() for name in names}


def __getattr__(name):
    if name in _FAMILY:
        raise NotImplementedError(
            f"keras.layers.{name} is not supported by scratch_nn, which builds multilayer "
            f"perceptrons only ({_FAMILY[name]} are not built); supported layers: "
            f"{', '.join(__all__)}"
        )
    raise AttributeError(f"module 'scratch_nn.layers' has no attribute {name!r}")
