"""Turn the literal cases of a Keras test file into a data table (maintainer tool, needs Keras).

Usage (from the repository root, with the venv that has Keras)::

    python -m tests.keras_cases.tools.extract losses/losses_test.py losses > tests/keras_cases/data/losses_test.py

It executes each ``test_*`` method of the Keras file with recording stand-ins
for the module under test (``losses.X``, ``metrics.X``...), ``numpy`` real,
and Keras's assertions replaced by recorders. Each test becomes a small
program of steps (construct, call, method call) and checks (close, equal,
raises, config round trip) on literal values. A test that does anything the
recorder cannot follow (arithmetic on a result, a Keras-only helper) is
listed under ``NOT_EXTRACTED`` with the reason, for a hand port or a skip.
The table is what ``tests/keras_cases/replay.py`` re-runs on scratch_nn.
"""

import ast
import contextlib
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

KERAS_SRC = Path(__import__("importlib").util.find_spec("keras").origin).parent / "src"
MAX_SIZE = 1000  # larger literal arrays make a case not worth a table row


class Untraceable(Exception):
    pass


class Handle:
    """The result of a recorded step; the replay holds the real value at ``index``."""

    def __init__(self, rec, index):
        self._rec, self._index = rec, index

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "numpy":
            return lambda: self
        return Method(self._rec, self, name)

    def __call__(self, *args, **kwargs):
        return self._rec.step("call", self, None, args, kwargs)

    def __array__(self, *a, **k):
        raise Untraceable("a recorded result used as an array")

    def _bad(self, *a, **k):
        raise Untraceable("arithmetic on a recorded result")

    def __getitem__(self, key):
        return self._rec.step("getitem", self, None, [key], {})

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _bad
    __len__ = __iter__ = __float__ = __bool__ = __eq__ = __lt__ = __gt__ = _bad
    __hash__ = object.__hash__


class Method:
    def __init__(self, rec, owner, name):
        self._rec, self._owner, self._name = rec, owner, name

    def __call__(self, *args, **kwargs):
        return self._rec.step("call", self._owner, self._name, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise Untraceable(f"attribute of attribute {self._name}.{name}")


class ModuleRef:
    """``losses`` (or ``metrics``...): attribute access gives a name to call."""

    def __init__(self, rec, module):
        self._rec, self._module = rec, module

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        rec, module = self._rec, self._module

        class Ref:
            keras_name = f"{module}.{name}"

            def __call__(self, *args, **kwargs):
                return rec.step("new", None, f"{module}.{name}", args, kwargs)

            def __getattr__(self, attr):
                if attr.startswith("__"):
                    raise AttributeError(attr)
                return lambda *a, **k: rec.step("new", None, f"{module}.{name}.{attr}", a, k)

        return Ref()


class Recorder:
    def __init__(self, module):
        self.module = module
        self.steps = []
        self.checks = []
        self._raising = None

    def step(self, kind, owner, name, args, kwargs):
        self._literal(args), self._literal(kwargs)
        index = len(self.steps)
        self.steps.append({"kind": kind, "owner": owner._index if owner is not None else None,
                           "name": name, "args": list(args), "kwargs": dict(kwargs)})
        return Handle(self, index)

    def _literal(self, value):
        if isinstance(value, Handle):
            return
        if isinstance(value, np.ndarray) and value.size > MAX_SIZE:
            raise Untraceable(f"an array of {value.size} elements")
        if isinstance(value, (list, tuple)):
            for v in value:
                self._literal(v)
        if isinstance(value, dict):
            for v in value.values():
                self._literal(v)

    def check(self, kind, actual, expected=None, **tol):
        self._literal(expected)
        if isinstance(actual, Method):
            actual = self.step("attr", actual._owner, actual._name, (), {})
        if not isinstance(actual, Handle):
            if isinstance(actual, (np.ndarray, float, int, np.generic, list, tuple)):
                return  # the test compares two numbers of its own: nothing of ours
            raise Untraceable(f"{kind} on {type(actual).__name__}")
        self.checks.append({"kind": kind, "handle": actual._index, "expected": expected, **tol})


def make_testcase(rec):
    class TestCase:
        def setUp(self):
            pass

        def tearDown(self):
            pass

        def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None, **_):
            if isinstance(b, Handle) and not isinstance(a, Handle):
                a, b = b, a
            rec.check("close", a, b, rtol=rtol, atol=atol)

        def assertAlmostEqual(self, a, b, decimal=3, tpu_decimal=None, msg=None):
            if isinstance(b, Handle) and not isinstance(a, Handle):
                a, b = b, a
            rec.check("almost", a, b, decimal=decimal)

        def assertEqual(self, a, b, msg=None):
            if isinstance(b, Handle) and not isinstance(a, Handle):
                a, b = b, a
            rec.check("equal", a, b)

        def assertTrue(self, a, msg=None):
            rec.check("true", a)

        def assertFalse(self, a, msg=None):
            rec.check("false", a)

        def assertIsNone(self, a, msg=None):
            rec.check("none", a)

        def assertIsInstance(self, a, cls, msg=None):
            rec.check("isinstance", a, cls)

        def assertLen(self, a, n, msg=None):
            rec.check("len", a, n)

        def assertDType(self, a, dtype, msg=None):
            rec.check("dtype", a, str(dtype))

        def assertArrayEqual(self, a, b, msg=None):
            rec.check("close", a, b, rtol=0, atol=0)

        def assertAllEqual(self, a, b, msg=None):
            rec.check("close", a, b, rtol=0, atol=0)

        def run_class_serialization_test(self, obj, custom_objects=None):
            rec.check("config", obj)

        @contextlib.contextmanager
        def assertRaisesRegex(self, exc, regex):
            before = len(rec.steps)
            yield
            rec.checks.append({"kind": "raises", "from_step": before, "to_step": len(rec.steps),
                               "exception": exc.__name__, "match": regex})

        @contextlib.contextmanager
        def assertRaises(self, exc):
            before = len(rec.steps)
            yield
            rec.checks.append({"kind": "raises", "from_step": before, "to_step": len(rec.steps),
                               "exception": exc.__name__, "match": None})

        def __getattr__(self, name):
            if name.startswith(("assert", "run_")):
                raise Untraceable(f"Keras helper {name}")
            raise AttributeError(name)

    return TestCase


