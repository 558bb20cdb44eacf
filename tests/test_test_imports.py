"""The test house: no test module imports another (shared code lives in helper modules such as `tests.checks`)."""

import ast
from pathlib import Path


def test_no_test_module_imports_another():
    offenders = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name} imports {n}" for n in names if n.startswith("tests.test_")]
    assert not offenders, "test modules import each other: " + "; ".join(offenders)
