"""The layers hold: no package imports one above it, and scratch_nn needs nothing but NumPy.

The project is layered, and data flows one way::

    experiments (the study, the doctor, the bench)
        -> keras_ref (Keras twins, weight transfer, the TensorFlow oracle)
            -> scratch_nn (the library)

A layer may import the ones below it, never one above: ``scratch_nn``
imports nothing of ``keras_ref``, ``experiments`` or ``tests``; ``keras_ref``
nothing of ``experiments`` or ``tests``. ``scratch_nn`` also keeps its
promise to its readers: it imports only NumPy, the standard library and
itself. An optional package may be imported inside the one function that
needs it only when :data:`OPTIONAL_INSIDE_FUNCTIONS` names it, with why.

Every ``import`` and ``from`` statement is read from each module's syntax tree,
including those inside functions (a lazy import is still an import), with
relative imports resolved to absolute names. Nothing is imported or run.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Package -> the project's packages it must never import (the ones above it).
UPWARD = {
    "scratch_nn": ("keras_ref", "experiments", "tests"),
    "keras_ref": ("experiments", "tests"),
}

#: What scratch_nn may import at all (besides the standard library).
SCRATCH_NN_ALLOWED = ("numpy", "scratch_nn")

#: Optional package -> why scratch_nn may import it, inside a function only.
#: The one optional dependency: tensorboard, for callbacks.TensorBoard.
OPTIONAL_INSIDE_FUNCTIONS = {
    "tensorboard": "callbacks.TensorBoard writes its event files with it (scratch_nn/tensorboard.py)",
}


def _module_name(path):
    """``scratch_nn/layers/core.py`` -> ``scratch_nn.layers.core``; a package is its ``__init__``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source, module, is_package=False):
    """Every import in ``source``: ``(line, imported name, inside a function)`` triples.

    Args:
        source: the module's code.
        module: its dotted name (to resolve relative imports).
        is_package: whether it is a package's ``__init__`` (``from . import x``
            is then relative to the module itself).
    """
    package = module if is_package else module.rpartition(".")[0]
    found = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def _function(self, node):
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_FunctionDef = visit_AsyncFunctionDef = _function

        def visit_Import(self, node):
            found.extend((node.lineno, alias.name, self.depth > 0) for alias in node.names)

        def visit_ImportFrom(self, node):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if node.module is None:  # `from . import x`: x may be a module of that package
                found.extend((node.lineno, f"{base}.{alias.name}", self.depth > 0)
                             for alias in node.names)
            else:
                found.append((node.lineno, base, self.depth > 0))

    Visitor().visit(ast.parse(source))
    return found


def _modules(package):
    return sorted((ROOT / package).rglob("*.py"))


def _top(name):
    return name.split(".")[0]


def upward_imports(package):
    """``"path:line imports name"`` for every import of a layer above ``package``."""
    found = []
    for path in _modules(package):
        for line, name, _ in imports(path.read_text(), _module_name(path), path.name == "__init__.py"):
            if _top(name) in UPWARD[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def foreign_imports(package="scratch_nn"):
    """``"path:line imports name"`` for each import outside NumPy, the stdlib and the package.

    An allow-listed optional package passes inside a function only.
    """
    found = []
    for path in _modules(package):
        for line, name, lazy in imports(path.read_text(), _module_name(path),
                                        path.name == "__init__.py"):
            top = _top(name)
            if top in SCRATCH_NN_ALLOWED or top in sys.stdlib_module_names:
                continue
            if lazy and top in OPTIONAL_INSIDE_FUNCTIONS:
                continue
            where = "inside a function" if lazy else "at module level"
            found.append(f"{path.relative_to(ROOT)}:{line} imports {name} ({where})")
    return found


@pytest.mark.parametrize("package", sorted(UPWARD))
def test_no_layer_imports_upward(package):
    found = upward_imports(package)
    assert not found, (f"{package} must not import {', '.join(UPWARD[package])} "
                       "(a layer imports only the layers below it):\n" + "\n".join(found))


def test_scratch_nn_imports_only_numpy_and_the_standard_library():
    found = foreign_imports()
    assert not found, ("scratch_nn imports only NumPy, the standard library and itself; an "
                       "optional package goes inside the function that needs it and into "
                       "OPTIONAL_INSIDE_FUNCTIONS with the reason:\n" + "\n".join(found))


def test_every_package_is_read():
    for package in ("scratch_nn", "keras_ref", "experiments"):
        assert (ROOT / package / "__init__.py").is_file()
        assert len(_modules(package)) > 3, package


def test_imports_are_found_everywhere_and_resolved():
    """Module level, inside a function and a method, and relative imports."""
    source = (
        "import os, numpy as np\n"
        "from scratch_nn.layers import Dense\n"
        "from . import mnist\n"
        "from ..models import Sequential\n"
        "def f():\n"
        "    import keras\n"
        "class C:\n"
        "    def m(self):\n"
        "        from keras_ref import transfer\n"
        "if True:\n"
        "    import experiments.data\n"
    )
    assert imports(source, "scratch_nn.datasets", is_package=True) == [
        (1, "os", False), (1, "numpy", False), (2, "scratch_nn.layers", False),
        (3, "scratch_nn.datasets.mnist", False), (4, "scratch_nn.models", False),
        (6, "keras", True), (9, "keras_ref", True), (11, "experiments.data", False),
    ]
    assert imports("from . import core\nfrom .base import Layer\n", "scratch_nn.layers.dense") == [
        (1, "scratch_nn.layers.core", False), (2, "scratch_nn.layers.base", False),
    ]
