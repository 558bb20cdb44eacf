"""Every public class of scratch_nn survives its config and a saved model (issue 28).

The classes are found in the package, not listed here: each kind in
``KINDS`` is a module and a base class, and every public class the module
binds that derives from the base is tested. A layer, loss, optimizer...
added later is therefore tested without editing this file; a class the test
cannot build, or one with a constructor argument it cannot move off its
default, fails by name and says which table to extend.

Each class is built twice: with its defaults (plus the arguments
``REQUIRED`` gives the classes that need some), and with every constructor
argument moved off its default (derived from the default's type by
:func:`derived`, or taken from ``NON_DEFAULT``; arguments reached through
``**kwargs``, as a layer's ``name``/``dtype``/``trainable``, count too).
For each build:

- config: ``cls.from_config(obj.get_config())`` (Keras's hooks) and
  ``serialization.deserialize`` of its JSON give an object with the same
  config; each argument moved off its default appears in the config under
  its own name, with a value other than the default build's, so a config
  that drops an argument fails here even though it round-trips;
- a model holding it, trained a step: after ``save``/``load_model`` the
  layer and compile configs, the weights, the optimizer's iterations and
  slots, the predictions and the evaluation are the same, bit for bit, and
  continuing ``fit`` lands on the same weights as continuing without
  saving; ``save_weights``/``load_weights`` into a freshly built model gives
  the same predictions.

The README's 30-second example is built, trained on random data, saved and
loaded at the end.
"""

import copy
import inspect
import json

import numpy as np
import pytest

