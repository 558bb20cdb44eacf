"""Keras's layer API around the lesson's :class:`~scratch_nn.layers.base.Layer`.

What a layer needs to be called as Keras code calls it, kept out of the
class a learner reads (:class:`Layer` inherits it, as Keras's ``Layer``
inherits ``Operation``):

- ``layer(x)`` builds on first use and runs ``forward`` (``__call__``); on
  an ``Input`` or a ``KerasTensor`` it records the call for the functional
  API instead (:mod:`scratch_nn.keras_tensor`);
- ``call(inputs, training)``, Keras's name for ``forward``, and a subclass
  that overrides ``call`` (routed into the forward pass, as below);
- the last-axis check of ``InputSpec(axes={-1: d})``, the constructor's
  ``input_shape``/``input_dim`` (with Keras's warning) and the refusal of
  any other keyword, and the refusal of ``add_loss``.

A subclass that overrides ``call``, as Keras code does (a Dropout that
stays on at inference: ``return super().call(x, training=True)``), has its
``call`` run in every forward pass, and the parent's ``backward``
differentiates it from the cache the parent's forward left. That is only
right when ``call`` returns the parent's output unchanged, so in training a
``call`` that returns anything else is refused, unless the subclass
defines ``backward`` too (scratch_nn has no automatic differentiation).

Mirrors the parts of ``keras/src/layers/layer.py`` and
``keras/src/layers/input_spec.py`` listed above.
"""

import inspect
import warnings

import numpy as np

from scratch_nn.keras_tensor import record_call
from scratch_nn.tensor import SampleShape, as_tensor
from scratch_nn.unsupported import KERAS_ONLY_LAYER_ARGUMENTS


class LayerAPI:
    """Mixin: Keras's ways of calling and constructing a layer (see the module docstring)."""

    def __init_subclass__(cls, **kwargs):
        """Route a subclass's own ``call`` into the forward pass (see the module docstring)."""
        super().__init_subclass__(**kwargs)
        if "call" in cls.__dict__ and "forward" not in cls.__dict__:
            _use_call_as_forward(cls)

    def call(self, inputs, training=None):
        """Keras's name for the forward pass: ``forward(inputs, training)``."""
        return self._forward_impl(inputs, training=bool(training))

    def _forward_impl(self, x, training=False):
        # The forward pass that ``call`` runs; a subclass overriding ``call``
        # gets its parent's forward here (see _use_call_as_forward).
        return self.forward(x, training=training)

    def __call__(self, x, training=False):
        """Build on first use, then run ``forward`` (as calling a Keras layer does); returns a ``Tensor``."""
        if _is_symbolic(x):  # the functional API (scratch_nn/keras_tensor.py): record, compute nothing
            return record_call(self, x)
        x = np.asarray(x)
        if not self.built:
            self.build(SampleShape(x.shape[1:]))
        elif self.checks_last_axis:
            self._check_last_axis(x)
        return as_tensor(self.forward(x, training=training))

    #: whether calling the built layer checks the inputs' last axis (Keras's ``InputSpec(axes={-1: d})``)
    checks_last_axis = False

    def _check_last_axis(self, x):
        expected = self.input_shape[-1] if self.input_shape else None
        if expected is not None and (x.ndim < 2 or x.shape[-1] != expected):
            raise ValueError(  # Keras's words (keras/src/layers/input_spec.py)
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected axis -1 '
                f"of input shape to have value {expected}, but received input with shape "
                f"{x.shape}")

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"

    def _keras_input_shape(self, kwargs):
        """The ``input_shape`` (or ``(input_dim,)``) among a constructor's ``kwargs``, or ``None``.

        Keras 3 accepts both with a warning; any other keyword is refused
        with a ``ValueError`` naming the layer class and the argument.
        """
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        if input_shape is not None:
            # keras/src/layers/layer.py warns the same way
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using "
                "Sequential models, prefer using an `Input(shape)` object as the first layer "
                "in the model instead.", stacklevel=3)
        if kwargs:
            unsupported = sorted(set(kwargs) & KERAS_ONLY_LAYER_ARGUMENTS)
            hint = (f" ({', '.join(unsupported)}: a Keras argument that scratch_nn does not "
                    "support)") if unsupported else ""
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}{hint}"
            )
        return input_shape

    def add_loss(self, loss):
        """Refused: Keras adds ``loss`` to the training loss and differentiates it automatically.

        scratch_nn has no automatic differentiation, so a term added from a
        layer's ``call`` could not reach the gradients; raises
        ``NotImplementedError`` naming the layer (``keras/src/layers/layer.py``
        ``add_loss``). Weight penalties are ``kernel_regularizer=``.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.add_loss is not supported by scratch_nn: with no automatic "
            "differentiation an added loss term cannot reach the gradients; use "
            "kernel_regularizer= for weight penalties"
        )


def _is_symbolic(x):
    """Whether ``x`` is an ``Input`` or a ``KerasTensor``, or a list holding one."""
    if isinstance(x, (list, tuple)):
        return any(_is_symbolic(item) for item in x)
    return isinstance(x, LayerAPI) or getattr(x, "is_keras_tensor", False)


def _use_call_as_forward(cls):
    """Make ``cls.call`` the forward pass, with the parent's forward behind ``super().call``.

    The parent's ``backward`` differentiates the parent's forward, so it is
    used only when ``call`` returns exactly what the parent's forward
    returned; in training anything else raises, unless ``cls`` defines
    ``backward`` itself.
    """
    user_call = cls.__dict__["call"]
    parent_forward = cls.forward
    takes_training = "training" in inspect.signature(user_call).parameters
    own_backward = "backward" in cls.__dict__

    def _forward_impl(self, x, training=False):
        out = parent_forward(self, x, training=training)
        self._parent_output = out
        return out

    def forward(self, x, training=False):
        self._parent_output = None
        out = user_call(self, x, training=training) if takes_training else user_call(self, x)
        if training and not own_backward and out is not self._parent_output:
            parent = cls.__mro__[1].__name__
            raise NotImplementedError(
                f"{cls.__name__}.call computes something other than {parent}'s forward pass "
                f"(it must return super().call(...) unchanged), and {cls.__name__} defines no "
                "backward(dout, need_input_grad). scratch_nn has no automatic differentiation: "
                f"define backward, or train without {cls.__name__}.call"
            )
        return out

    cls._forward_impl = _forward_impl
    cls.forward = forward
