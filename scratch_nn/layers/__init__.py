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

__all__ = [
    "ELU", "Activation", "ActivityRegularization", "AlphaDropout", "BatchNormalization",
    "Dense", "Dropout", "Flatten", "GaussianDropout", "GaussianNoise", "Input", "InputLayer",
    "Layer", "LayerNormalization", "LeakyReLU", "Normalization", "PReLU", "ReLU", "Rescaling",
    "Reshape", "Softmax",
]

#: Keras layers outside an MLP, by family; each name raises when reached.
_UNSUPPORTED = {
    "convolutions": ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
                     "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D",
                     "DepthwiseConv1D", "DepthwiseConv2D"),
    "pooling": ("MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
                "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D",
                "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
                "MaxPool2D", "AvgPool2D"),
    "recurrent layers": ("LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "LSTMCell",
                         "GRUCell", "SimpleRNNCell", "ConvLSTM2D"),
    "embeddings and attention": ("Embedding", "MultiHeadAttention", "Attention"),
    "merging layers (branching graphs)": ("Concatenate", "Add", "Multiply", "Average",
                                          "Subtract", "Dot", "Maximum", "Minimum"),
    "image preprocessing and reshaping": ("Resizing", "RandomFlip", "RandomRotation",
                                          "RandomZoom", "ZeroPadding2D", "UpSampling2D",
                                          "Cropping2D"),
    "other Keras layers": ("GroupNormalization", "Lambda", "TextVectorization",
                           "SpatialDropout2D", "TimeDistributed"),
}
_FAMILY = {name: family for family, names in _UNSUPPORTED.items() for name in names}


def __getattr__(name):
    if name in _FAMILY:
        raise NotImplementedError(
            f"keras.layers.{name} is not supported by scratch_nn, which builds multilayer "
            f"perceptrons only ({_FAMILY[name]} are not built); supported layers: "
            f"{', '.join(__all__)}"
        )
    raise AttributeError(f"module 'scratch_nn.layers' has no attribute {name!r}")
