"""Specs of the models and optimizers the property tests build in both libraries.

A spec holds the literal arguments a test chose (`keras_ref.specs.Spec`), so
scratch_nn builds it with `specs.build(spec, scratch_nn)` and Keras with
`keras_ref.twins`: the reference never reads a scratch_nn object's
hyperparameters. `build_scratch_model` adds random weights in each weight's
valid range, `model_data` matching inputs and targets.
"""

from dataclasses import dataclass

import numpy as np

import scratch_nn
from keras_ref.specs import Spec, build, sequential

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu")
HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a != "softmax")

#: Output layer activation and loss pairs: the softmax ones exercise Keras's
#: `_keras_logits` path, linear + from_logits the logits one. (Not sigmoid +
#: cross-entropy: Keras 3 tags sigmoid outputs with `_keras_logits` too, and its
#: cross-entropies then compute a *softmax* cross-entropy of the sigmoid's
#: logits; the clipped path on plain probabilities is tested on the losses alone.)
HEADS = (
    ("softmax", "sparse_categorical_crossentropy", False),
    ("softmax", "categorical_crossentropy", False),
    ("linear", "sparse_categorical_crossentropy", True),
    ("linear", "categorical_crossentropy", True),
    ("linear", "mean_squared_error", False),
    ("sigmoid", "mean_squared_error", False),
    ("tanh", "mean_squared_error", False),
)

#: Loss names (as `compile` takes them) and their class names in both libraries.
LOSS_CLASSES = {
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "mean_squared_error": "MeanSquaredError",
}


@dataclass
class HiddenSpec:
    """One hidden block: Dense(units, activation, use_bias), then optionally BatchNormalization."""

    units: int
    activation: str
    use_bias: bool
    batch_norm: bool


@dataclass
class ModelSpec:
    """A random MLP and its loss, buildable in both libraries.

    Attributes:
        input_shape: one sample's shape; 2-D inputs start with a Flatten.
        hidden: the hidden blocks (depth - 1 of them).
        classes, head_activation: the output Dense layer.
        loss, from_logits: the loss class name in `LOSS_CLASSES` and its flag.
        l2: L2 factor on every kernel (0 for none).
        batch: batch size of the data; seed: of weights and data.
        weight_scale: kernels are normal with standard deviation weight_scale / sqrt(fan_in).
    """

    input_shape: tuple
    hidden: list
    classes: int
    head_activation: str
    loss: str
    from_logits: bool
    l2: float
    batch: int
    seed: int = 0
    weight_scale: float = 1.0

    @property
    def activations(self):
        """Every activation in the model, hidden ones first (for `tolerance`)."""
        return [block.activation for block in self.hidden] + [self.head_activation]

    def model_spec(self, dtype=np.float64):
        """The `Sequential` spec (every layer in `dtype`), for either library."""
        dtype = np.dtype(dtype).name
        reg = {"kernel_regularizer": Spec("regularizers.L2", {"l2": self.l2})} if self.l2 else {}
        stack = [Spec("layers.Flatten", {"dtype": dtype})] if len(self.input_shape) > 1 else []
        for block in self.hidden:
            stack.append(Spec("layers.Dense", {"units": block.units, "activation": block.activation,
                                               "use_bias": block.use_bias, **reg, "dtype": dtype}))
            if block.batch_norm:
                stack.append(Spec("layers.BatchNormalization", {"dtype": dtype}))
        stack.append(Spec("layers.Dense", {"units": self.classes, "activation": self.head_activation,
                                           **reg, "dtype": dtype}))
        return sequential(self.input_shape, stack, dtype)

    def loss_spec(self):
        """The loss spec: `from_logits` given only when True (else each library's default)."""
        return Spec(f"losses.{LOSS_CLASSES[self.loss]}", {"from_logits": True} if self.from_logits else {})


