"""Every experiment end to end in ``--quick`` mode, outputs checked.

Needs MNIST (the ``mnist`` fixture skips without it, unless MNIST_REQUIRED=1)
and TensorFlow for the Keras backend.

A Keras run costs its graph tracing (2-3 CPU seconds a model, whatever the
data size), so ``make test`` runs every experiment on scratch_nn and only
``BOTH_BACKENDS`` on Keras too: between them they take every path a Keras
run has in `experiments.runner` (the test-set monitor of a run without a
validation split, a validation split with EarlyStopping, Keras-only compile
options, a range-test rate shared from the scratch_nn twin). The other
experiments differ from those only in their settings, and every setting of
every experiment is built on both backends below and compared. Every
experiment on both backends is the ``slow`` tier (``make test-slow``).
"""

import csv
import io

import numpy as np
import pytest

from experiments import (
    EXPERIMENTS,
    backends,
    builders,
    data,
    get,
    lr_range_test,
    report,
    runner,
    settings,
    store,
)
from experiments.__main__ import main
from experiments.backends import BACKENDS


@pytest.fixture
def keras_available():
    pytest.importorskip("tensorflow")


#: The experiments ``make test`` runs on Keras as well (see the module doc).
BOTH_BACKENDS = ("seed_examples", "implementation", "lr_range_test")


def _quick_cases():
    """``(name, backends)``: each experiment once; on both backends only in the slow tier unless in BOTH_BACKENDS."""
    cases = []
    for name in EXPERIMENTS:
        if name in BOTH_BACKENDS:
            cases.append(pytest.param(name, BACKENDS, id=name))
        else:
            cases.append(pytest.param(name, ("scratch",), id=name))
            cases.append(pytest.param(name, BACKENDS, id=f"{name}-both", marks=pytest.mark.slow))
    return cases


@pytest.mark.mnist
@pytest.mark.parametrize("name, selected", _quick_cases())
def test_experiment_runs_in_quick_mode(name, selected, mnist, keras_available, tmp_path):
    backend = "both" if selected == BACKENDS else selected[0]
    main(["run", name, "--quick", "--backend", backend, "--out", str(tmp_path)])
    folder = tmp_path / name
    with open(folder / "runs.csv") as file:
        header = next(csv.reader(file))
    assert header == list(store.RUN_FIELDS + store.WHERE_FIELDS + store.EPOCH_FIELDS)

    records = store.read_runs_csv(folder / "runs.csv")
    planned = runner.plan(get(name), selected, settings.QUICK)
    assert [(r["setting"], r["backend"]) for r in records] == [(s.label, b) for s, b in planned]
    assert {r["backend"] for r in records} >= ({"naive", "scratch", "keras"} if name == "implementation"
                                               else set(selected))
    for record, (setting, _) in zip(records, planned):
        epochs = settings.QUICK.epochs(setting)
        assert record["epochs_max"] == epochs and 1 <= len(record["history"]) <= epochs
        assert (record["train_size"], record["test_size"]) == (1000, 500)
        assert all(row["seconds"] > 0 for row in record["history"])
        assert 0.0 <= record["test_accuracy"] <= 1.0

    for figure in ("curves.png", "key.png"):
        assert (folder / figure).read_bytes().startswith(b"\x89PNG")
    with open(folder / "summary.csv") as file:
        assert len(list(csv.DictReader(file))) == len(planned)
    text = (tmp_path / "REPORT.md").read_text()
    assert f"## {name}\n" in text
    # Every cause is in the ranking; doctor_advice (no BASELINE) measures no cause.
    assert (f"(#{name})" in text) == hasattr(get(name), "BASELINE")
    if name == "lr_range_test":
        suggested = {r["backend"]: r["learning_rate"] for r in records if "range test" in r["setting"]
                     and r["group"] == "SGD"}
        assert suggested["scratch"] > 0 and suggested["keras"] == suggested["scratch"], \
            "both backends train at the one suggestion of the scratch_nn twin"
        for backend in BACKENDS:
            assert f"- {backend}, SGD: suggested rate {suggested['scratch']:.3g}; epochs to target" in text


