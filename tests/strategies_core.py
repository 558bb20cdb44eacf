"""Hypothesis strategies for the NumPy-only tests: arrays and small random models.

Arrays are drawn as a seed for NumPy rather than element by element: the
values stay well spread (Hypothesis's shrinking would otherwise push them
onto the kinks of ReLU at 0, where a finite difference is meaningless), and
a failing example is still reproducible from its seed.
"""

import numpy as np
from hypothesis import strategies as st

from scratch_nn import Sequential, regularizers
from scratch_nn.layers import BatchNormalization, Dense, Input

HIDDEN_ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu"]


@st.composite
def arrays(draw, shape, low, high):
    """float64 arrays of ``shape`` with ``|value|`` in ``[low, high]`` and random signs."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    magnitude = rng.uniform(low, high, shape)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude)


def away_from_zero(shape):
    """Arrays whose entries keep at least 1e-3 from 0 (off the kinks of ReLU-like functions)."""
    return arrays(shape, 1e-3, 3.0)


@st.composite
def model_specs(draw):
    """A small MLP: depth 1-4, widths 1-5, hidden activations, optional BatchNorm and L2."""
    depth = draw(st.integers(1, 4))
    return {
        "n_in": draw(st.integers(1, 4)),
        "widths": [draw(st.integers(1, 5)) for _ in range(depth - 1)],
        "activations": [draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in range(depth - 1)],
        "batch_norm": draw(st.booleans()),
        "l2": draw(st.sampled_from([0.0, 0.01, 0.1])),
        "classes": draw(st.integers(2, 4)),
        "batch": draw(st.integers(2, 5)),
        "loss": draw(st.sampled_from(
            ["sparse_categorical_crossentropy", "categorical_crossentropy", "mse"])),
        "seed": draw(st.integers(0, 2**16)),
    }


def build_model(spec, data=None, dtype="float64"):
    """Build and compile ``spec`` in ``dtype``; return ``(model, x, y)``.

    Hidden Dense layers before a BatchNormalization have no bias, as in
    practice (its gradient would be zero up to rounding).
    """
    reg = regularizers.l2(spec["l2"]) if spec["l2"] else None
    layers = [Input((spec["n_in"],))]
    for width, act in zip(spec["widths"], spec["activations"]):
        layers.append(Dense(width, activation=act, use_bias=not spec["batch_norm"],
                            kernel_regularizer=reg, dtype=dtype,
                            kernel_initializer="random_normal"))
        if spec["batch_norm"]:
            layers.append(BatchNormalization(dtype=dtype))
    layers.append(Dense(spec["classes"], activation="softmax", kernel_regularizer=reg,
                        dtype=dtype))
    model = Sequential(layers)
    model.compile(optimizer="sgd", loss=spec["loss"])
    rng = np.random.default_rng(spec["seed"])
    for w in model.trainable_weights:
        w[...] = rng.standard_normal(w.shape)
    x = rng.standard_normal((spec["batch"], spec["n_in"])).astype(dtype)
    labels = rng.integers(0, spec["classes"], spec["batch"])
    y = labels if spec["loss"] == "sparse_categorical_crossentropy" else \
        np.eye(spec["classes"], dtype=dtype)[labels]
    return model, x, y