def build_scratch_model(spec, dtype=np.float64):
    """Build and compile `spec` in scratch_nn with random weights (moving statistics too).

    Returns:
        the compiled scratch_nn Sequential.
    """
    model = build(spec.model_spec(dtype), scratch_nn)
    model.compile(optimizer="sgd", loss=build(spec.loss_spec(), scratch_nn))
    rng = np.random.default_rng(spec.seed)
    model.set_weights([w for layer in model.layers for w in random_weights(rng, layer, spec.weight_scale)])
    return model


def random_weights(rng, layer, scale=1.0):
    """Random values for a scratch_nn layer's weights, each in its valid range.

    Kernels are normal with standard deviation `scale / sqrt(fan_in)`; biases,
    beta, moving means and any other weight (PReLU's alpha, LayerNormalization's
    gamma) normal; BatchNormalization's gamma of either sign and magnitude
    0.5-1.5; moving variances and Normalization's variance in [0.2, 2].
    """
    if type(layer).__name__ == "Normalization":  # mean, variance > 0, the int count
        return [rng.standard_normal(w.shape) if name == "mean" else
                rng.uniform(0.2, 2.0, w.shape) if name == "variance" else w.copy()
                for name, w in zip(layer._weight_order, layer.weights)]
    if type(layer).__name__ == "BatchNormalization":
        n = layer.weights[-1].shape
        gamma = rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n)
        stats = [rng.standard_normal(n), rng.standard_normal(n), rng.uniform(0.2, 2.0, n)]
        return ([gamma] if layer.scale else []) + stats[0 if layer.center else 1:]
    return [rng.standard_normal(w.shape) * (scale / np.sqrt(w.shape[0]) if w.ndim == 2 else 1.0)
            for w in layer.weights]


def model_data(spec, dtype=np.float64):
    """Inputs and targets for `spec`, from its seed: `(x, y)`."""
    rng = np.random.default_rng(spec.seed + 1)
    x = rng.standard_normal((spec.batch, *spec.input_shape)).astype(dtype)
    if spec.loss == "sparse_categorical_crossentropy":
        y = rng.integers(0, spec.classes, spec.batch)
    elif spec.loss == "categorical_crossentropy":
        y = np.eye(spec.classes, dtype=dtype)[rng.integers(0, spec.classes, spec.batch)]
    else:
        y = rng.standard_normal((spec.batch, spec.classes)).astype(dtype)
    return x, y


# -- optimizers ----------------------------------------------------------------------
@dataclass
class OptimizerSpec:
    """An optimizer configuration: class name in `optimizers`, kwargs, ExponentialDecay kwargs or None."""

    name: str
    kwargs: dict
    schedule: dict = None

    def spec(self):
        """The optimizer as a `Spec` (its learning rate a schedule spec when there is a schedule)."""
        kwargs = dict(self.kwargs)
        if self.schedule is not None:
            kwargs["learning_rate"] = Spec("optimizers.schedules.ExponentialDecay", dict(self.schedule))
        return Spec(f"optimizers.{self.name}", kwargs)

    def build(self):
        """The scratch_nn optimizer for this configuration."""
        return build(self.spec(), scratch_nn)


#: Every variant the issues name; each is drawn with and without weight decay
#: (AdamW always decays: without one drawn, with its default 0.004).
OPTIMIZER_VARIANTS = (
    ("SGD", {}),
    ("SGD", {"momentum": None}),
    ("SGD", {"momentum": None, "nesterov": True}),
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": None}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": None, "centered": True}),
    ("Adagrad", {}),
    ("Adadelta", {}),
    ("Adamax", {}),
    ("AdamW", {}),
    ("AdamW", {"amsgrad": True}),
    ("Lion", {}),
    ("Ftrl", {}),
    ("Ftrl", {"l1_regularization_strength": 2.0**-6, "l2_regularization_strength": 2.0**-4,
              "l2_shrinkage_regularization_strength": 2.0**-5, "beta": 0.5}),
)
