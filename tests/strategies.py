"""Shared Hypothesis strategies and helpers for the TensorFlow comparison tests.

What is drawn here, and then built twice (scratch_nn and Keras):

- arrays: a shape and a seed for NumPy (fast, reproducible from the seed), with
  a scale drawn from tiny to large and, where a kink matters, exact zeros;
- probabilities near 0 and 1 (the 1e-7 clipping region) and labels;
- `ModelSpec`: a random MLP (depth 1-4, widths, activations, optional
  BatchNormalization and L2) with its loss;
- `OptimizerSpec`: SGD (plain, momentum, Nesterov), Adam (+ AMSGrad), RMSprop
  (plain, momentum, centered), each with or without weight decay, with a
  float or ExponentialDecay learning rate;
- EarlyStopping configurations with scripted metric sequences.

`assert_close` is the one comparison every test uses: elementwise
``|actual - desired| <= rtol * max(max|desired|, scale) + atol`` (relative to
the array's largest entry, so entries that cancel to ~0 are not judged by a
relative error they cannot have; `scale`, where given, is the size of the
terms a small result was computed from). `tolerance` gives `(rtol, atol)`.
"""

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

import scratch_nn
from scratch_nn import layers, losses, optimizers, regularizers
from tests.hypothesis_profiles import examples  # noqa: F401  (registers the profiles; re-exported)

#: Relative tolerances (see `assert_close`). float64: the two libraries do the
#: same operations in a different order, so ~1e-15 per op, grown by a few
#: layers or steps; a wrong formula is off by 1e-3 or more. float32: one op
#: rounds to ~6e-8; 1e-5 leaves room for sums over a few hundred terms.
RTOL = {np.dtype("float64"): 1e-10, np.dtype("float32"): 1e-5}

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu")
HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a != "softmax")
FLOAT_DTYPES = (np.float32, np.float64)

# Keras casts some Python-float hyperparameters to the variable's dtype through
# a float32 tensor (`ops.cast(0.01, "float64")` is float32(0.01)): in float64 its
# L2 factor, Adam's betas, SGD's momentum and weight decay are rounded to
# float32 first. The strategies draw such values from binary fractions, which
# float32 holds exactly, so float64 comparisons stay at 1e-10 without that artifact.

seeds = st.integers(0, 2**32 - 1)
float_dtypes = st.sampled_from(FLOAT_DTYPES)


#: TensorFlow's LeakyRelu kernel takes its slope as a float32 attribute, so in
#: float64 Keras multiplies by float32(0.2) = 0.2 + 3e-9: a relative difference
#: of 1.5e-8 from the exact 0.2. Through a BatchNormalization backward pass,
#: whose input gradient sums to zero over the batch, that difference is left
#: on a result up to ~10 times smaller than its terms (seen: 1.4e-7 at batch 2),
#: so float64 comparisons through a leaky ReLU allow 1e-6, still 1000 times
#: below a wrong formula's error.
LEAKY_RELU_FLOAT64_RTOL = 1e-6
#: TensorFlow's float32 ELU computes exp(x) - 1, not expm1(x): near x = 0 its
#: absolute error is up to an ulp of 1.0 (1.2e-7), however small the result;
#: scratch_nn's expm1 is exact to an ulp of the result. float32 comparisons
#: through an ELU allow that much absolute error on top of the relative tolerance.
ELU_FLOAT32_ATOL = float(np.finfo(np.float32).eps)
#: TensorFlow flushes subnormal results to zero on CPU (sigmoid(-98) is 1.6e-43
#: in float32, TensorFlow says 0): every comparison allows an absolute
#: difference of the smallest normal number of its dtype.


def tolerance(dtype, activations=()):
    """The tolerance `(rtol, atol)` for arrays of `dtype` (see `RTOL` and `assert_close`).

    Args:
        activations: names of the activations the compared values went
            through, for TensorFlow's two kernels that round more than the
            maths needs (`LEAKY_RELU_FLOAT64_RTOL`, `ELU_FLOAT32_ATOL`).
            The absolute part is at least the dtype's smallest normal number
            (TensorFlow flushes subnormals to zero).
    """
    rtol, atol = RTOL[np.dtype(dtype)], float(np.finfo(dtype).tiny)
    if "leaky_relu" in activations and np.dtype(dtype) == np.float64:
        rtol = LEAKY_RELU_FLOAT64_RTOL
    if "elu" in activations and np.dtype(dtype) == np.float32:
        atol += ELU_FLOAT32_ATOL
    return rtol, atol


