"""The public classes of scratch_nn, found from the package, and how to build each (issue 28).

Each kind in ``KINDS`` is a module and a base class; every public class the
module binds that derives from the base is a case (``CLASSES``), so a
layer, loss, optimizer... added later is picked up without editing the
tables. :func:`builds` gives the keyword arguments of a default build
(``REQUIRED`` for the classes that need some) and of builds with every
constructor argument moved off its default (derived from the argument's
name or its default's type by :func:`derived`, or taken from ``NON_DEFAULT``
and, for every class of a kind, ``NON_DEFAULT_BY_KIND``); a class it cannot
cover fails by name, saying which table to extend.

Used by ``test_saving_every_class.py`` and ``test_vs_tensorflow_config_keys.py``.
"""

import copy
import inspect

import pytest

from scratch_nn import (
    activations,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from scratch_nn.optimizers import schedules

#: kind -> (the module whose public classes are tested, their base class)
KINDS = {
    "layers": (layers, layers.Layer),
    "optimizers": (optimizers, optimizers.Optimizer),
    "schedules": (schedules, schedules.LearningRateSchedule),
    "losses": (losses, losses.Loss),
    "metrics": (metrics, metrics.Metric),
    "regularizers": (regularizers, regularizers.Regularizer),
    "constraints": (constraints, constraints.Constraint),
    "initializers": (initializers, initializers.Initializer),
    "activations": (activations, activations.Activation),
}

#: Keras gives these kinds ``get_config``/``from_config``; activations are functions in Keras.
WITH_GET_CONFIG = set(KINDS) - {"activations"}

#: public classes not tested on their own, and why
BASES = {
    "layers.Layer": "the base class: no forward pass of its own",
    "optimizers.Optimizer": "the base class: no update rule of its own",
    "schedules.LearningRateSchedule": "the base class: no schedule of its own",
    "losses.Loss": "the base class: no per_sample or gradient of its own",
    "losses.CrossentropyLoss": "the shared part of the cross-entropies: no per_sample",
    "metrics.Metric": "the base class: no update_state of its own",
    "metrics.MeanMetricWrapper": "wraps a function given to it: tested through its subclasses",
    "regularizers.Regularizer": "the base class: no penalty of its own",
    "initializers.Initializer": "the base class: no values of its own",
    "activations.Activation": "the base class: no forward pass of its own",
}

#: compile refuses these as metrics (they accumulate values, not (y_true, y_pred)); configs only
CONFIG_ONLY = {
    "metrics.Mean": "accumulates the values it is given; compile(metrics=) refuses it",
    "metrics.Sum": "accumulates the values it is given; compile(metrics=) refuses it",
    "metrics.RootMeanSquaredError": "the root of a running mean, which compile(metrics=) "
                                    "cannot log as a mean of per-sample values; refused there",
}

#: arguments of the classes that need some (the default build), by "kind.Class"
REQUIRED = {
    "layers.Dense": {"units": 4},
    "layers.Dropout": {"rate": 0.25},
    "layers.Activation": {"activation": "relu"},
    "layers.InputLayer": {"shape": (6,)},
    "layers.Rescaling": {"scale": 0.5},
    "layers.GaussianNoise": {"stddev": 0.1},
    "layers.GaussianDropout": {"rate": 0.2},
    "layers.AlphaDropout": {"rate": 0.2},
    "layers.Reshape": {"target_shape": (2, 3)},
    "schedules.ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 2,
                                   "decay_rate": 0.5},
    "schedules.InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 2,
                                   "decay_rate": 0.5},
    "schedules.PiecewiseConstantDecay": {"boundaries": [2], "values": [0.1, 0.01]},
    "schedules.PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 4},
    "schedules.CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 4},
    "schedules.CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 2},
}

#: values for arguments :func:`derived` cannot move off their default (``None``, strings,
#: shapes, objects); a list gives several builds (arguments that exclude each other)
NON_DEFAULT = {
    "layers.Dense": {"kernel_initializer": "he_normal",
                     "bias_regularizer": regularizers.L1(0.01),
                     "kernel_constraint": constraints.MaxNorm(1.5)},
    "layers.InputLayer": {"shape": (2, 3)},
    "layers.Normalization": {"mean": [0.5] * 6, "variance": [2.0] * 6},
    "layers.PReLU": {"shared_axes": [1]},
    "layers.ReLU": {"max_value": 6.0},
    "layers.Reshape": {"target_shape": (3, 2)},
    "layers.AlphaDropout": {"noise_shape": (1, 6)},
    "schedules.PiecewiseConstantDecay": {"boundaries": [1, 3], "values": [0.2, 0.1, 0.05]},
    "schedules.CosineDecay": {"warmup_target": 0.2, "warmup_steps": 2},
    "initializers.VarianceScaling": {"mode": "fan_avg", "distribution": "uniform"},
    "metrics.TopKCategoricalAccuracy": {"k": 2},
    "metrics.SparseTopKCategoricalAccuracy": {"k": 2},
    "metrics.BinaryCrossentropy": {"label_smoothing": 0.2},
    "metrics.CategoricalCrossentropy": {"label_smoothing": 0.2},
    "activations.ReLU": {"max_value": 6.0},
}

#: the same, for every class of a kind (a class's own entry wins, argument by argument)
NON_DEFAULT_BY_KIND = {
    # the base optimizer's arguments; clipvalue and global_clipnorm exclude each other
    "optimizers": [{"weight_decay": 0.01, "clipvalue": 0.5}, {"global_clipnorm": 1.0}],
}

