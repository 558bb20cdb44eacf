"""The slow-vs-fast MNIST study: why is Keras gradient descent slow, and what makes it fast?

One module per experiment (its question in the first docstring line, its
settings as data); the running, measuring, plotting and reporting are shared.
Every experiment runs on both backends, ``scratch_nn`` and Keras, through the
same Keras-style calls. Start with ``python -m experiments list``.

`experiments.doctor` applies the study to one training setup: it diagnoses a
model and its ``fit`` arguments and ranks the fixes
(``python -m experiments.doctor --help``).
"""

import importlib
import types

#: Every experiment, in report order.
EXPERIMENTS = (
    "seed_examples",
    "optimizer",
    "learning_rate",
    "batch_size",
    "early_stopping",
    "architecture",
    "preprocessing",
    "regularization",
    "initialization",
    "implementation",
    "lr_range_test",
    "doctor_advice",
)

#: What ``make run`` (``python -m experiments run-default``) trains, on all of MNIST with
#: one seed and at most three epochs (`settings.DEFAULT`): experiment -> the backends it
#: runs on and the labels of the settings it runs (None: all of them). Keras trains only
#: in the implementation experiment, whose answer is Keras's seconds: elsewhere the answer
#: is the epochs, the same on both backends (67 of the study's 70 settings agree within the
#: spread over seeds), and a Keras epoch costs 4-8 s against scratch_nn's 0.6-1.7 s. The
#: per-sample Python loop and XLA (about 50 s) are left to ``python -m experiments run
#: implementation`` and the study (``make study``).
DEFAULT_RUN = {
    "seed_examples": (("scratch",), None),
    "preprocessing": (("scratch",), None),
    "optimizer": (("scratch",), None),
    "implementation": (("scratch", "keras"), ("scratch_nn float32", "scratch_nn float64",
                                              "Keras default", "Keras steps_per_execution=32")),
}
DEFAULT_EXPERIMENTS = tuple(DEFAULT_RUN)


def get(name):
    """The module of experiment ``name`` (``QUESTION``, ``SETTINGS``, ``KEY_PLOT``...)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(EXPERIMENTS)}")
    return importlib.import_module(f"experiments.{name}")


def question(module):
    """An experiment's question: the first line of its module docstring."""
    return module.__doc__.strip().splitlines()[0]


def default_plan(name):
    """``(module, backends)`` of experiment ``name`` as ``make run`` trains it (`DEFAULT_RUN`).

    The module's ``SETTINGS`` are cut to the listed labels (a stand-in
    namespace; the module itself is left alone, so the report still counts
    the settings left out).
    """
    backends, labels = DEFAULT_RUN[name]
    module = get(name)
    if labels is None:
        return module, backends
    kept = [setting for setting in module.SETTINGS if setting.label in labels]
    missing = sorted(set(labels) - {setting.label for setting in kept})
    if missing:
        raise ValueError(f"DEFAULT_RUN[{name!r}] names settings {name} does not have: {missing}")
    return types.SimpleNamespace(**{**vars(module), "SETTINGS": kept}), backends
