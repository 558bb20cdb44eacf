"""Centred finite differences, to check analytic gradients (as CS231n's ``gradient_check.py``).

For a function ``f`` of an array ``x`` and an upstream gradient ``dout``
(random, never all ones, so every output element matters), the scalar
``L(x) = sum(f(x) * dout)`` has gradient ``dL/dx``, which the centred
difference approximates with error ``O(h**2)``::

    dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / (2 h)

Use float64: in float32 the rounding error ``~eps / h`` swamps the result.
The comparison is the normwise relative error
``max|a - b| / max(max|a|, max|b|, floor)``: the largest disagreement
measured against the largest entry. (An elementwise ratio would blame the
finite difference's own absolute error, ~1e-10, on entries near zero.)
For a correct float64 gradient it is ~1e-8 or less.
"""

import numpy as np


def numerical_gradient(f, x, dout=None, h=1e-6):
    """Centred-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    ``x`` is perturbed in place and restored; ``f`` must read ``x`` afresh on
    every call (a closure over the array works).

    Args:
        f: function of no arguments returning an array (or a scalar when
            ``dout`` is ``None``).
        x: the float64 array to differentiate with respect to.
        dout: upstream gradient of ``f``'s output shape, or ``None`` for scalar ``f``.
        h: step size.
    """
    if x.dtype != np.float64:
        raise ValueError(f"numerical_gradient: x must be float64, received {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = _scalar(f(), dout)
        x[i] = old - h
        minus = _scalar(f(), dout)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def _scalar(value, dout):
    return float(np.sum(value * dout)) if dout is not None else float(value)


def relative_error(a, b, floor=1e-8):
    """``max|a - b| / max(max|a|, max|b|, floor)`` (see the module docstring)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), floor)
    return float(np.max(np.abs(a - b)) / scale)