def assert_close(actual, desired, tol, what="", scale=0.0):
    """Assert ``|actual - desired| <= rtol * max(max|desired|, scale) + atol`` elementwise.

    Args:
        tol: `rtol`, or `(rtol, atol)` as `tolerance` returns.
        scale: the size of the terms `desired` was computed from, when it can
            be far larger than `desired` itself (a gradient that cancels to
            1e-10 from terms of 1e-3 carries their rounding error, not its own).

    Raises:
        AssertionError: naming `what`, with the largest disagreement.
    """
    rtol, atol = tol if isinstance(tol, tuple) else (tol, 0.0)
    actual, desired = np.asarray(actual), np.asarray(desired)
    assert actual.shape == desired.shape, f"{what}: shape {actual.shape} != {desired.shape}"
    scale = max(float(np.max(np.abs(desired))) if desired.size else 0.0, scale)
    np.testing.assert_allclose(
        actual, desired, rtol=0, atol=rtol * max(scale, np.finfo(np.float64).tiny) + atol,
        err_msg=f"{what} (tolerance {rtol:g} x max|desired| = {scale:.3g}, + {atol:g})",
    )


def assert_all_close(actual_list, desired_list, tol, what="", joint=False):
    """`assert_close` on two equally long lists of arrays, item by item.

    Args:
        joint: judge every array against the largest entry of all of them
            (a model's gradient as one vector: a weight whose gradient is zero
            by symmetry, such as a kernel feeding a one-unit BatchNormalization,
            holds only rounding noise on the scale of the others).
    """
    assert len(actual_list) == len(desired_list), (
        f"{what}: {len(actual_list)} arrays != {len(desired_list)}")
    scale = max((float(np.max(np.abs(d))) for d in desired_list if np.size(d)), default=0.0)
    for i, (a, d) in enumerate(zip(actual_list, desired_list)):
        assert_close(a, d, tol, f"{what}[{i}]", scale=scale if joint else 0.0)


# -- arrays --------------------------------------------------------------------------
@st.composite
def arrays(draw, shape, dtype=np.float64, scales=(1e-3, 1.0, 30.0), zeros=False):
    """Normal values times a drawn scale, in `dtype`; with `zeros`, some entries exactly 0.

    Drawn as a NumPy seed, so large arrays cost nothing to generate and a
    failure is reproducible from the printed seed.
    """
    rng = np.random.default_rng(draw(seeds))
    values = rng.standard_normal(shape) * draw(st.sampled_from(scales))
    if zeros and draw(st.booleans()):
        values[rng.random(shape) < 0.25] = 0.0
    return values.astype(dtype)


@st.composite
def magnitudes(draw, shape, low, high):
    """float64 arrays of `shape` with `|value|` in `[low, high]` and random signs.

    With `low > 0`, no entry lies on the kink of ReLU-like functions at 0,
    where a finite difference is meaningless (the NumPy-only gradient checks).
    """
    rng = np.random.default_rng(draw(seeds))
    magnitude = rng.uniform(low, high, shape)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude)


@st.composite
def batch_shapes(draw, max_batch=8, max_units=8, min_units=1):
    """A `(batch, units)` shape."""
    return (draw(st.integers(1, max_batch)), draw(st.integers(min_units, max_units)))


def logits(shape, dtype=np.float64):
    """Logits from tiny (1e-4) to large (500): softmax near uniform to saturated one-hot."""
    return arrays(shape, dtype, scales=(1e-4, 1.0, 10.0, 500.0))


#: Probabilities around the clip bounds eps = 1e-7 and 1 - eps, and outside them.
EDGE_PROBABILITIES = (0.0, 1e-12, 5e-8, 1e-7, 1.5e-7, 1e-5, 0.5, 1 - 1e-5, 1 - 1e-7, 1 - 5e-8, 1.0)


@st.composite
def probabilities(draw, shape, dtype=np.float64):
    """Probabilities that did not come from a softmax: some entries in the clip region.

    Rows need not sum to 1 (as sigmoid outputs); one entry per row is at least
    0.05 so that categorical cross-entropy's normalization by the row sum is defined.
    """
    rng = np.random.default_rng(draw(seeds))
    p = rng.random(shape)
    edge = rng.random(shape) < draw(st.sampled_from((0.0, 0.3, 0.8)))
    p[edge] = rng.choice(EDGE_PROBABILITIES, size=int(edge.sum()))
    rows = np.arange(shape[0])
    p[rows, rng.integers(0, shape[1], shape[0])] = rng.uniform(0.05, 1.0, shape[0])
    return p.astype(dtype)


