"""Keras names that scratch_nn does not provide: an error that names them, never a silent gap.

A module lists what it leaves out, with why, and gets its ``__getattr__``
from :func:`module_getattr`: asking for a listed name raises
``NotImplementedError`` naming it and the reason; any other unknown name is
the usual ``AttributeError``, so a typo still reads as one.
"""


#: Keras layer arguments with no scratch_nn counterpart (named in the error).
KERAS_ONLY_LAYER_ARGUMENTS = {"activity_regularizer", "lora_rank", "lora_alpha",
                              "quantization_config", "input_spec"}


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
