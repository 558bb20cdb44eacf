"""Hypothesis strategies shared by the property tests.

What is drawn here, and then built twice (scratch_nn and Keras):

- arrays: a shape and a seed for NumPy (fast, reproducible from the seed), with
  a scale drawn from tiny to large and, where a kink matters, exact zeros;
- probabilities near 0 and 1 (the 1e-7 clipping region) and labels;
- `tests.specs.ModelSpec`: a random MLP (depth 1-4, widths, activations,
  optional BatchNormalization and L2) with its loss;
- `tests.specs.OptimizerSpec`: SGD (plain, momentum, Nesterov), Adam
  (+ AMSGrad), RMSprop (plain, momentum, centered), Adagrad, Adadelta, Adamax,
  AdamW (+ AMSGrad), Lion, Ftrl (plain and regularized), each with or without
  weight decay, with a float or ExponentialDecay learning rate;
- EarlyStopping configurations with scripted metric sequences.
"""

import numpy as np
from hypothesis import strategies as st

from tests.specs import (
    HEADS,
    HIDDEN_ACTIVATIONS,
    OPTIMIZER_VARIANTS,
    HiddenSpec,
    ModelSpec,
    OptimizerSpec,
)

FLOAT_DTYPES = (np.float32, np.float64)

# Keras casts some Python-float hyperparameters to the variable's dtype through
# a float32 tensor (`ops.cast(0.01, "float64")` is float32(0.01)): in float64 its
# L2 factor, Adam's betas, SGD's momentum and weight decay are rounded to
# float32 first. The strategies draw such values from binary fractions, which
# float32 holds exactly, so float64 comparisons stay at 1e-10 without that artifact.

seeds = st.integers(0, 2**32 - 1)
float_dtypes = st.sampled_from(FLOAT_DTYPES)


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
def with_kinks(draw, shape, dtype, kinks, scales=(1e-4, 1.0, 10.0, 500.0)):
    """`arrays` (exact zeros included) with some entries set to exactly one of `kinks`.

    Where a piecewise function changes branch (ReLU6 at 6, the hard sigmoid
    at -3 and 3, a ReLU threshold, the hinge at margin 1), each library's
    gradient picks a side; drawing the kink itself checks that it is the same side.
    """
    values = draw(arrays(shape, dtype, scales, zeros=True))
    if kinks and draw(st.booleans()):
        rng = np.random.default_rng(draw(seeds))
        hit = rng.random(shape) < 0.3
        values[hit] = rng.choice(np.asarray(kinks, dtype), size=int(hit.sum()))
    return values


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


@st.composite
def loss_cases(draw, loss, shape, dtype=np.float64):
    """``(y_true, y_pred)`` suited to `loss` (a Keras loss class name), with its edge cases.

    - MeanAbsoluteError, Huber, LogCosh: real targets and predictions, some
      predictions exactly equal to their target (``|e|`` at its kink);
    - MeanAbsolutePercentageError: some zero targets (the ``eps`` divisor);
    - MeanSquaredLogarithmicError: negative values, zeros and exactly ``eps``
      on both sides (the ``max(., eps)`` and its tie);
    - CosineSimilarity: some zero and some tiny (norm below ``eps``) target rows;
    - Hinge, SquaredHinge: labels 0/1, -1/1 or real; predictions with margin exactly 0;
    - CategoricalHinge: one-hot targets; integer-valued predictions (ties between
      wrong classes, and margins exactly 0) or real ones;
    - KLDivergence: one-hot or soft targets; probabilities at and beyond ``[eps, 1]``;
    - Poisson: counts; positive rates, some near 0.
    """
    rng = np.random.default_rng(draw(seeds))
    edge = rng.random(shape) < draw(st.sampled_from((0.0, 0.3)))
    scale = draw(st.sampled_from((1e-3, 1.0, 30.0)))
    t, p = rng.standard_normal(shape) * scale, rng.standard_normal(shape) * scale
    if loss in ("MeanAbsoluteError", "Huber", "LogCosh"):
        p[edge] = t[edge]
    elif loss == "MeanAbsolutePercentageError":
        t[edge] = 0.0
    elif loss == "MeanSquaredLogarithmicError":
        eps = float(np.float32(1e-7))  # Keras's MSLE clips at float32's 1e-7, also in float64
        for a in (t, p):
            a[edge] = rng.choice([0.0, -1.0, 1e-7, eps, 2 * eps], int(edge.sum()))
    elif loss == "CosineSimilarity":
        rows = rng.random(shape[0]) < 0.3
        t[rows] *= draw(st.sampled_from((0.0, 1e-9)))
    elif loss in ("Hinge", "SquaredHinge"):
        kind = draw(st.sampled_from(("binary", "signed", "real")))
        if kind != "real":
            t = rng.integers(0, 2, shape).astype(float)
            signed = 2 * t - 1
            if kind == "signed":
                t = signed
            p[edge] = signed[edge]  # margin 1 - t p exactly 0
    elif loss == "CategoricalHinge":
        t = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
        if draw(st.booleans()):
            p = rng.integers(-2, 3, shape).astype(float)
    elif loss == "KLDivergence":
        t = draw(dense_targets(shape[0], shape[1]))
        p = draw(probabilities(shape))
        p[edge] = rng.choice([1.0, 1.5, 1e-7, 0.0], int(edge.sum()))
    elif loss == "Poisson":
        t = rng.poisson(3.0, shape).astype(float)
        p = rng.gamma(2.0, 1.5, shape)
        p[edge] = rng.choice([0.0, 1e-7, 1e-3], int(edge.sum()))
    return t.astype(dtype), p.astype(dtype)


# -- models --------------------------------------------------------------------------
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


# -- optimizers ----------------------------------------------------------------------
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
    if name in ("Adam", "AdamW", "Adamax"):
        kwargs["beta_1"] = draw(st.sampled_from([0.0, 0.5, 0.875]))
        kwargs["beta_2"] = draw(st.sampled_from([0.875, 1 - 2.0**-10]))
    if name == "Lion":  # beta_1 in (0, 1]
        kwargs["beta_1"] = draw(st.sampled_from([0.5, 0.875, 1.0]))
        kwargs["beta_2"] = draw(st.sampled_from([0.5, 0.875, 1 - 2.0**-7]))
    if name in ("RMSprop", "Adadelta"):
        kwargs["rho"] = draw(st.sampled_from([0.5, 0.875]))
    if name in ("Adagrad", "Ftrl"):
        kwargs["initial_accumulator_value"] = draw(st.sampled_from([0.0, 2.0**-3, 1.0]))
    if name == "Ftrl":
        kwargs["learning_rate_power"] = draw(st.sampled_from([-0.5, -0.25, 0.0]))
    if name in ("Adam", "AdamW", "Adamax", "RMSprop", "Adagrad", "Adadelta"):
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