def _layers(model):
    """What a model is made of, in words both backends share: class, units, activation, rate, initializer, L2."""
    rows = []
    for layer in model.layers:
        regularizer = getattr(layer, "kernel_regularizer", None)
        initializer = getattr(layer, "kernel_initializer", None)
        activation = getattr(layer, "activation", None)  # a function in Keras, an object with a name here
        rows.append((type(layer).__name__, getattr(layer, "units", None),
                     getattr(activation, "__name__", getattr(activation, "name", None)),
                     getattr(layer, "rate", None),
                     type(initializer).__name__ if initializer is not None else None,
                     float(regularizer.l2) if regularizer is not None else None))
    return rows


@pytest.mark.parametrize("name", [name for name in EXPERIMENTS if name not in BOTH_BACKENDS])
def test_every_setting_builds_the_same_model_on_both_backends(name, keras_available):
    """Every setting the quick mode runs, built and compiled on Keras and on scratch_nn, and compared.

    What the slow tier's Keras runs would show first, without training: a
    setting Keras refuses, or one that the two backends build differently.
    A range-test rate is found on the scratch_nn twin before the build
    (`builders.resolve`, run on Keras by ``lr_range_test`` above); a number stands in for it here.
    """
    import keras

    import scratch_nn

    for setting, backend in runner.plan(get(name), BACKENDS, settings.QUICK):
        if backend != "keras":
            continue
        if not isinstance(setting.optimizer, str) and \
                setting.optimizer[1].get("learning_rate") == builders.RANGE_TEST:
            setting = setting.replace(optimizer=(setting.optimizer[0],
                                                 {**setting.optimizer[1], "learning_rate": 0.01}))
        with backends.floatx(keras, setting.dtype):
            theirs = builders.build(keras, setting, "keras")
            their_callbacks = builders.callbacks(keras, setting)
        with backends.floatx(scratch_nn, setting.dtype):
            ours = builders.build(scratch_nn, setting, "scratch")
        assert _layers(theirs) == _layers(ours), setting.label
        assert type(theirs.optimizer).__name__ == type(ours.optimizer).__name__, setting.label
        assert float(theirs.optimizer.learning_rate.numpy()) == pytest.approx(
            float(ours.optimizer.learning_rate), rel=1e-6), setting.label
        for option, value in setting.compile_options.items():
            assert getattr(theirs, option) == value, (setting.label, option)
        assert [(type(c).__name__, c.patience, c.restore_best_weights) for c in their_callbacks] == [
            (type(c).__name__, c.patience, c.restore_best_weights)
            for c in builders.callbacks(scratch_nn, setting)], setting.label
        keras.backend.clear_session()


@pytest.mark.mnist
def test_a_second_run_trains_nothing(mnist, tmp_path, monkeypatch):
    main(["run", "initialization", "--quick", "--backend", "scratch", "--out", str(tmp_path)])

    def no_training(*args, **kwargs):
        raise AssertionError("a saved run was trained again")

    monkeypatch.setattr(runner, "run_one", no_training)
    main(["run", "initialization", "--quick", "--backend", "scratch", "--out", str(tmp_path)])
    with pytest.raises(SystemExit, match="4 runs failed(.|\n)*trained again"):  # recorded, not raised
        main(["run", "initialization", "--quick", "--backend", "scratch", "--epochs", "1",
              "--out", str(tmp_path)])


def test_first_seed_splits_a_study_between_processes():
    """``--first-seed K`` plans only seeds K .. seeds-1; an empty range is refused."""
    module = get("initialization")
    seeds = {seed for *_, seed in runner.plan_jobs(module, ("scratch",), settings.Budget(seeds=3, first_seed=2))}
    assert seeds == {2}
    assert {seed for *_, seed in runner.plan_jobs(module, ("scratch",), settings.Budget(seeds=3))} == {0, 1, 2}
    with pytest.raises(ValueError, match="first_seed.*got 3"):
        settings.Budget(seeds=3, first_seed=3)