class _Params:
    """absl's parameterized: keeps the parameter sets on the function."""

    @staticmethod
    def _mark(cases, named):
        def deco(fn):
            sets = []
            for i, case in enumerate(cases):
                if isinstance(case, dict):
                    case = dict(case)
                    name = case.pop("testcase_name", str(i))
                    sets.append((name, (), case))
                elif named:
                    sets.append((case[0], tuple(case[1:]), {}))
                else:
                    case = case if isinstance(case, tuple) else (case,)
                    sets.append((str(i), case, {}))
            fn._param_sets = sets
            return fn
        return deco

    def named_parameters(self, *cases):
        if len(cases) == 1 and isinstance(cases[0], list):
            cases = cases[0]
        return self._mark(cases, True)

    def parameters(self, *cases):
        if len(cases) == 1 and isinstance(cases[0], list):
            cases = cases[0]
        return self._mark(cases, False)

    def product(self, **kwargs):
        import itertools
        keys = list(kwargs)
        cases = [dict(zip(keys, values, strict=True)) for values in itertools.product(*kwargs.values())]
        for c in cases:
            c["testcase_name"] = "_".join(f"{k}_{v}" for k, v in c.items())
        return self._mark(cases, True)

    TestCase = object


def _as_array(x, *args, **kwargs):
    """``convert_to_numpy``: a recorded result stays a result (the replay holds its value)."""
    return x if isinstance(x, Handle) else np.asarray(x, *args, **kwargs)


def _fake_backend():
    b = types.SimpleNamespace()
    b.backend = lambda: "tensorflow"
    b.shape = lambda x: (x._rec.step("shape", x, None, [], {}) if isinstance(x, Handle)
                         else np.shape(x))
    b.floatx = lambda: "float32"
    b.Variable = lambda value, dtype=None, **k: np.asarray(value, dtype or "float32")
    b.convert_to_tensor = b.convert_to_numpy = _as_array
    b.standardize_dtype = lambda d: str(np.dtype(d))
    b.KerasTensor = type("KerasTensor", (), {})
    return b


def _fake_ops(rec):
    ops = types.SimpleNamespace()
    for name in ("ones", "zeros", "arange", "full", "array", "ones_like", "zeros_like",
                 "reshape", "expand_dims", "transpose", "concatenate", "stack", "log", "exp"):
        setattr(ops, name, getattr(np, name))
    ops.convert_to_tensor = lambda x, dtype=None, **k: np.asarray(x, dtype)
    ops.convert_to_numpy = _as_array
    ops.cast = lambda x, dtype: np.asarray(x).astype(dtype)
    ops.shape = lambda x: (rec.step("shape", x, None, [], {}) if isinstance(x, Handle)
                           else np.shape(x))
    return ops


