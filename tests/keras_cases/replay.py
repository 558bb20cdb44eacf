"""Re-run an extracted Keras case (``data/*.py``) on scratch_nn.

A case is a list of steps and a list of checks on their results:

- step ``new``: ``module.Name(*args, **kwargs)`` (a class or a function of the
  module under test; a missing name skips the case as "not in scratch_nn yet");
- step ``call``: ``result(*args)`` or ``result.method(*args)``; ``attr``:
  ``result.name``; ``shape``: ``np.shape(result)``;
- check ``close`` (``np.testing.assert_allclose``), ``almost``
  (``assert_almost_equal`` to ``decimal`` places, as Keras's
  ``assertAlmostEqual``), ``equal``, ``true``/``false``/``none``, ``len``;
  ``dtype``; ``config`` (``from_config(get_config())`` gives the same config,
  Keras's ``run_class_serialization_test``); ``raises``: the steps
  ``from_step`` to ``to_step`` raise that exception, its message matching.

``A(list, dtype)`` is a literal array, ``H(i)`` the result of step ``i``.
"""

import re

import numpy as np
import pytest

from tests.keras_cases.support import MISSING, need, refused

NAN, INF = float("nan"), float("inf")

#: dtypes scratch_nn computes in; a case asking for another is refused by design
_DTYPES = ("float32", "float64")


class A:
    """A literal array: ``A([[1, 2]], "int64")``."""

    def __init__(self, values, dtype):
        self.values, self.dtype = values, dtype

    def array(self):
        if self.dtype == "bfloat16" or self.dtype == "float16":
            refused(f"{self.dtype} inputs: scratch_nn computes in float32 and float64 only")
        return np.asarray(self.values, self.dtype)


class H:
    """The result of an earlier step."""

    def __init__(self, index):
        self.index = index


class N:
    """A name of the module under test, ``N("losses.Huber")`` (resolved when the case runs)."""

    def __init__(self, keras_name):
        self.keras_name = keras_name


def _resolve(value, results, module=None):
    if isinstance(value, N):
        return need(module, value.keras_name.split(".", 1)[1])
    if isinstance(value, A):
        return value.array()
    if isinstance(value, H):
        return results[value.index]
    if isinstance(value, list):
        return [_resolve(v, results, module) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve(v, results, module) for v in value)
    if isinstance(value, dict):
        return {k: _resolve(v, results, module) for k, v in value.items()}
    return value


def _numbers(x):
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(x, "float64")


def _check_dtype_kwargs(kwargs):
    dtype = kwargs.get("dtype")
    if isinstance(dtype, str) and dtype not in _DTYPES:
        refused(f"dtype={dtype!r}: scratch_nn computes in float32 and float64 only "
                "(no mixed precision)")


def _run_step(module, step, results):
    args = _resolve(step["args"], results, module)
    kwargs = _resolve(step["kwargs"], results, module)
    _check_dtype_kwargs(kwargs)
    kind = step["kind"]
    if kind == "new":
        name = step["name"].split(".", 1)[1]
        return need(module, name)(*args, **kwargs)
    owner = results[step["owner"]]
    if kind == "shape":
        return tuple(np.shape(owner))
    if kind == "getitem":
        return owner[args[0]] if isinstance(owner, (dict, list, tuple, np.ndarray)) \
            else np.asarray(owner)[args[0]]
    if kind == "attr":
        return need(owner, step["name"])
    if step["name"] is None:
        return owner(*args, **kwargs)
    return need(owner, step["name"])(*args, **kwargs)


def _windows(case):
    return {c["from_step"]: c for c in case["checks"] if c["kind"] == "raises"}