def test_list_names_every_experiment(capsys):
    main(["list"])
    shown = capsys.readouterr().out
    for name in EXPERIMENTS:
        assert name in shown


@pytest.mark.mnist
def test_a_diverging_run_is_recorded_not_raised(mnist, keras_available, tmp_path):
    # Linear hidden units: nothing saturates or dies, so the logits overflow to inf - inf = NaN.
    blowup = settings.BASE.replace(label="SGD(1e4) on raw pixels", preprocessing="raw",
                                   activation="linear", optimizer=("SGD", {"learning_rate": 1e4}))
    module = type("Diverging", (), {"SETTINGS": [blowup]})
    records = runner.run_experiment("diverging", module, BACKENDS, settings.QUICK, tmp_path,
                                    stream=io.StringIO())
    for record in records:
        assert record["diverged"], record["backend"]
        assert len(record["history"]) == 1, "training stops at the first non-finite loss"


def test_a_range_test_rate_is_resolved_and_recorded_not_hashed(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (300, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 300, dtype=np.uint8)
    monkeypatch.setattr(data, "load", lambda *sizes: (images, labels, images[:50], labels[:50]))
    requested = next(s for s in lr_range_test.SETTINGS if s.label == "SGD(range test)")
    module = type("RangeTest", (), {"SETTINGS": [requested]})
    budget = settings.Budget(seeds=1, max_epochs=1, settle_s=0.0)

    record, = runner.run_experiment("range", module, ("scratch",), budget, tmp_path, stream=io.StringIO())
    assert isinstance(record["learning_rate"], float) and record["learning_rate"] > 0
    assert record["config"]["optimizer"] == ["SGD", {"learning_rate": builders.RANGE_TEST}]
    versions = runner.backends.versions("scratch")
    assert record["key"] == store.run_key("range", requested, "scratch", 0, 1, None, None, versions)
    saved, = store.read_runs_csv(tmp_path / "range" / "runs.csv")
    assert saved["learning_rate"] == pytest.approx(record["learning_rate"])
    fixed = lr_range_test.SETTINGS[0]
    assert builders.resolve(fixed, images, labels, 0) is fixed and builders.learning_rate(fixed) == 0.01


def test_make_run_trains_keras_only_in_the_implementation_experiment(tmp_path, monkeypatch):
    """``run-default`` (`make run`) trains `DEFAULT_RUN`'s settings on its backends, nothing else."""
    from experiments import DEFAULT_RUN, default_plan

    trained = []

    def fake_training(experiment, setting, backend, seed, budget, on_epoch=None, stop_at=None):
        trained.append((experiment, setting.label, backend))
        raise RuntimeError("not trained in this test")

    monkeypatch.setattr(runner, "run_one", fake_training)
    monkeypatch.setattr(report, "write", lambda out, target: None)
    with pytest.raises(SystemExit, match="runs failed"):
        main(["run-default", "--out", str(tmp_path)])
    expected = [(name, setting.label, backend) for name in DEFAULT_RUN
                for setting, backend in runner.plan(default_plan(name)[0], default_plan(name)[1],
                                                    settings.DEFAULT)]
    assert trained == expected
    assert {backend for name, _, backend in trained if name != "implementation"} == {"scratch"}
    implementation = [(label, backend) for name, label, backend in trained if name == "implementation"]
    assert implementation == [("scratch_nn float32", "scratch"), ("scratch_nn float64", "scratch"),
                              ("Keras default", "keras"), ("Keras steps_per_execution=32", "keras")]
    assert set(DEFAULT_RUN) == {"seed_examples", "preprocessing", "optimizer", "implementation"}
    with pytest.raises(ValueError, match=r"names settings implementation does not have: \['nope'\]"):
        monkeypatch.setitem(DEFAULT_RUN, "implementation", (("keras",), ("nope",)))
        default_plan("implementation")
