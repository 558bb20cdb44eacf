"""Optimizers against the real Keras optimizers, step by step, variables and slots.

Property: for SGD (plain, momentum, Nesterov), Adam (with and without
AMSGrad), RMSprop (plain, momentum, centered, both), Adagrad, Adadelta,
Adamax, AdamW (with and without AMSGrad), Lion and Ftrl (plain, and with
every regularization strength and beta set), each with and without
weight decay and with a float or ExponentialDecay learning rate, k random
gradient steps (gradients from 1e-6 to 10, several variables of different
shapes) applied by scratch_nn and by Keras leave, after every step, the same
variables, the same slots (momentums, velocities, velocity_hats,
average_gradients, accumulators, linears, accumulated_grads,
accumulated_delta_vars, m, u: whichever the configuration has), the same learning rate
and the same iteration count. Tolerance: 1e-10 of each array's largest entry
in float64; 1e-5 in float32 (Keras computes Adam's step size in float32,
scratch_nn in float64 then rounds, a difference of a few float32 ulps per step).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

from tests.checks import check_optimizer
from tests.hypothesis_profiles import examples
from tests.specs import OPTIMIZER_VARIANTS, OptimizerSpec
from tests.strategies import (
    arrays,
    float_dtypes,
    gradient_sequences,
    optimizer_specs,
    seeds,
    variable_shapes,
)


@st.composite
def optimizer_cases(draw, **spec_kwargs):
    """An optimizer spec, initial variables and k = 1-5 gradient steps, in a drawn dtype."""
    dtype = draw(float_dtypes)
    shapes = draw(variable_shapes)
    variables = [draw(arrays(s, dtype, scales=(1.0,))) for s in shapes]
    steps = draw(gradient_sequences(shapes, draw(st.integers(1, 5)), dtype))
    return draw(optimizer_specs(**spec_kwargs)), variables, steps


def variant_id(variant):
    name, fixed = variant
    return name + "".join(f"-{key}" for key in fixed)


# Parametrized over the variants: Hypothesis's derandomized draws from a
# sampled_from favour its first entries, and must not skip Adam.
@pytest.mark.parametrize("weight_decay", [False, True], ids=["", "weight_decay"])
@pytest.mark.parametrize("variant", OPTIMIZER_VARIANTS, ids=variant_id)
@examples(4)
@given(data=st.data())
def test_optimizer_steps_match_keras(variant, weight_decay, data):
    check_optimizer(*data.draw(optimizer_cases(variants=[variant], weight_decay=weight_decay)))


@pytest.mark.parametrize("variant", OPTIMIZER_VARIANTS, ids=variant_id)
@examples(2)
@given(data=st.data())
def test_optimizer_with_schedule_matches_keras(variant, data):
    check_optimizer(*data.draw(optimizer_cases(variants=[variant], schedule=True)))


@examples(10)
@given(seed=seeds)
def test_default_hyperparameters_match_keras(seed):
    """The default constructors (Keras's defaults: lr 0.01/0.001, epsilon 1e-7...) in float32."""
    rng = np.random.default_rng(seed)
    variables = [rng.standard_normal((3, 2)).astype(np.float32)]
    steps = [[rng.standard_normal((3, 2)).astype(np.float32)] for _ in range(3)]
    for name in ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "AdamW", "Lion", "Ftrl"):
        check_optimizer(OptimizerSpec(name, {}), variables, steps)
