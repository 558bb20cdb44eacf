"""Keras names that scratch_nn does not provide: an error that names them, never a silent gap.

The refusal tables of the constructors (Keras's layer and optimizer
arguments scratch_nn does not implement) are here, read by
:mod:`scratch_nn.layers.layer_api` and :mod:`scratch_nn.optimizers.optimizer_api`.
A module what it leaves out, with why, and gets its ``__getattr__``
from :func:`module_getattr`: asking for a listed name raises
``NotImplementedError`` naming it and the reason; any other unknown name is
the usual ``AttributeError``, so a typo still reads as one.
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
