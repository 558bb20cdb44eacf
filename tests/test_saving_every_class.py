"""Every public class of scratch_nn survives its config and a saved model (issue 28).

The classes are found in the package, not listed here (``tests/catalog.py``):
every public class of the layers, optimizers, schedules, losses, metrics,
regularizers, constraints, initializers and activations modules. A class
added later is therefore tested without editing this file; a class the test
cannot build, or one with a constructor argument it cannot move off its
default, fails by name and says which table of the catalog to extend.

Each class is built with its defaults (plus the arguments the catalog's
``REQUIRED`` gives the classes that need some), and with every constructor
argument moved off its default (arguments reached through ``**kwargs``, as
a layer's ``name``/``dtype``/``trainable``, count too). For each build:

- config: ``cls.from_config(obj.get_config())`` (Keras's hooks) and
  ``serialization.deserialize`` of its JSON give an object with the same
  config; each argument moved off its default appears in the config under
  its own name, with a value other than the default build's, so a config
  that drops an argument fails here even though it round-trips;
- a model holding it, trained a step: after ``save``/``load_model`` the
  layer and compile configs, the weights, the optimizer's iterations and
  slots, the predictions and the evaluation are the same, bit for bit, and
  continuing ``fit`` lands on the same weights as continuing without
  saving (not for a layer that draws random numbers, one whose constructor
  takes a ``seed``: the file keeps no generator state);
  ``save_weights``/``load_weights`` into a freshly built model gives the
  same predictions. ``metrics.Mean``, which ``compile`` refuses, has its
  config checked only (the catalog's ``CONFIG_ONLY``).

The README's 30-second example is built, trained on random data, saved and
loaded at the end.
"""

import json

import numpy as np
import pytest

import scratch_nn
from scratch_nn import layers, optimizers, saving, serialization
from tests.catalog import (
    BASES,
    CLASSES,
    CONFIG_ONLY,
    IDS,
    INPUT_SHAPES,
    KEPT_AT_DEFAULT,
    KINDS,
    NO_VALUE,
    NON_DEFAULT,
    NON_DEFAULT_BY_KIND,
    REQUIRED,
    TARGETS,
    WITH_GET_CONFIG,
    build,
    builds,
    constructor_arguments,
    key,
    public_classes,
    same,
)


def test_the_tables_name_existing_classes():
    """A stale table entry (a class renamed or removed) fails instead of testing nothing."""
    existing = {key(kind, cls) for kind in KINDS for cls in public_classes(kind)}
    named = set(BASES) | set(CONFIG_ONLY) | set(REQUIRED) | set(NON_DEFAULT) | set(INPUT_SHAPES) | {
        where for where, _ in KEPT_AT_DEFAULT if not where.endswith(".*")}
    assert named <= existing, f"tables name classes the package does not have: {named - existing}"
    assert set(NON_DEFAULT_BY_KIND) <= set(KINDS)
    # the enumeration finds the classes known when the tables were written
    assert {"layers.Flatten", "layers.Dense", "layers.InputLayer", "optimizers.Adam",
            "losses.MeanSquaredError", "metrics.SparseCategoricalAccuracy",
            "initializers.GlorotUniform", "regularizers.L2", "constraints.MaxNorm",
            "schedules.CosineDecay", "activations.LeakyReLU"} <= set(IDS)


def json_config(obj):
    """The config ``obj`` is saved with, through JSON and back."""
    return json.loads(json.dumps(serialization.serialize(obj)))


# -- configs -----------------------------------------------------------------
@pytest.mark.parametrize(("kind", "cls"), CLASSES, ids=IDS)
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
            if same(value, variants[0][1].get(argument, NO_VALUE)):
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
         "regression": rng.standard_normal((n, 3)).astype(dtype),
         "counts": rng.poisson(1.0, (n, 3)).astype(dtype)}[target]
    return x, y


HEADS = {"sparse": "softmax", "onehot": "softmax", "binary": "sigmoid", "regression": None,
         "counts": "softplus"}
LOSS_FOR = {"sparse": "sparse_categorical_crossentropy", "onehot": "categorical_crossentropy",
            "binary": "binary_crossentropy", "regression": "mse", "counts": "poisson"}


def takes_vectors(initializer):
    """Whether ``initializer`` can fill a rank-1 weight (a bias)."""
    try:
        initializer((5,))
    except ValueError:
        return False
    return True


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
            hidden = {"kernel_initializer": make()}
            if takes_vectors(make()):  # Identity and Orthogonal refuse a bias, as Keras's do
                hidden["bias_initializer"] = make()
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


@pytest.mark.parametrize(("kind", "cls"), CLASSES, ids=IDS)
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
