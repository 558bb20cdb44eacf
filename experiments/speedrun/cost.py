"""What a speedrun recipe costs, counted instead of timed: FLOPs, steps, and a fitted per-step overhead.

Wall seconds measured on a shared machine say nothing, so the recipe search
(`experiments.speedrun.search`) ranks candidates by a cost computed from the
recipe alone, and the timed run (`experiments.speedrun.cli`) reports each
row's seconds as a multiple of its matrix-multiply floor.

The floor. A Dense layer ``n_in -> n_out`` on a batch of ``B`` costs
``2 B n_in n_out`` FLOPs forward (one matrix product), and as much again for
the gradient of its kernel and for the gradient of its input in the backward
pass; the first layer needs no input gradient. One training sample costs::

    F_sample = sum_l 2 n_in(l) n_out(l) (3 - [l = 0])

and a recipe ``F = F_sample * (samples trained)``. At the machine's float32
GEMM rate ``G`` (1024^3 products, one thread, `experiments.backends.gemm_gflops`),
``F / G`` seconds is the time no implementation can beat: the floor. A
measured time ``t`` is ``t / (F / G)`` floors.

The model of the time. On scratch_nn, one thread::

    t = kappa F / G  +  c_drop (samples x dropped units)  +  steps (c_step + c_param P)

``kappa`` is the GEMMs' efficiency at these shapes plus the element-wise work
that grows with them (ReLU, softmax, the batch gather); ``c_drop`` the
Dropout masks per sample and unit; ``c_step`` the fixed cost of one
optimizer step (Python, batch slicing) and ``c_param`` Adam's update per
parameter ``P`` per step. `SCRATCH_MODEL`'s four constants are fitted exactly
to four rows of the quiet 10-seed run of 2026-11-29
(``docs/results/speedrun/v1-2026-11-29.csv``: 784-256-10 and 784-128-10 at
batch 256, 784-256-10 at batch 32, and 784-256-10 without Dropout; GEMM rate
125.6 GFLOP/s); they predict that run's Example 2 (784-128-10, Adam, batch
128, 15.2 epochs of 48,000 images, a validation pass each epoch) at 4.18 s
against 4.29 s measured. The constants are stored as multiples of the GEMM
rate's time (FLOP-equivalents), so the model's seconds scale with ``G``:
a ranking by the model does not depend on the machine's speed.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from experiments.speedrun.recipe import Recipe

#: The GEMM rate (GFLOP/s, one thread) of the quiet run the model was fitted on (124.4 before it, 126.8 after).
FIT_GEMM_GFLOPS = 125.6


def layer_sizes(recipe):
    """``[(n_in, n_out), ...]`` of the recipe's Dense layers (784 pixels in, 10 classes out)."""
    widths = [784, *recipe.hidden, 10]
    return list(itertools.pairwise(widths))


def flops_per_sample(recipe):
    """Training FLOPs per sample: forward, kernel gradient, input gradient (none for the first layer)."""
    return sum(2 * n_in * n_out * (2 if index == 0 else 3)
               for index, (n_in, n_out) in enumerate(layer_sizes(recipe)))


def parameters(recipe):
    """Trainable parameters: kernels and biases."""
    return sum(n_in * n_out + n_out for n_in, n_out in layer_sizes(recipe))


def counts(recipe, n_train):
    """What the recipe does on ``n_train`` images: a dict of samples, steps, FLOPs, dropped units, parameters."""
    samples = sum(int(fraction * n_train) for _, fraction in recipe.epoch_plan())
    dropped = samples * sum(recipe.hidden) if recipe.dropout else 0
    return {"samples": samples, "steps": sum(recipe.epoch_steps(n_train)),
            "flops": samples * flops_per_sample(recipe), "dropped_units": dropped,
            "parameters": parameters(recipe)}


@dataclass(frozen=True)
class TimeModel:
    """``t G = kappa F + drop U + steps (step + param P)``, every constant in FLOPs at rate ``G``.

    Attributes:
        kappa: multiple of the GEMM FLOPs (dimensionless).
        drop: FLOP-equivalents per dropped unit (sample x hidden unit).
        step: FLOP-equivalents per optimizer step.
        param: FLOP-equivalents per parameter per step.
    """

    kappa: float
    drop: float
    step: float
    param: float

    def flop_equivalents(self, recipe, n_train):
        """The recipe's modelled cost in FLOPs at the GEMM rate (``t G``)."""
        c = counts(recipe, n_train)
        return (self.kappa * c["flops"] + self.drop * c["dropped_units"]
                + c["steps"] * (self.step + self.param * c["parameters"]))

    def seconds(self, recipe, n_train, gemm_gflops=FIT_GEMM_GFLOPS):
        """Modelled training seconds at a GEMM rate of ``gemm_gflops``."""
        return self.flop_equivalents(recipe, n_train) / (gemm_gflops * 1e9)

    def floors(self, recipe, n_train):
        """Modelled time as a multiple of the matrix-multiply floor ``F / G`` (independent of ``G``)."""
        return self.flop_equivalents(recipe, n_train) / counts(recipe, n_train)["flops"]


def floor_seconds(recipe, n_train, gemm_gflops):
    """The matrix-multiply floor ``F / G`` of ``recipe`` on ``n_train`` images, in seconds."""
    return counts(recipe, n_train)["flops"] / (gemm_gflops * 1e9)


def fit_model(observations, gemm_gflops=FIT_GEMM_GFLOPS):
    """The `TimeModel` through four ``(recipe, n_train, seconds)`` observations (solved exactly).

    Raises:
        ValueError: not four observations, or four that do not pin the constants down.
    """
    if len(observations) != 4:
        raise ValueError(f"fit_model needs 4 observations, received {len(observations)}")
    rows, rhs = [], []
    for recipe, n_train, seconds in observations:
        c = counts(recipe, n_train)
        rows.append([c["flops"], c["dropped_units"], c["steps"], c["steps"] * c["parameters"]])
        rhs.append(seconds * gemm_gflops * 1e9)
    matrix = np.array(rows, dtype=float)
    if np.linalg.matrix_rank(matrix) < 4:
        raise ValueError("fit_model: the observations do not separate the four constants "
                         "(vary width, batch size and Dropout)")
    return TimeModel(*(float(v) for v in np.linalg.solve(matrix, np.array(rhs))))


def quiet_run_observations():
    """The four rows of the quiet 2026-11-29 run `SCRATCH_MODEL` is fitted to (mean of 10 seeds)."""
    base = Recipe(label="fit", preprocessing="standardize", hidden=(256,), dropout=0.1,
                  optimizer=("Adam", {"learning_rate": 3e-3}), schedule={"warmup": 1},
                  phases=((6, 256),))
    return [(base, 60_000, 3.304),
            (base.replace(hidden=(128,)), 60_000, 1.734),
            (base.replace(phases=((6, 32),)), 60_000, 6.319),
            (base.replace(dropout=0.0), 60_000, 3.044)]


#: scratch_nn's time model, fitted to `quiet_run_observations` (kappa 1.11; per step 14.6 MFLOP-equivalents,
#: 0.12 ms at 125.6 GFLOP/s, plus 117 per parameter; 354 per dropped unit).
SCRATCH_MODEL = fit_model(quiet_run_observations())