@st.composite
def sparse_labels(draw, batch, classes):
    """Integer class labels `(batch,)` in `[0, classes)`."""
    rng = np.random.default_rng(draw(seeds))
    return rng.integers(0, classes, batch)


@st.composite
def dense_targets(draw, batch, classes, dtype=np.float64):
    """One-hot rows, or soft targets (rows of a Dirichlet draw) for categorical cross-entropy."""
    rng = np.random.default_rng(draw(seeds))
    if draw(st.booleans()):
        return np.eye(classes, dtype=dtype)[rng.integers(0, classes, batch)]
    return rng.dirichlet(np.ones(classes), batch).astype(dtype)


def targets_for(loss_name, batch, classes, dtype=np.float64):
    """Targets suited to a loss: labels for the sparse one, else one-hot/soft or real values."""
    if loss_name == "sparse_categorical_crossentropy":
        return sparse_labels(batch, classes)
    if loss_name == "categorical_crossentropy":
        return dense_targets(batch, classes, dtype)
    return arrays((batch, classes), dtype)


# -- models --------------------------------------------------------------------------
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

LOSS_CLASSES = {
    "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    "categorical_crossentropy": losses.CategoricalCrossentropy,
    "mean_squared_error": losses.MeanSquaredError,
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


@st.composite
def model_specs(draw, max_depth=4, batch_norm=None, heads=HEADS):
    """A `ModelSpec`: depth 1-4, widths 1-6, random hidden activations, BatchNorm and L2 drawn.

    Args:
        batch_norm: force BatchNormalization after every hidden Dense (True),
            forbid it (False), or draw it per block (None).
        heads: the (output activation, loss, from_logits) triples to draw from.
    """
    depth = draw(st.integers(1, max_depth))
    hidden = []
    for _ in range(depth - 1):
        bn = draw(st.booleans()) if batch_norm is None else batch_norm
        # A bias right before BatchNormalization has a zero gradient up to
        # rounding noise, which no relative tolerance can judge: none there, as in practice.
        hidden.append(HiddenSpec(
            units=draw(st.integers(1, 6)), activation=draw(st.sampled_from(HIDDEN_ACTIVATIONS)),
            use_bias=not bn and draw(st.booleans()), batch_norm=bn,
        ))
    head_activation, loss, from_logits = draw(st.sampled_from(heads))
    n_in = draw(st.integers(1, 5))
    input_shape = draw(st.sampled_from([(n_in,), (n_in, 2)]))
    return ModelSpec(
        input_shape=input_shape, hidden=hidden, classes=draw(st.integers(2, 5)),
        head_activation=head_activation, loss=loss, from_logits=from_logits,
        l2=draw(st.sampled_from([0.0, 2.0**-7, 0.25])), batch=draw(st.integers(2, 6)),
        seed=draw(seeds), weight_scale=draw(st.sampled_from([0.5, 1.0, 2.0])),
    )


def build_scratch_model(spec, dtype=np.float64):
    """Build and compile `spec` in scratch_nn with random weights (moving statistics too).

    Returns:
        the compiled scratch_nn Sequential.
    """
    reg = regularizers.L2(spec.l2) if spec.l2 else None
    stack = [layers.Input(spec.input_shape, dtype=dtype)]
    if len(spec.input_shape) > 1:
        stack.append(layers.Flatten(dtype=dtype))
    for block in spec.hidden:
        stack.append(layers.Dense(block.units, activation=block.activation, use_bias=block.use_bias,
                                  kernel_regularizer=reg, dtype=dtype))
        if block.batch_norm:
            stack.append(layers.BatchNormalization(dtype=dtype))
    stack.append(layers.Dense(spec.classes, activation=spec.head_activation,
                              kernel_regularizer=reg, dtype=dtype))
    model = scratch_nn.Sequential(stack)
    loss_cls = LOSS_CLASSES[spec.loss]
    loss = loss_cls(from_logits=spec.from_logits) if spec.from_logits else loss_cls()
    model.compile(optimizer="sgd", loss=loss)
    rng = np.random.default_rng(spec.seed)
    model.set_weights([w for layer in model.layers for w in random_weights(rng, layer, spec.weight_scale)])
    return model


def random_weights(rng, layer, scale=1.0):
    """Random values for a scratch_nn layer's weights, each in its valid range.

    Kernels are normal with standard deviation `scale / sqrt(fan_in)`; biases,
    beta and moving means normal; gamma of either sign and magnitude 0.5-1.5;
    moving variances in [0.2, 2].
    """
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
    """An optimizer configuration: class name in `scratch_nn.optimizers`, kwargs, schedule."""

    name: str
    kwargs: dict
    schedule: dict = None

    def build(self):
        """The scratch_nn optimizer for this configuration."""
        kwargs = dict(self.kwargs)
        if self.schedule is not None:
            kwargs["learning_rate"] = optimizers.schedules.ExponentialDecay(**self.schedule)
        return getattr(optimizers, self.name)(**kwargs)


#: Every variant the issue names; each is drawn with and without weight decay.
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
)