#: arguments left at their default, and why, by kind ("*") or "kind.Class"
KEPT_AT_DEFAULT = {
    ("layers.*", "autocast"): "accepted for Keras and ignored; Keras's layer config has no "
                              "autocast either",
    ("losses.SparseCategoricalCrossentropy", "ignore_class"): "scratch_nn accepts only None",
}

#: the targets a loss or metric class scores (by class name; "regression" otherwise)
TARGETS = {
    "SparseCategoricalCrossentropy": "sparse", "SparseCategoricalAccuracy": "sparse",
    "SparseTopKCategoricalAccuracy": "sparse",
    "CategoricalCrossentropy": "onehot", "CategoricalAccuracy": "onehot",
    "TopKCategoricalAccuracy": "onehot",
    "BinaryCrossentropy": "binary", "BinaryAccuracy": "binary",
    # the log of the prediction: counts, scored by a positive output
    "Poisson": "counts",
}

#: one sample's shape for a layer class that wants more than a feature vector
INPUT_SHAPES = {"layers.Flatten": (2, 3)}


# -- finding the classes -----------------------------------------------------
def public_classes(kind):
    """The public classes ``KINDS[kind]``'s module binds that derive from its base."""
    module, base = KINDS[kind]
    found = {obj for name, obj in vars(module).items()
             if not name.startswith("_") and isinstance(obj, type) and issubclass(obj, base)}
    return sorted(found, key=lambda cls: cls.__name__)


def key(kind, cls):
    return f"{kind}.{cls.__name__}"


CLASSES = [(kind, cls) for kind in KINDS for cls in public_classes(kind)
           if key(kind, cls) not in BASES]
IDS = [key(kind, cls) for kind, cls in CLASSES]

# -- the arguments -------------------------------------------------------------
def constructor_arguments(cls):
    """``{argument: default}`` of ``cls``, following ``**kwargs`` up to the parents' constructors.

    A required argument's default is ``inspect.Parameter.empty``. Arguments the
    class leaves out of its config (``_config_ignored``: a parent's argument the
    subclass fills itself) are not the class's own.
    """
    ignored = getattr(cls, "_config_ignored", ())
    out = {}
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        params = list(inspect.signature(klass.__init__).parameters.values())[1:]
        for p in params:
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ignored:
                out.setdefault(p.name, p.default)
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return out


NO_VALUE = object()


def derived(argument, default):
    """A value other than ``default`` for ``argument``, from its name or its default's type.

    Keras's argument names say what a value must be: ``*_initializer``,
    ``*_regularizer``, ``*_constraint``, ``activation``; an ``axis`` of -1
    becomes 1, the same feature axis of ``(batch, features)`` written the
    other way.
    """
    by_name = {"name": "renamed", "dtype": "float64", "seed": 7,
               "activation": "tanh" if default != "tanh" else "relu"}
    if argument in by_name:
        return by_name[argument]
    if argument.endswith("_initializer"):
        return "ones" if default != "ones" else "zeros"
    if argument.endswith("_regularizer"):
        return "l2"
    if argument.endswith("_constraint"):
        return "non_neg"
    if argument == "axis" and default == -1:
        return 1
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default / 2 if default else 0.5
    return NO_VALUE


def kept_at_default(kind, cls, argument):
    """Whether ``KEPT_AT_DEFAULT`` exempts ``argument`` of ``cls`` (by class or by kind)."""
    return (f"{kind}.*", argument) in KEPT_AT_DEFAULT or \
        (key(kind, cls), argument) in KEPT_AT_DEFAULT


def builds(kind, cls):
    """``[("defaults", kwargs), ("non_default", kwargs), ...]`` for ``cls``; fails naming gaps."""
    name = key(kind, cls)
    required = REQUIRED.get(name, {})
    arguments = constructor_arguments(cls)
    missing = [a for a, d in arguments.items() if d is inspect.Parameter.empty and a not in required]
    if missing:
        pytest.fail(f"{name} needs the arguments {missing}: add them to REQUIRED")
    auto = {}
    for argument, default in arguments.items():
        start = required.get(argument, default)
        value = derived(argument, start)
        if value is not NO_VALUE and not kept_at_default(kind, cls, argument):
            auto[argument] = value
    own = NON_DEFAULT.get(name, {})
    tables = own if isinstance(own, list) else [
        {**table, **own} for table in _as_list(NON_DEFAULT_BY_KIND.get(kind, {}))]
    out = [("defaults", dict(required))]
    for i, table in enumerate(tables):
        label = "non_default" if len(tables) == 1 else f"non_default_{i}"
        out.append((label, {**required, **auto, **table}))
    uncovered = [a for a, d in arguments.items() if not kept_at_default(kind, cls, a)
                 and not any(a in kwargs and not same(kwargs[a], required.get(a, d))
                             for _, kwargs in out[1:])]
    if uncovered:
        pytest.fail(f"{name}: no build moves {uncovered} off the default; add values to "
                    "NON_DEFAULT (or the argument to KEPT_AT_DEFAULT, with the reason)")
    return out


def _as_list(table):
    return table if isinstance(table, list) else [table]


def same(a, b):
    """``a == b``, for values whose ``==`` may raise or give an array."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def build(kind, cls, kwargs):
    """``cls(**kwargs)`` (on a copy, so table objects are never shared); fails naming the class."""
    try:
        return cls(**copy.deepcopy(kwargs))
    except Exception as error:  # noqa: BLE001 - any failure is reported with the class's name
        pytest.fail(f"{key(kind, cls)}({kwargs}) cannot be built: {type(error).__name__}: "
                    f"{error}; fix REQUIRED or NON_DEFAULT")
