"""The Layer base class: weights, their gradients, build and the forward/backward contract.

Mirrors the parts of ``keras/src/layers/layer.py`` a small MLP needs. A layer
holds its trainable parameters in ``params`` (name -> array, Keras names:
``kernel``, ``bias``, ``gamma``, ``beta``) and, after ``backward``, their
gradients in ``grads`` under the same names. Non-trainable state
(``moving_mean``...) lives in ``state``. ``weights`` lists them all in Keras's
order, so ``get_weights`` / ``set_weights`` map one to one onto Keras.

Arrays are updated in place, never rebound: a :class:`~scratch_nn.network.Network`
packs every parameter into one flat buffer and keeps the layers' arrays as
views of it, so an optimizer can update the whole model in a few NumPy calls.
"""

import inspect
import warnings

import numpy as np

from scratch_nn.config import standardize_dtype
from scratch_nn.keras_tensor import record_call
from scratch_nn.serialization import Configurable
from scratch_nn.tensor import SampleShape, as_tensor

_name_counts = {}


def unique_name(prefix):
    """Return ``prefix``, then ``prefix_1``, ``prefix_2``... as Keras names layers."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


class Layer(Configurable):
    """Base class for layers.

    Subclasses implement ``build(input_shape)`` (create weights with
    :meth:`add_weight`), ``forward(x, training=False)`` and
    ``backward(dout, need_input_grad=True)``, and
    ``compute_output_shape(input_shape)``. Shapes exclude the batch axis.

    ``forward`` is Keras's ``call``: ``layer.call(x, training=...)`` runs
    it. A subclass may override ``call`` instead, as Keras code does (a
    Dropout that stays on at inference: ``return super().call(x,
    training=True)``); its ``call`` then runs in every forward pass, and the
    parent's ``backward`` differentiates it from the cache the parent's
    forward left. That is only right when ``call`` returns the parent's
    output unchanged, so in training a ``call`` that returns anything else
    is refused, unless the subclass defines ``backward`` too
    (scratch_nn has no automatic differentiation).

    Args:
        trainable: whether the optimizer updates this layer's weights.
        dtype: float dtype of the weights, ``floatx()`` when ``None``.
        name: layer name; a unique one is made from the class name otherwise.
        input_shape, input_dim: the shape of one sample (``input_dim=d``
            means ``(d,)``); Keras 3 accepts them with a warning, and a
            :class:`Sequential` builds from its first layer's.

    Any other keyword argument raises ``ValueError``, naming the layer class
    and the argument, as Keras does.

    ``get_config()`` / ``from_config()`` come from
    :class:`~scratch_nn.serialization.Configurable`: the constructor's
    arguments with ``name``, ``dtype`` and ``trainable``, as Keras's layer
    config (``autocast`` is accepted and not kept, as in Keras).
    """

    _config_ignored = ("autocast",)

    def __init__(self, *, trainable=True, dtype=None, name=None, autocast=True, **kwargs):
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self.dtype = standardize_dtype(dtype)
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        if input_shape is not None:
            # keras/src/layers/layer.py warns the same way
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using "
                "Sequential models, prefer using an `Input(shape)` object as the first layer "
                "in the model instead.", stacklevel=2)
        if kwargs:
            unsupported = sorted(set(kwargs) & _KERAS_ONLY_ARGUMENTS)
            hint = (f" ({', '.join(unsupported)}: a Keras argument that scratch_nn does not "
                    "support)") if unsupported else ""
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}{hint}"
            )
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.trainable = trainable
        self.built = False
        self.params = {}
        self.grads = {}
        self.state = {}
        self._weight_order = []

    def __init_subclass__(cls, **kwargs):
        """Route a subclass's own ``call`` into the forward pass (see the class docstring)."""
        super().__init_subclass__(**kwargs)
        if "call" in cls.__dict__ and "forward" not in cls.__dict__:
            _use_call_as_forward(cls)

    # -- weights -----------------------------------------------------------
    def add_weight(self, name, shape, initializer, trainable=True, dtype=None):
        """Create a weight with ``initializer(shape, dtype)``; trainable ones get a gradient slot.

        ``dtype`` is the layer's unless given (a counter is an integer).
        """
        dtype = self.dtype if dtype is None else dtype
        # np.array, not np.ascontiguousarray: that one turns a scalar weight into shape (1,)
        value = np.array(initializer(tuple(shape), dtype), dtype=dtype, order="C")
        if trainable:
            self.params[name] = value
            self.grads[name] = np.zeros_like(value)
        else:
            self.state[name] = value
        self._weight_order.append(name)
        return value

    def _weight(self, name):
        return self.params[name] if name in self.params else self.state[name]

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

    @property
    def weights(self):
        """All weights in Keras's order (trainable and not), as the live arrays."""
        return [self._weight(n) for n in self._weight_order]

    @property
    def trainable_weights(self):
        """Trainable weights in Keras's order, as the live arrays; none when ``trainable`` is off."""
        if not self.trainable:
            return []
        return [self.params[n] for n in self._weight_order if n in self.params]

    @property
    def non_trainable_weights(self):
        """The other weights (moving statistics, and all weights of a frozen layer)."""
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    def get_weights(self):
        """Return copies of :attr:`weights`."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy ``weights`` (a list, Keras order and shapes) into this layer's arrays."""
        weights = list(weights)
        if len(weights) != len(self._weight_order):
            raise ValueError(
                f"Layer {self.name!r}: set_weights expected {len(self._weight_order)} arrays "
                f"({', '.join(self._weight_order) or 'none'}), received {len(weights)}"
            )
        for name, value in zip(self._weight_order, weights):
            target = self._weight(name)
            value = np.asarray(value)
            if value.shape != target.shape:
                raise ValueError(
                    f"Layer {self.name!r}: weight {name!r} has shape {target.shape}, "
                    f"received an array of shape {value.shape}"
                )
        for name, value in zip(self._weight_order, weights):
            self._weight(name)[...] = value

    def count_params(self):
        """Number of scalars in all weights."""
        return int(sum(w.size for w in self.weights))

    # -- contract ----------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (one sample, no batch axis)."""
        self.input_shape = tuple(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        """Shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    def forward(self, x, training=False):
        raise NotImplementedError(f"{type(self).__name__} defines no forward pass (forward or call)")

    def backward(self, dout, need_input_grad=True):
        raise NotImplementedError(
            f"{type(self).__name__} defines no backward(dout, need_input_grad): scratch_nn has "
            "no automatic differentiation, so a layer that computes something new must give "
            "its gradient"
        )

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


def batchless_shape(input_shape, rank):
    """One sample's shape from what ``build`` was given: a sample shape, or Keras's batch shape.

    scratch_nn's model, layer call and functional API pass ``build`` the shape
    of one sample (a :class:`SampleShape`). Code written for Keras calls
    ``build`` with the batch shape (``Dense(2).build((None, 3))`` or
    ``build((1, 3))``): there, a shape of ``rank + 1`` axes, or one starting
    with ``None``, loses its batch axis, for a layer whose samples have
    ``rank`` axes.
    """
    if isinstance(input_shape, SampleShape):
        return tuple(input_shape)
    input_shape = tuple(input_shape)
    if input_shape and (input_shape[0] is None or len(input_shape) == rank + 1):
        return input_shape[1:]
    return input_shape


def _is_symbolic(x):
    """Whether ``x`` is an ``Input`` or a ``KerasTensor``, or a list holding one."""
    if isinstance(x, (list, tuple)):
        return any(_is_symbolic(item) for item in x)
    return isinstance(x, Layer) or getattr(x, "is_keras_tensor", False)


def _snake_case(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


#: Keras layer arguments with no scratch_nn counterpart (named in the error).
_KERAS_ONLY_ARGUMENTS = {"activity_regularizer", "lora_rank", "lora_alpha",
                         "quantization_config", "input_spec"}


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
