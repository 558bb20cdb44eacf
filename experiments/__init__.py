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

#: What ``make run`` (``python -m experiments run-default``) runs.
DEFAULT_EXPERIMENTS = ("seed_examples", "preprocessing", "optimizer", "implementation")


def get(name):
    """The module of experiment ``name`` (``QUESTION``, ``SETTINGS``, ``KEY_PLOT``...)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(EXPERIMENTS)}")
    return importlib.import_module(f"experiments.{name}")


def question(module):
    """An experiment's question: the first line of its module docstring."""
    return module.__doc__.strip().splitlines()[0]
