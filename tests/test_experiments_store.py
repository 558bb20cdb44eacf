"""Saving and resuming runs: keys, atomic files, runs.csv round trip, the plan."""

import io
import math
import types

import pytest

from experiments import runner, store
from experiments.settings import BASE, Budget
from tests.experiments_helpers import record

BUDGET = Budget(seeds=2, max_epochs=3, train_size=100, test_size=50)


@pytest.fixture
def fake_training(monkeypatch):
    """Replace training by a made-up history; returns the list of runs actually trained."""
    trained = []

    def run_one(experiment, setting, backend, seed, budget, on_epoch=None):
        trained.append((setting.label, backend, seed))
        made = record(setting.label, backend, seed, experiment=experiment)
        for row in made["history"]:
            on_epoch(row)
        return made

    monkeypatch.setattr(runner, "run_one", run_one)
    monkeypatch.setattr(runner.backends, "versions", lambda backend: {"fake": "1"})
    return trained


def experiment(*settings):
    return types.SimpleNamespace(SETTINGS=list(settings))


def run(module, out, budget=BUDGET, selected=("scratch", "keras")):
    return runner.run_experiment("demo", module, selected, budget, out, stream=io.StringIO())


def test_run_key_changes_with_what_changes_training():
    key = store.run_key("e", BASE, "scratch", 0, 5, None, None, {"numpy": "2"})
    assert key == store.run_key("e", BASE.replace(), "scratch", 0, 5, None, None, {"numpy": "2"})
    changed = [
        store.run_key("e", BASE.replace(batch_size=32), "scratch", 0, 5, None, None, {"numpy": "2"}),
        store.run_key("e", BASE.replace(optimizer=("Adam", {"learning_rate": 0.01})), "scratch", 0, 5,
                      None, None, {"numpy": "2"}),
        store.run_key("e", BASE, "keras", 0, 5, None, None, {"numpy": "2"}),
        store.run_key("e", BASE, "scratch", 1, 5, None, None, {"numpy": "2"}),
        store.run_key("e", BASE, "scratch", 0, 4, None, None, {"numpy": "2"}),
        store.run_key("e", BASE, "scratch", 0, 5, 2000, None, {"numpy": "2"}),
        store.run_key("e", BASE, "scratch", 0, 5, None, None, {"numpy": "3"}),
        store.run_key("f", BASE, "scratch", 0, 5, None, None, {"numpy": "2"}),
    ]
    assert len({key, *changed}) == len(changed) + 1


def test_a_finished_study_is_loaded_not_retrained(tmp_path, fake_training):
    module = experiment(BASE.replace(label="A"), BASE.replace(label="B"))
    first = run(module, tmp_path)
    assert len(fake_training) == 2 * 2 * 2
    assert len(list((tmp_path / "demo" / "runs").glob("*.json"))) == 8
    fake_training.clear()
    again = run(module, tmp_path)
    assert fake_training == []
    assert again == first


def test_a_changed_setting_is_rerun_and_the_rest_reused(tmp_path, fake_training):
    run(experiment(BASE.replace(label="A"), BASE.replace(label="B")), tmp_path)
    fake_training.clear()
    run(experiment(BASE.replace(label="A"), BASE.replace(label="B", batch_size=32)), tmp_path)
    assert sorted(fake_training) == sorted((label, backend, seed) for label in ["B"]
                                           for backend in ("scratch", "keras") for seed in (0, 1))
    fake_training.clear()
    run(experiment(BASE.replace(label="A"), BASE.replace(label="B")), tmp_path,
        budget=Budget(seeds=2, max_epochs=2, train_size=100, test_size=50))
    assert len(fake_training) == 8, "a different epoch cap is a different run"


def interrupt_after(trained, count, monkeypatch):
    """Make ``runner.run_one`` raise KeyboardInterrupt once ``count`` runs have trained."""
    real = runner.run_one

    def run_one(*args, **kwargs):
        if len(trained) == count:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "run_one", run_one)
    return real


