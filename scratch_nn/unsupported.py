"""Keras names that scratch_nn does not provide: an error that names them, never a silent gap.

Every refusal table is here: the Keras layer and optimizer arguments
scratch_nn does not implement (read by :mod:`scratch_nn.layers.layer_api`
and :mod:`scratch_nn.optimizers.optimizer_api`), and the Keras layers,
callbacks and utilities it does not provide (read by the ``__getattr__`` of
:mod:`scratch_nn.layers`, :mod:`scratch_nn.callbacks` and :mod:`scratch_nn.utils`).
A module whose names are listed gets its ``__getattr__`` from
:func:`module_getattr` (the layers' builds its own message): asking for a
listed name raises ``NotImplementedError`` naming it and the reason; any
other unknown name is the usual ``AttributeError``, so a typo still reads as
one.
"""

#: Keras layer arguments with no scratch_nn counterpart (named in the error).
KERAS_ONLY_LAYER_ARGUMENTS = {"activity_regularizer", "lora_rank", "lora_alpha",
                              "quantization_config", "input_spec"}

#: Keras's base-optimizer arguments scratch_nn does not implement, with their Keras defaults.
KERAS_ONLY_OPTIMIZER_ARGUMENTS = {"clipnorm": None, "use_ema": False, "ema_momentum": 0.99,
                                  "ema_overwrite_frequency": None, "loss_scale_factor": None,
                                  "gradient_accumulation_steps": None}
#: why, where the name does not say it
WHY_NOT_OPTIMIZER_ARGUMENTS = {
    "clipnorm": " (per-variable norms: a model's parameters reach the optimizer as one flat "
                "buffer; use global_clipnorm or clipvalue)"}

#: Keras layers outside an MLP, by family (``scratch_nn.layers``); each name raises when reached.
UNSUPPORTED_LAYERS = {
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

#: Keras callbacks that scratch_nn does not provide, and why (``scratch_nn.callbacks``).
UNSUPPORTED_CALLBACKS = {
    "BackupAndRestore": "fault-tolerant training checkpoints are not built",
    "CSVLogger": "CSV logging is not built; read model.history.history instead",
    "RemoteMonitor": "remote monitoring is not built",
    "SwapEMAWeights": "optimizers here keep no moving average of the weights",
}

#: Keras utilities that scratch_nn does not provide, and why (``scratch_nn.utils``).
UNSUPPORTED_UTILS = {
    "PyDataset": "fit, evaluate and predict take NumPy arrays (x, y) only, not batch generators",
    "plot_model": "drawing a model needs pydot and graphviz; model.summary() prints it",
}


def module_getattr(module, unsupported):
    """A module-level ``__getattr__`` for ``module`` (its Keras path, e.g. ``"keras.utils"``).

    Args:
        module: the Keras module path shown in messages.
        unsupported: ``{name: why it is not provided}``.
    """

    ours = "scratch_nn." + module.split(".", 1)[1]

    def __getattr__(name):
        if name in unsupported:
            raise NotImplementedError(f"{module}.{name} is not supported by scratch_nn: {unsupported[name]}")
        raise AttributeError(f"module {ours!r} has no attribute {name!r}")

    return __getattr__