def extract(test_file, module, classes=None):
    path = KERAS_SRC / test_file
    source = path.read_text()
    tree = ast.parse(source)
    body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    code = compile(ast.Module(body=body, type_ignores=[]), str(path), "exec")
    cases, skipped = [], []
    class_names = [n.name for n in body if isinstance(n, ast.ClassDef)]
    for cls_name in class_names:
        if classes and cls_name not in classes:
            continue
        cls_node = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls_name)
        methods = [n.name for n in cls_node.body if isinstance(n, ast.FunctionDef)
                   and n.name.startswith("test")]
        for method in methods:
            probe = Recorder(module)
            namespace = _namespace(probe, module)
            exec(code, namespace)  # noqa: S102 (Keras's own test file, run with stand-ins)
            param_sets = getattr(getattr(namespace[cls_name], method), "_param_sets",
                                 [("", (), {})])
            for label, args, kwargs in param_sets:
                rec = Recorder(module)
                np.random.seed(1337)  # the random inputs of a case are stored as literals
                namespace = _namespace(rec, module)
                exec(code, namespace)  # noqa: S102
                cls = namespace[cls_name]
                test_id = f"{cls_name}::{method}" + (f"[{label}]" if label else "")
                try:
                    instance = cls.__new__(cls)
                    instance.setUp()
                    getattr(instance, method)(*args, **kwargs)
                except Untraceable as e:
                    skipped.append((test_id, str(e)))
                    continue
                except (Exception, pytest.fail.Exception) as e:  # noqa: BLE001
                    skipped.append((test_id, f"{type(e).__name__}: {e}"[:200]))
                    continue
                if not rec.checks:
                    skipped.append((test_id, "no check on a result"))
                    continue
                cases.append({"id": test_id, "steps": rec.steps, "checks": rec.checks})
    return cases, skipped


def _namespace(rec, module):
    TestCase = make_testcase(rec)
    testing = types.SimpleNamespace(TestCase=TestCase)
    @contextlib.contextmanager
    def raises(exc, match=None):
        before = len(rec.steps)
        yield
        rec.checks.append({"kind": "raises", "from_step": before, "to_step": len(rec.steps),
                           "exception": exc.__name__, "match": match})

    fake_pytest = types.SimpleNamespace(mark=pytest.mark, raises=raises, approx=pytest.approx)
    ns = {"np": np, "numpy": np, "pytest": fake_pytest, "re": re, "testing": testing,
          "parameterized": _Params(), "backend": _fake_backend(), "ops": _fake_ops(rec),
          "math": __import__("math"), "__name__": "keras_case"}
    canonical, *aliases = module.split(":")
    for name in [canonical, *aliases]:
        ns[name] = ModuleRef(rec, canonical)

    def identity_decorator(*a, **k):
        return lambda fn: fn

    ns["skip_if_backend"] = ns["register_keras_serializable"] = identity_decorator
    return ns


def _lit(value):
    """``value`` as Python source: arrays as ``A(list, dtype)``."""
    if isinstance(value, Handle):
        return f"H({value._index})"
    if isinstance(value, np.ndarray):
        return f"A({_lit(value.tolist())}, {str(value.dtype)!r})"
    if isinstance(value, np.generic):
        return f"A({_lit(value.item())}, {str(value.dtype)!r})"
    if isinstance(value, float):
        if np.isnan(value):
            return "NAN"
        if np.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_lit(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (str, int, bool, type(None))):
        return repr(value)
    if isinstance(value, type):
        return repr(value.__name__)
    if hasattr(value, "keras_name"):  # a name of the module under test (a class, a function)
        return f"N({value.keras_name!r})"
    if value is None or value is Ellipsis:
        return repr(value)
    raise Untraceable(f"literal of type {type(value).__name__}")


def render(test_file, module, cases, skipped):
    lines = [f'"""Cases of keras/src/{test_file} (Keras 3.15.1), extracted by tests/keras_cases/tools/extract.py.',
             "",
             "Inputs and expected values are Keras's, carried over with each case's test",
             "name; tests/keras_cases/replay.py runs them on scratch_nn.", '"""', "",
             "from tests.keras_cases.replay import INF, NAN, A, H, N  # noqa: F401", "",
             f"KERAS_FILE = {('keras/src/' + test_file)!r}", "",
             "CASES = ["]
    for case in cases:
        try:
            text = (f"    {{'id': {case['id']!r},\n     'steps': {_lit(case['steps'])},\n"
                    f"     'checks': {_lit(case['checks'])}}},")
        except Untraceable as e:
            skipped.append((case["id"], str(e)))
            continue
        lines.append(text)
    lines.append("]")
    lines.append("")
    lines.append("#: Keras tests this table does not hold, and why (ported by hand or skipped)")
    lines.append("NOT_EXTRACTED = [")
    lines += [f"    ({tid!r}, {why!r})," for tid, why in skipped]
    lines.append("]")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    test_file, module = sys.argv[1], sys.argv[2]
    cases, skipped = extract(test_file, module, sys.argv[3].split(",") if len(sys.argv) > 3 else None)
    sys.stdout.write(render(test_file, module, cases, skipped))