def test_an_interrupted_study_resumes_where_it_stopped(tmp_path, fake_training, monkeypatch):
    module = experiment(BASE.replace(label="A"), BASE.replace(label="B"))
    real = interrupt_after(fake_training, 3, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run(module, tmp_path)
    assert len(store.read_runs_csv(tmp_path / "demo" / "runs.csv")) == 3
    monkeypatch.setattr(runner, "run_one", real)
    fake_training.clear()
    records = run(module, tmp_path)
    assert len(fake_training) == 5 and len(records) == 8
    assert not list(tmp_path.rglob("*.tmp")), "no temporary file is left behind"


def test_a_second_seed_pass_cut_short_keeps_the_first_seeds_runs_csv(tmp_path, fake_training, monkeypatch):
    module = experiment(BASE.replace(label="A"), BASE.replace(label="B"))
    run(module, tmp_path, budget=Budget(seeds=1, max_epochs=1, train_size=100, test_size=50))
    fake_training.clear()
    interrupt_after(fake_training, 1, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run(module, tmp_path, budget=Budget(seeds=2, max_epochs=1, train_size=100, test_size=50))
    kept = store.read_runs_csv(tmp_path / "demo" / "runs.csv")
    assert sorted((r["setting"], r["backend"], r["seed"]) for r in kept) == [
        ("A", "keras", 0), ("A", "scratch", 0), ("A", "scratch", 1), ("B", "keras", 0), ("B", "scratch", 0)]


def test_a_fully_loaded_plan_rewrites_runs_csv_to_that_plan(tmp_path, fake_training):
    module = experiment(BASE.replace(label="A"))
    run(module, tmp_path, budget=Budget(seeds=2, max_epochs=1, train_size=100, test_size=50))
    fake_training.clear()
    run(module, tmp_path, budget=Budget(seeds=1, max_epochs=1, train_size=100, test_size=50))
    assert not fake_training, "every run was saved before"
    kept = store.read_runs_csv(tmp_path / "demo" / "runs.csv")
    assert sorted((r["backend"], r["seed"]) for r in kept) == [("keras", 0), ("scratch", 0)]


def test_runs_csv_round_trip(tmp_path):
    runs = [record("A", val_accuracy=(0.5, 0.97)),
            record("B", backend="keras", seed=1, val_accuracy=(0.1, 0.1), loss=[math.nan, math.inf],
                   diverged=True)]
    runs[0]["history"][0]["val_loss"] = None
    path = tmp_path / "runs.csv"
    store.write_runs_csv(path, runs)
    back = store.read_runs_csv(path)
    assert len(back) == 2
    assert back[0] == runs[0]
    assert back[1]["diverged"] is True and back[1]["seed"] == 1
    assert math.isnan(back[1]["history"][0]["loss"]) and math.isinf(back[1]["history"][1]["loss"])
    header = path.read_text().splitlines()[0].split(",")
    assert header == list(store.RUN_FIELDS + store.WHERE_FIELDS + store.EPOCH_FIELDS)


def test_plan_pins_implementations_to_their_backend():
    module = experiment(BASE.replace(label="any"), BASE.replace(label="naive", backend="naive"),
                        BASE.replace(label="tf", backend="keras"))

    def labels(selected):
        return [(setting.label, backend) for setting, backend in runner.plan(module, selected, BUDGET)]

    assert labels(("scratch", "keras")) == [("any", "scratch"), ("any", "keras"), ("naive", "naive"),
                                            ("tf", "keras")]
    assert labels(("scratch",)) == [("any", "scratch"), ("naive", "naive")]
    assert labels(("keras",)) == [("any", "keras"), ("tf", "keras")]


def test_grid_ends_keeps_the_ends_of_long_grids_only():
    grid = [BASE.replace(label=f"g{x}", group="g", x=x) for x in range(5)]
    short = [BASE.replace(label=f"h{x}", group="h", x=x) for x in range(3)]
    plain = [BASE.replace(label="p1"), BASE.replace(label="p2"), BASE.replace(label="p3"),
             BASE.replace(label="p4")]
    everything = plain[:2] + grid + short + plain[2:]
    kept = Budget(grid_ends=True).settings(everything)
    assert [s.label for s in kept] == ["p1", "p2", "g0", "g4", "h0", "h1", "h2", "p3", "p4"]
    assert Budget().settings(everything) == everything
