"""Every experiment end to end in ``--quick`` mode on both backends, outputs checked.

Needs MNIST (the ``mnist`` fixture skips without it, unless MNIST_REQUIRED=1)
and TensorFlow for the Keras backend.
"""

import csv
import io

import numpy as np
import pytest

from experiments import (
    EXPERIMENTS,
    builders,
    data,
    get,
    lr_range_test,
    runner,
    settings,
    store,
)
from experiments.__main__ import main
from experiments.backends import BACKENDS


@pytest.fixture
def keras_available():
    pytest.importorskip("tensorflow")


@pytest.mark.mnist
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_runs_in_quick_mode(name, mnist, keras_available, tmp_path):
    main(["run", name, "--quick", "--out", str(tmp_path)])
    folder = tmp_path / name
    with open(folder / "runs.csv") as file:
        header = next(csv.reader(file))
    assert header == list(store.RUN_FIELDS + store.WHERE_FIELDS + store.EPOCH_FIELDS)

    records = store.read_runs_csv(folder / "runs.csv")
    planned = runner.plan(get(name), BACKENDS, settings.QUICK)
    assert [(r["setting"], r["backend"]) for r in records] == [(s.label, b) for s, b in planned]
    assert {r["backend"] for r in records} >= ({"naive", "scratch", "keras"} if name == "implementation"
                                               else set(BACKENDS))
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
