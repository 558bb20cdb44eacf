"""scratch_nn's two tiers hold: the lesson never imports the Keras tier, and no import circles.

The library is read as a lesson (the maths of a network and its training)
wrapped in Keras's API (``docs/READING.md``). The tiers, as Keras draws them
(``Model(Trainer, Layer)``, its symbolic tensor below the layers)::

    Keras tier    Sequential, Model, the functional API, saving, metrics, ops,
                  backend, utils, datasets, checkpoint, tensorboard, callbacks
        -> lesson tier   activations, initializers, layers, losses, optimizers,
                         network, trainer, callbacks' base, data
            -> leaves    config, random, tensor, keras_tensor, serialization, ...

A tier imports its own and the ones below it, never one above; a leaf
imports only leaves. Every module of scratch_nn must be placed in a tier
(:data:`LESSON`, :data:`LEAVES`, or the Keras tier by being in neither), so
a new module is classified when it is added. Imports are read from the
syntax tree, those inside functions and methods included (a lazy import is
still an import a reader meets), relative imports resolved. A package's
``__init__``, which Python runs before any of its modules, is not counted as
imported by them: ``scratch_nn/__init__.py`` imports everything, by design.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Small modules every tier may import; they import only each other.
LEAVES = {
    "scratch_nn.blas", "scratch_nn.config", "scratch_nn.gradcheck", "scratch_nn.keras_tensor",
    "scratch_nn.naming",
    "scratch_nn.progbar", "scratch_nn.random", "scratch_nn.serialization", "scratch_nn.tensor",
    "scratch_nn.unsupported",
}

#: The lesson: the maths a learner reads, and the loop that trains with it.
LESSON = {
    "scratch_nn.activation_base", "scratch_nn.activations", "scratch_nn.smooth_activations",
    "scratch_nn.initializers", "scratch_nn.regularizers", "scratch_nn.constraints",
    "scratch_nn.loss_base", "scratch_nn.loss_reduction", "scratch_nn.losses",
    "scratch_nn.regression_losses", "scratch_nn.hinge_losses", "scratch_nn.probabilistic_losses",
    "scratch_nn.layers", "scratch_nn.layers.*", "scratch_nn.optimizers", "scratch_nn.optimizers.*",
    "scratch_nn.network", "scratch_nn.trainer", "scratch_nn.callback_base", "scratch_nn.data",
}


def _in(module, names):
    return module in names or any(
        name.endswith(".*") and module.startswith(name[:-1]) for name in names)


def tier(module):
    """``"leaf"``, ``"lesson"`` or ``"keras"``."""
    if _in(module, LEAVES):
        return "leaf"
    return "lesson" if _in(module, LESSON) else "keras"


#: what each tier may import
ALLOWED = {"leaf": {"leaf"}, "lesson": {"leaf", "lesson"}, "keras": {"leaf", "lesson", "keras"}}


def import_graph(root=ROOT):
    """``{module: {imported scratch_nn module: "path:line"}}`` for every module of scratch_nn.

    ``from scratch_nn.layers import Dense`` counts as importing
    ``scratch_nn.layers``, ``from scratch_nn import losses`` as importing
    ``scratch_nn.losses`` (a module), wherever the statement stands.
    """
    paths = sorted((root / "scratch_nn").rglob("*.py"))
    modules = {_name_under(p, root): p for p in paths}
    graph = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges = {}
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                while name not in modules and "." in name:  # an attribute of a module
                    name = name.rpartition(".")[0]
                if name in modules and name != module:
                    edges.setdefault(name, f"{path.relative_to(root)}:{node.lineno}")
        graph[module] = edges
    return graph


def _name_under(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def upward_imports(graph):
    """``"path:line: a (tier) imports b (tier)"`` for each import of a higher tier."""
    return [f"{where}: {module} ({tier(module)}) imports {name} ({tier(name)})"
            for module, edges in graph.items() for name, where in edges.items()
            if tier(name) not in ALLOWED[tier(module)]]


def import_circles(graph):
    """Each set of modules that import each other (sorted, the first repeated at the end)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in graph:
                continue
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component) + [min(component)])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def _without_parent_packages(graph):
    """Drop each module's import of a package it is inside (Python runs that ``__init__`` first)."""
    return {module: {name: where for name, where in edges.items()
                     if not module.startswith(name + ".")}
            for module, edges in graph.items()}


def test_the_lesson_never_imports_the_keras_tier():
    found = upward_imports(import_graph())
    assert not found, ("the lesson tier imports only itself and the leaves; the leaves only "
                       "each other (tests/test_tiers.py names each tier):\n" + "\n".join(found))


def test_scratch_nn_has_no_import_circle():
    circles = import_circles(_without_parent_packages(import_graph()))
    assert not circles, "import circles in scratch_nn:\n" + "\n".join(
        " -> ".join(circle) for circle in circles)


def test_the_tiers_name_real_modules():
    modules = set(import_graph())
    for name in LEAVES | LESSON:
        assert any(_in(module, {name}) for module in modules), f"{name} is not a scratch_nn module"
    assert tier("scratch_nn.sequential") == tier("scratch_nn.metrics") == "keras"
    assert tier("scratch_nn.layers.core") == tier("scratch_nn.network") == "lesson"


@pytest.fixture
def copy_of_scratch_nn(tmp_path):
    """A copy of the package to break on purpose."""
    for path in (ROOT / "scratch_nn").rglob("*.py"):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    return tmp_path


def test_an_upward_import_is_caught_even_inside_a_function(copy_of_scratch_nn):
    trainer = copy_of_scratch_nn / "scratch_nn" / "trainer.py"
    trainer.write_text(trainer.read_text() + "\n\ndef _peek():\n    from scratch_nn import metrics\n")
    found = upward_imports(import_graph(copy_of_scratch_nn))
    assert len(found) == 1 and "scratch_nn.trainer (lesson) imports scratch_nn.metrics (keras)" \
        in found[0], found


def test_a_circle_is_caught(copy_of_scratch_nn):
    keras_tensor = copy_of_scratch_nn / "scratch_nn" / "keras_tensor.py"
    keras_tensor.write_text(keras_tensor.read_text() + "\n\ndef _f():\n    import scratch_nn.layers.base\n")
    circles = import_circles(_without_parent_packages(import_graph(copy_of_scratch_nn)))
    assert len(circles) == 1, circles
    assert {"scratch_nn.keras_tensor", "scratch_nn.layers.base"} <= set(circles[0]), circles