@st.composite
def optimizer_specs(draw, variants=OPTIMIZER_VARIANTS, weight_decay=None, schedule=None):
    """An `OptimizerSpec` for one of `variants`, with random hyperparameters.

    Args:
        weight_decay, schedule: force with (True) or without (False), or draw (None).
    """
    name, fixed = draw(st.sampled_from(variants))
    kwargs = {"learning_rate": draw(st.sampled_from([2.0**-10, 2.0**-7, 2.0**-3, 0.5]))}
    for key, value in fixed.items():
        kwargs[key] = draw(st.integers(4, 61)) / 64 if value is None else value
    if name == "Adam":
        kwargs["beta_1"] = draw(st.sampled_from([0.0, 0.5, 0.875]))
        kwargs["beta_2"] = draw(st.sampled_from([0.875, 1 - 2.0**-10]))
    if name == "RMSprop":
        kwargs["rho"] = draw(st.sampled_from([0.5, 0.875]))
    if name in ("Adam", "RMSprop"):
        kwargs["epsilon"] = draw(st.sampled_from([2.0**-23, 2.0**-10, 0.125]))
    if weight_decay if weight_decay is not None else draw(st.booleans()):
        kwargs["weight_decay"] = draw(st.sampled_from([2.0**-8, 0.125, 0.5]))
    sched = None
    if schedule if schedule is not None else draw(st.booleans()):
        sched = {
            "initial_learning_rate": kwargs.pop("learning_rate"),
            "decay_steps": draw(st.integers(1, 3)),
            "decay_rate": draw(st.sampled_from([0.5, 0.875])),
            "staircase": draw(st.booleans()),
        }
    return OptimizerSpec(name, kwargs, sched)


@st.composite
def gradient_sequences(draw, shapes, steps, dtype=np.float64):
    """`steps` lists of gradients for variables of `shapes`, at a drawn scale (1e-6 to 10).

    Tiny gradients make `sqrt(v)` comparable to epsilon, where the placement of
    epsilon in Adam and RMSprop shows.
    """
    rng = np.random.default_rng(draw(seeds))
    scale = draw(st.sampled_from([1e-6, 1e-3, 1.0, 10.0]))
    return [[(rng.standard_normal(s) * scale).astype(dtype) for s in shapes] for _ in range(steps)]


variable_shapes = st.lists(
    st.sampled_from([(3,), (2, 3), (4, 1), (1,), (5, 2)]), min_size=1, max_size=3)


# -- training-loop semantics ---------------------------------------------------------
@st.composite
def early_stopping_cases(draw):
    """EarlyStopping kwargs and a scripted monitor sequence with ties and plateaus.

    Values, `min_delta` and `baseline` are multiples of 1/16: exact in binary,
    so `current - min_delta` ties the best exactly, and often, in both libraries.
    """
    mode = draw(st.sampled_from(["auto", "min", "max"]))
    monitor = "val_accuracy" if mode == "max" else draw(st.sampled_from(["val_loss", "loss"]))
    kwargs = {
        "monitor": monitor, "mode": mode,
        "patience": draw(st.integers(0, 4)),
        "min_delta": draw(st.sampled_from([0, 1, 2, 4])) / 16,
        "baseline": draw(st.sampled_from([None, 5 / 16, 10 / 16])),
        "restore_best_weights": draw(st.booleans()),
        "start_from_epoch": draw(st.integers(0, 3)),
    }
    values = draw(st.lists(st.integers(0, 16), min_size=1, max_size=15))
    return kwargs, [v / 16 for v in values]
