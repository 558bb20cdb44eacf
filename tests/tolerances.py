"""Tolerances for comparing scratch_nn with Keras, and the one comparison every test uses.

`assert_close` judges elementwise
``|actual - desired| <= rtol * max(max|desired|, scale) + atol`` (relative to
the array's largest entry, so entries that cancel to ~0 are not judged by a
relative error they cannot have; `scale`, where given, is the size of the
terms a small result was computed from). `tolerance` gives `(rtol, atol)`.
"""

import numpy as np

#: Relative tolerances (see `assert_close`). float64: the two libraries do the
#: same operations in a different order, so ~1e-15 per op, grown by a few
#: layers or steps; a wrong formula is off by 1e-3 or more. float32: one op
#: rounds to ~6e-8; 1e-5 leaves room for sums over a few hundred terms.
RTOL = {np.dtype("float64"): 1e-10, np.dtype("float32"): 1e-5}

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
#: SELU's kernel computes scale alpha (exp(x) - 1) too, as scratch_nn does; an ulp of
#: difference between the two libraries' exp is then up to 1.76 ulps of 1.0 on the result.
SELU_FLOAT32_ATOL = 2 * ELU_FLOAT32_ATOL
#: TensorFlow's float64 GELU uses float32 constants: ``math_ops.cast(0.7071067811865476,
#: float64)`` (and approximate GELU's ``cast(0.044715, ...)``) converts the Python float to a
#: float32 tensor first, 1.2e-8 (1.5e-9) away from the exact value. Measured over x in
#: [-40, 40], that moves GELU by at most 5.0e-9 and its slope by at most 5.7e-9: float64
#: comparisons through a GELU allow 6e-9 absolute on the value and 1e-8 relative to
#: max|upstream| on the gradient, still 1000 times below the approximate form's distance
#: from the exact one.
GELU_FLOAT64_RTOL = 1e-8
GELU_FLOAT64_ATOL = 6e-9
#: TensorFlow flushes subnormal results to zero on CPU (sigmoid(-98) is 1.6e-43
#: in float32, TensorFlow says 0): every comparison allows an absolute
#: difference of the smallest normal number of its dtype.


def tolerance(dtype, activations=()):
    """The tolerance `(rtol, atol)` for arrays of `dtype` (see `RTOL` and `assert_close`).

    Args:
        activations: names of the activations the compared values went
            through, for TensorFlow's two kernels that round more than the
            maths needs (`LEAKY_RELU_FLOAT64_RTOL`, `ELU_FLOAT32_ATOL`,
            `SELU_FLOAT32_ATOL`, `GELU_FLOAT64_RTOL`).
            The absolute part is at least the dtype's smallest normal number
            (TensorFlow flushes subnormals to zero).
    """
    rtol, atol = RTOL[np.dtype(dtype)], float(np.finfo(dtype).tiny)
    if "leaky_relu" in activations and np.dtype(dtype) == np.float64:
        rtol = LEAKY_RELU_FLOAT64_RTOL
    if "elu" in activations and np.dtype(dtype) == np.float32:
        atol += ELU_FLOAT32_ATOL
    if "selu" in activations and np.dtype(dtype) == np.float32:
        atol += SELU_FLOAT32_ATOL
    if "gelu" in activations and np.dtype(dtype) == np.float64:
        rtol, atol = max(rtol, GELU_FLOAT64_RTOL), atol + GELU_FLOAT64_ATOL
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