import scratch_nn
from scratch_nn import (
    activations,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
    saving,
    serialization,
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
CONFIG_ONLY = {"metrics.Mean": "accumulates the values it is given; compile(metrics=) refuses it"}

#: arguments of the classes that need some (the default build), by "kind.Class"
REQUIRED = {
    "layers.Dense": {"units": 4},
    "layers.Dropout": {"rate": 0.25},
    "layers.Activation": {"activation": "relu"},
    "layers.InputLayer": {"shape": (6,)},
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
    "layers.Dense": {"activation": "tanh", "kernel_initializer": "he_normal",
                     "bias_initializer": "ones", "kernel_regularizer": regularizers.L2(0.01),
                     "bias_regularizer": regularizers.L1(0.01),
                     "kernel_constraint": constraints.MaxNorm(1.5),
                     "bias_constraint": constraints.NonNeg()},
    "layers.Activation": {"activation": "tanh"},
    "layers.BatchNormalization": {"axis": 1},
    "layers.Softmax": {"axis": 1},
    "layers.InputLayer": {"shape": (2, 3)},
    "schedules.PiecewiseConstantDecay": {"boundaries": [1, 3], "values": [0.2, 0.1, 0.05]},
    "schedules.CosineDecay": {"warmup_target": 0.2, "warmup_steps": 2},
    "initializers.VarianceScaling": {"mode": "fan_avg", "distribution": "uniform"},
    "metrics.TopKCategoricalAccuracy": {"k": 2},
    "metrics.SparseTopKCategoricalAccuracy": {"k": 2},
    "metrics.BinaryCrossentropy": {"label_smoothing": 0.2},
    "metrics.CategoricalCrossentropy": {"label_smoothing": 0.2},
}
for _name in ("SGD", "Adam", "Nadam", "RMSprop"):  # clipvalue and global_clipnorm exclude each other
    NON_DEFAULT[f"optimizers.{_name}"] = [{"weight_decay": 0.01, "clipvalue": 0.5},
                                          {"global_clipnorm": 1.0}]

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


def test_the_tables_name_existing_classes():
    """A stale table entry (a class renamed or removed) fails instead of testing nothing."""
    existing = {key(kind, cls) for kind in KINDS for cls in public_classes(kind)}
    named = set(BASES) | set(CONFIG_ONLY) | set(REQUIRED) | set(NON_DEFAULT) | {
        where for where, _ in KEPT_AT_DEFAULT if not where.endswith(".*")}
    assert named <= existing, f"tables name classes the package does not have: {named - existing}"
    # the layers the issue names by hand, and the classes seen before the tables were written
    assert {"layers.Flatten", "layers.Dense", "optimizers.Adam", "losses.MeanSquaredError",
            "metrics.SparseCategoricalAccuracy", "initializers.GlorotUniform",
            "regularizers.L2", "constraints.MaxNorm", "schedules.CosineDecay"} <= set(IDS)


# -- the arguments -------------------------------------------------------------
def constructor_arguments(cls):
    """``{argument: default}`` of ``cls``, following ``**kwargs`` up to the parents' constructors.

    A required argument's default is ``inspect.Parameter.empty``.
    """
    out = {}
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        params = list(inspect.signature(klass.__init__).parameters.values())[1:]
        for p in params:
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                out.setdefault(p.name, p.default)
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return out


NO_VALUE = object()


def derived(argument, default):
    """A value other than ``default`` for ``argument``, from its name or its default's type."""
    if argument == "name":
        return "renamed"
    if argument == "dtype":
        return "float64"
    if argument == "seed":
        return 7
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default / 2 if default else 0.5
    return NO_VALUE


def kept_at_default(kind, cls, argument):
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
    tables = NON_DEFAULT.get(name, {})
    tables = tables if isinstance(tables, list) else [tables]
    out = [("defaults", dict(required))]
    for i, table in enumerate(tables):
        label = "non_default" if len(tables) == 1 else f"non_default_{i}"
        out.append((label, {**required, **auto, **table}))
    uncovered = [a for a, d in arguments.items() if not kept_at_default(kind, cls, a)
                 and not any(a in kwargs and not _same(kwargs[a], required.get(a, d))
                             for _, kwargs in out[1:])]
    if uncovered:
        pytest.fail(f"{name}: no build moves {uncovered} off the default; add values to "
                    "NON_DEFAULT (or the argument to KEPT_AT_DEFAULT, with the reason)")
    return out


def _same(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def build(kind, cls, kwargs):
    try:
        return cls(**copy.deepcopy(kwargs))
    except Exception as error:  # noqa: BLE001 - any failure is reported with the class's name
        pytest.fail(f"{key(kind, cls)}({kwargs}) cannot be built: {type(error).__name__}: "
                    f"{error}; fix REQUIRED or NON_DEFAULT")


CASES = CLASSES


def json_config(obj):
    """The config ``obj`` is saved with, through JSON and back."""
    return json.loads(json.dumps(serialization.serialize(obj)))


# -- configs -----------------------------------------------------------------
@pytest.mark.parametrize(("kind", "cls"), CASES, ids=IDS)
def test_config_round_trips_and_keeps_every_argument(kind, cls):
    variants = builds(kind, cls)
    default = build(kind, cls, variants[0][1])
    for label, kwargs in variants:
        obj = build(kind, cls, kwargs)
        saved = json_config(obj)
        again = serialization.deserialize(saved)
        assert type(again) is cls and json_config(again) == saved, label
        if kind in WITH_GET_CONFIG:
            config = obj.get_config()
            clone = cls.from_config(config)
            assert type(clone) is cls and json_config(clone) == saved, label
        if label == "defaults":
            continue
        for argument, value in kwargs.items():
            if _same(value, variants[0][1].get(argument, NO_VALUE)):
                continue
            assert argument in saved["config"], (
                f"{key(kind, cls)} ({label}): the config has no {argument!r}")
            assert saved["config"][argument] != json_config(default)["config"].get(argument), (
                f"{key(kind, cls)} ({label}): {argument}={value!r} is not kept in the config")


# -- models ------------------------------------------------------------------
def data(shape, target, dtype="float32", n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, *shape)).astype(dtype)
    labels = rng.integers(0, 3, n)
    y = {"sparse": labels,
         "onehot": np.eye(3, dtype=dtype)[labels],
         "binary": rng.integers(0, 2, (n, 3)).astype(dtype),
         "regression": rng.standard_normal((n, 3)).astype(dtype)}[target]
    return x, y


HEADS = {"sparse": "softmax", "onehot": "softmax", "binary": "sigmoid", "regression": None}
LOSS_FOR = {"sparse": "sparse_categorical_crossentropy", "onehot": "categorical_crossentropy",
            "binary": "binary_crossentropy", "regression": "mse"}


def model_holding(kind, make):
    """A compiled model that holds ``make()`` where its kind goes, and data for it.

    ``make`` builds a fresh object each call, so the model can be built twice
    (for ``load_weights``).
    """
    hidden = {}
    optimizer, loss, metric_list, target, shape = "adam", None, ["accuracy"], "sparse", (6,)
    dtype, head_activation = "float32", None
    if kind == "layers":
        layer = make()
        dtype = layer.dtype
        if isinstance(layer, layers.InputLayer):
            stack, shape = [layer], layer.input_shape
        else:
            shape = INPUT_SHAPES.get(f"layers.{type(layer).__name__}", (6,))
            stack = [layers.Input(shape, dtype=dtype), layer]
        if len(stack[-1].compute_output_shape(shape)) > 1:
            stack.append(layers.Flatten(dtype=dtype))
        stack.append(layers.Dense(3, activation="softmax", dtype=dtype))
        model = scratch_nn.Sequential(stack)
    else:
        if kind == "optimizers":
            optimizer = make()
        elif kind == "schedules":
            optimizer = optimizers.Adam(learning_rate=make())
        elif kind == "losses":
            loss = make()
            target = TARGETS.get(type(loss).__name__, "regression")
            head_activation = None if getattr(loss, "from_logits", False) else HEADS[target]
        elif kind == "metrics":
            metric = make()
            target = TARGETS.get(type(metric).__name__, "regression")
            metric_list = [metric]
        elif kind == "regularizers":
            hidden = {"kernel_regularizer": make(), "bias_regularizer": make()}
        elif kind == "constraints":
            hidden = {"kernel_constraint": make()}  # axis=1 has no meaning on a bias
        elif kind == "initializers":
            hidden = {"kernel_initializer": make(), "bias_initializer": make()}
        elif kind == "activations":
            hidden = {"activation": make()}
        else:
            pytest.fail(f"no model for the kind {kind!r}: add it to model_holding")
        if kind not in ("losses",):
            head_activation = HEADS[target]
        hidden.setdefault("activation", "relu")
        model = scratch_nn.Sequential([layers.Input(shape), layers.Dense(5, **hidden),
                                       layers.Dense(3, activation=head_activation)])
    model.compile(optimizer=optimizer, loss=loss or LOSS_FOR[target], metrics=metric_list)
    return model, data(shape, target, dtype)


def saved_state(model):
    """Everything a saved model should bring back, as comparable values."""
    return {"model": json.dumps(saving.model_config(model), sort_keys=True),
            "compile": json.dumps(saving.compile_config(model), sort_keys=True),
            "optimizer": type(model.optimizer).__name__,
            "iterations": int(model.optimizer.iterations)}


def assert_same_arrays(a, b, what):
    assert len(a) == len(b), what
    for i, (u, v) in enumerate(zip(a, b)):
        np.testing.assert_array_equal(u, v, err_msg=f"{what} {i}")


def fit(model, x, y, seed):
    scratch_nn.utils.set_random_seed(seed)  # a Dropout without a seed masks alike in both
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)


