"""Layers with Keras's names: ``from scratch_nn.layers import Dense, Flatten, Dropout``."""

from scratch_nn.layers.base import Layer
from scratch_nn.layers.batch_normalization import BatchNormalization
from scratch_nn.layers.core import Activation, Dense, Flatten, Input, InputLayer
from scratch_nn.layers.dropout import Dropout

__all__ = [
    "Activation", "BatchNormalization", "Dense", "Dropout", "Flatten", "Input",
    "InputLayer", "Layer",
]