def replay(module, case):
    """Run ``case`` on ``module`` (the scratch_nn module standing for Keras's)."""
    results = {}
    raising = _windows(case)
    steps = case["steps"]
    i = 0
    while i < len(steps):
        window = raising.get(i)
        if window is not None and window["to_step"] > i:
            exc = getattr(__builtins__, window["exception"], None) if isinstance(
                __builtins__, type(re)) else __builtins__.get(window["exception"])
            with pytest.raises(exc or Exception, match=window["match"]):
                for j in range(i, window["to_step"]):
                    results[j] = _run_step(module, steps[j], results)
            i = window["to_step"]
            continue
        results[i] = _run_step(module, steps[i], results)
        i += 1
    for check in case["checks"]:
        _check(check, results, module)


def _check(check, results, module):
    kind = check["kind"]
    if kind == "raises":
        return
    actual = results[check["handle"]]
    expected = _resolve(check.get("expected"), results, module)
    if kind == "close":
        np.testing.assert_allclose(_numbers(actual), _numbers(expected),
                                   rtol=check["rtol"], atol=check["atol"])
    elif kind == "almost":
        np.testing.assert_almost_equal(_numbers(actual), _numbers(expected),
                                       decimal=check["decimal"])
    elif kind == "equal":
        if callable(expected) and not isinstance(expected, type):
            assert actual is expected, f"{actual!r} is not {expected!r}"
        elif isinstance(expected, (tuple, list)) and isinstance(actual, (tuple, list)):
            assert tuple(actual) == tuple(expected)
        elif isinstance(expected, (str, bool, type(None), dict)):
            assert actual == expected
        else:
            np.testing.assert_array_equal(_numbers(actual), _numbers(expected))
    elif kind == "true":
        assert actual
    elif kind == "false":
        assert not actual
    elif kind == "none":
        assert actual is None
    elif kind == "len":
        assert len(actual) == expected
    elif kind == "isinstance":  # a class of the module under test, or a builtin's name
        assert isinstance(actual, expected) if isinstance(expected, type) else any(
            c.__name__ == expected for c in type(actual).__mro__)
    elif kind == "dtype":
        if expected not in _DTYPES:
            refused(f"dtype {expected}: scratch_nn computes in float32 and float64 only")
        assert np.asarray(_numbers_raw(actual)).dtype == np.dtype(expected)
    elif kind == "config":
        get_config = need(actual, "get_config")
        config = get_config()
        again = type(actual).from_config(config)
        assert again.get_config() == config
    else:  # pragma: no cover (a kind the extractor does not write)
        raise AssertionError(f"unknown check {kind}")


def _numbers_raw(x):
    return x.numpy() if hasattr(x, "numpy") else x


def case_ids(cases):
    return [case["id"] for case in cases]


__all__ = ["INF", "MISSING", "NAN", "A", "H", "N", "case_ids", "replay"]


def _names(case):
    """The module names a case calls (``"R2Score"``, ``"relu"``...)."""
    names = {step["name"].split(".")[1] for step in case["steps"] if step["kind"] == "new"}
    names |= {c["expected"].keras_name.split(".")[1] for c in case["checks"]
              if isinstance(c.get("expected"), N)}
    return names


def in_scope(cases, out_of_scope):
    """The cases that call none of the names (or have none of the ids) in ``out_of_scope``.

    Keras names outside what scratch_nn implements or plans (an
    ``OrthogonalRegularizer``, ``sparsemax``...) are not ported: each test
    module lists them, and they are neither run nor counted.
    """
    return [case for case in cases
            if case["id"] not in out_of_scope and not _names(case) & set(out_of_scope)]


def params(cases, known_differences=None):
    """``cases`` as pytest parameters; a case in ``known_differences`` (id -> why) is an xfail.

    A known difference is a case where scratch_nn does, on purpose, not what
    Keras does; it is expected to fail (``strict``: it is reported if it
    starts passing), and the summary counts it as failing.
    """
    known = known_differences or {}
    return [pytest.param(case, id=case["id"], marks=(
        [pytest.mark.xfail(strict=True, reason="known difference: " + known[case["id"]])]
        if case["id"] in known else [])) for case in cases]
