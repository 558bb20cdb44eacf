"""doctor_advice's runs: stopped at the target, seeds shared by two processes, a rebuild
from saved files that trains nothing (tiny data or stand-ins, no MNIST)."""

import shutil

import numpy as np

import scratch_nn as keras
from experiments import doctor_advice, runner


def test_a_run_stops_at_the_end_of_the_first_epoch_that_reaches_stop_at():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    x = (rng.normal(0, 1, (400, 4)) + 0.8 * y[:, None]).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = runner.make_recorder(keras.callbacks.Callback, stop_at=0.75)
    model.fit(x[:300], y[:300], validation_data=(x[300:], y[300:]), epochs=40, batch_size=32,
              callbacks=[recorder], verbose=0)
    accuracy = [row["val_accuracy"] for row in recorder.history]
    assert 1 < len(accuracy) < 40, accuracy
    assert accuracy[-1] >= 0.75 > max(accuracy[:-1])


def _stand_ins(monkeypatch, calls):
    """`diagnose` and `runner.run_one` replaced by stand-ins that count their calls."""
    def diagnose(setting, backend, seed, budget, seconds):
        calls.append(("diagnose", seed))
        change = {"preprocessing": "scale"}
        return {"status": "PROBLEM", "checks": {}, "seconds": 0.0, "top": change,
                "problems": change, "fixes": [
                    {"key": "input_scale", "status": "PROBLEM", "fix": "x / 255", "gain": 3.0,
                     "gain_text": f"3x sooner (seed {seed})", "probe_gains": [2.5, 3.5], "change": change}]}

    def run_one(experiment, setting, backend, seed, budget, stop_at=None):
        calls.append(("train", seed, setting.label, setting.epochs, stop_at))
        return {"experiment": experiment, "setting": setting.label, "group": setting.group,
                "x": None, "backend": backend, "seed": seed, "epochs_max": setting.epochs,
                "diverged": False, "build_s": 0.0, "import_s": 0.0, "test_accuracy": 0.98,
                "history": [
                    {"epoch": 1, "seconds": 1.0, "loss": 0.1, "accuracy": 0.98,
                     "val_loss": 0.1, "val_accuracy": 0.98}]}

    monkeypatch.setattr(doctor_advice, "diagnose", diagnose)
    monkeypatch.setattr(runner, "run_one", run_one)


def test_two_processes_share_the_seeds_and_a_last_pass_rebuilds_without_training(
        tmp_path, monkeypatch):
    calls = []
    _stand_ins(monkeypatch, calls)
    budget = doctor_advice.Budget(seeds=2, target=0.97)
    labels = ["raw pixels"]
    # Two processes: seed 0 and seed 1, one store.
    doctor_advice.run(["scratch"], doctor_advice.Budget(seeds=1, target=0.97), tmp_path, labels,
                      stream=None)
    second = doctor_advice.run(["scratch"],
                               doctor_advice.Budget(seeds=2, first_seed=1, target=0.97),
                               tmp_path, labels, stream=None)
    assert {r["seed"] for r in second} == {1}
    trained = [c for c in calls if c[0] == "train"]
    assert [c[1] for c in calls if c[0] == "diagnose"] == [0, 1]
    assert sorted(c[1] for c in trained) == [0, 0, 1, 1]
    # Every run trains up to TRAIN_EPOCHS and stops at the target.
    assert {(c[3], c[4]) for c in trained} == {(doctor_advice.TRAIN_EPOCHS, 0.97)}
    calls.clear()
    records = doctor_advice.run(["scratch"], budget, tmp_path, labels, stream=None, train=False)
    assert calls == []
    assert sorted((r["setting"], r["seed"]) for r in records) == [
        ("raw pixels", 0), ("raw pixels", 1), ("raw pixels + top fix", 0),
        ("raw pixels + top fix", 1)]
    assert "3x [2.5, 3.5], 4 probe runs" in doctor_advice.table(records, 0.97)
    assert doctor_advice.fix_list(records) == [
        ("- raw pixels, scratch: input_scale (PROBLEM, 2 of 2 diagnoses): seed 0: 3x sooner "
         "(seed 0); seed 1: 3x sooner (seed 1)")]


def test_the_last_pass_skips_what_was_never_saved(tmp_path, monkeypatch):
    calls = []
    _stand_ins(monkeypatch, calls)
    budget = doctor_advice.Budget(seeds=2)
    # Seed 0 diagnosed but its runs lost (a process killed mid-run); seed 1 never started.
    doctor_advice.run(["scratch"], doctor_advice.Budget(seeds=1), tmp_path, ["healthy"],
                      stream=None)
    shutil.rmtree(tmp_path / doctor_advice.NAME / "runs")
    calls.clear()
    records = doctor_advice.run(["scratch"], budget, tmp_path, ["healthy"], stream=None,
                                train=False)
    assert records == [] and calls == []