@pytest.mark.parametrize(("kind", "cls"), CASES, ids=IDS)
def test_a_model_holding_it_saves_and_loads(tmp_path, kind, cls):
    if key(kind, cls) in CONFIG_ONLY:
        pytest.skip(CONFIG_ONLY[key(kind, cls)])
    for label, kwargs in builds(kind, cls):
        folder = tmp_path / label
        folder.mkdir()
        scratch_nn.utils.set_random_seed(1)
        model, (x, y) = model_holding(kind, lambda kw=kwargs: build(kind, cls, kw))
        fit(model, x, y, seed=2)
        model.save(folder / "m.keras")
        loaded = saving.load_model(folder / "m.keras")
        where = f"{key(kind, cls)} ({label})"
        assert saved_state(loaded) == saved_state(model), where
        assert_same_arrays(loaded.get_weights(), model.get_weights(), f"{where}: weight")
        state, loaded_state = saving.optimizer_state(model), saving.optimizer_state(loaded)
        assert sorted(loaded_state) == sorted(state), where
        assert_same_arrays([loaded_state[k] for k in sorted(state)],
                           [state[k] for k in sorted(state)], f"{where}: optimizer slot")
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                                      err_msg=where)
        assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0), where

        model.save_weights(folder / "w.weights.h5")
        scratch_nn.utils.set_random_seed(3)
        fresh, _ = model_holding(kind, lambda kw=kwargs: build(kind, cls, kw))
        fresh.load_weights(folder / "w.weights.h5")
        np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0),
                                      err_msg=where)

        # A layer that draws random numbers (its constructor takes a seed) has a generator
        # of its own, which the file does not keep: after loading it draws other masks.
        if kind == "layers" and "seed" in constructor_arguments(cls):
            continue
        for m in (model, loaded):
            fit(m, x, y, seed=4)
        assert_same_arrays(loaded.get_weights(), model.get_weights(),
                           f"{where}: weight after continuing fit")


# -- the README's 30-second example ----------------------------------------------
def test_readme_example_saves_and_loads(tmp_path):
    """README.md's model, on 64 random 28x28 images instead of MNIST."""
    from scratch_nn.layers import Dense, Dropout, Flatten
    scratch_nn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 28, 28)), rng.integers(0, 10, 64)
    with pytest.warns(UserWarning, match="input_shape"):
        flatten = Flatten(input_shape=(28, 28))
    model = scratch_nn.Sequential([flatten, Dense(128, activation="relu"), Dropout(0.2),
                                   Dense(10, activation="softmax")])
    model.compile(optimizer=scratch_nn.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "mnist.keras")
    loaded = scratch_nn.models.load_model(tmp_path / "mnist.keras")
    assert [type(layer).__name__ for layer in loaded.layers] == [
        "Flatten", "Dense", "Dropout", "Dense"]
    assert loaded.input_shape == (None, 28, 28)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    assert saved_state(loaded) == saved_state(model)
    state, loaded_state = saving.optimizer_state(model), saving.optimizer_state(loaded)
    assert sorted(loaded_state) == sorted(state) and "optimizer/velocities/0" in state
    assert_same_arrays([loaded_state[k] for k in sorted(state)],
                       [state[k] for k in sorted(state)], "optimizer slot")
