"""Shared harness of the ported Keras cases: where a name is missing, and what is refused.

A ported case ends in one of four ways:

- it passes or fails, as any test;
- it is skipped with ``"not in scratch_nn yet: <name>"`` while the scratch_nn
  name it needs is missing (:func:`need`); once the name exists, the case runs
  (these count as applicable and not passing);
- it is skipped with ``"refused by design: <why>"`` (:func:`refused`): the case
  needs what scratch_nn leaves out on purpose (other backends, symbolic
  tensors, non-MLP layers, mixed precision); these are not applicable, and a
  test beside them checks the refusal raises its documented error.

``summary.py`` counts the outcomes per Keras file.
"""

import inspect

import numpy as np
import pytest

#: the prefixes of the two skip reasons, as ``summary.py`` reads them
MISSING = "not in scratch_nn yet: "
REFUSED = "refused by design: "


def need(owner, *names):
    """``owner.name`` (dotted names walk attributes), or skip the case while it is missing.

    A module's ``__getattr__`` raises ``NotImplementedError`` for a Keras name
    scratch_nn lists as not provided; that counts as missing too.
    """
    obj = owner
    for name in names:
        for part in name.split("."):
            try:
                obj = getattr(obj, part)
            except (AttributeError, NotImplementedError):
                owner_name = getattr(owner, "__name__", type(owner).__name__)
                pytest.skip(f"{MISSING}{owner_name}.{name}")
    return obj


def need_kwarg(fn, kwarg, label):
    """Skip while ``fn`` (a function or class) has no keyword argument ``kwarg``."""
    target = fn.__init__ if isinstance(fn, type) else fn
    params = inspect.signature(target).parameters
    if kwarg not in params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        pytest.skip(f"{MISSING}{label}")


def refused(why):
    """Skip a case that needs what scratch_nn refuses by design."""
    pytest.skip(REFUSED + why)


def close(actual, expected, rtol=1e-6, atol=1e-6):
    """Keras's ``assertAllClose`` (``np.testing.assert_allclose``) on anything ``np.asarray`` takes."""
    np.testing.assert_allclose(np.asarray(actual, "float64"), np.asarray(expected, "float64"),
                               rtol=rtol, atol=atol)


def value(x):
    """A scratch_nn result (Tensor, ScalarVariable, array, float) as a float64 array."""
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(x, "float64")


def check_metric_config(metric, expected, **attributes):
    """A metric's ``test_config`` case: ``name``, ``dtype``, ``get_config`` and ``from_config``.

    Keras's cases also count ``metric.variables`` (2 for a mean: total and
    count). scratch_nn's metrics keep their state in plain attributes, by
    design (``Metric.add_weight`` is refused), so that count is not checked.
    Keras's private ``_dtype`` is read as ``dtype``.
    """
    assert metric.name == expected["name"] and metric.dtype == expected["dtype"]
    config = metric.get_config()
    for key, value in expected.items():
        assert config[key] == value, key
    again = type(metric).from_config(config)
    assert again.name == expected["name"] and again.dtype == expected["dtype"]
    for key, value in attributes.items():
        assert getattr(metric, key) == value and getattr(again, key) == value, key
