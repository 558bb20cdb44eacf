"""The speedrun (`experiments.speedrun`): outputs, the recipe on both backends, ablation, cold runs,
the cost model, the recipe search's rule and the Keras configurations.

No timing is asserted: the seconds are only checked to be measured.
"""

import csv
import dataclasses
import json
import math

import numpy as np
import pytest

from experiments.speedrun import cli, cost, recipe, search, train
from experiments.speedrun.recipe import RECIPE, Recipe, WarmupCosine


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist):
    """One ``--quick`` scratch_nn speedrun (every row once, each in a fresh process)."""
    out = tmp_path_factory.mktemp("speedrun")
    records = cli.main(["--quick", "--backend", "scratch", "--seeds", "1", "--out", str(out)])
    return out, records


def test_quick_run_writes_csv_figure_and_table(quick_run):
    out, _ = quick_run
    expected = [(row.label, thread) for row, _, thread, _ in cli.plan_scored(("scratch",), 1, 1)]
    with open(out / "speedrun.csv") as f:
        assert [(row["row"], row["threads_asked"]) for row in csv.DictReader(f)] == expected
    table = (out / "speedrun.md").read_text()
    for label, thread in expected:
        assert f"| {label} | scratch | {thread} | 1 |" in table
    assert "GEMM rate" in table and "Goals, as measured" in table and "floors" in table
    assert (out / "speedrun.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cold_runs_report_a_time_and_an_accuracy(quick_run):
    _, records = quick_run
    assert {record["threads_asked"] for record in records} == {"1", "default"}
    for record in records:
        assert 0.0 <= record["accuracy"] <= 1.0
        # The process's life holds its training (and an interpreter start besides).
        assert 0.0 < record["train_s"] < record["cold_s"]
        assert record["floors"] == pytest.approx(record["train_s"] / record["floor_s"])
        if record["threads_asked"] == "1":
            assert record["threads"] and all(part.endswith(" 1") for part in record["threads"].split(", "))
        assert record["score_size"] == train.QUICK_SIZES[1]


def _changed_fields(row, reference):
    return [f.name for f in dataclasses.fields(Recipe)
            if f.name != "label" and getattr(row, f.name) != getattr(reference, f.name)]


@pytest.mark.parametrize("base", [RECIPE, RECIPE.replace(dropout=0.2, hidden=(64, 64), label_smoothing=0.1)])
def test_the_ablation_changes_exactly_one_lever_per_row(base):
    rows = recipe.ablation(base)
    assert rows[0] is base
    changed = [_changed_fields(row, base) for row in rows[1:]]
    assert all(len(fields) == 1 for fields in changed), changed
    # Every lever the recipe moves has its row, each a different field.
    moved = {field for field in ("preprocessing", "hidden", "optimizer", "schedule", "phases", "dropout",
                                 "label_smoothing")
             if getattr(base, field) != getattr(recipe.Recipe(label=""), field) or field == "phases"}
    assert {fields[0] for fields in changed} == moved


def test_ablation_rows_hold_the_defaults():
    rows = {row.label.split(" (")[0]: row
            for row in recipe.ablation(RECIPE.replace(dropout=0.3, hidden=(64,), label_smoothing=0.2))}
    assert rows["without preprocessing"].preprocessing == "scale"
    assert rows["without width/depth"].hidden == (128,)
    assert rows["without learning rate"].optimizer == ("Adam", {"learning_rate": 1e-3})
    assert rows["without schedule"].schedule is None
    assert rows["without batch size"].phases == ((RECIPE.epochs, 32),)
    assert rows["without dropout"].dropout == 0.0
    assert rows["without label smoothing"].label_smoothing == 0.0


def test_warmup_cosine_values():
    schedule = WarmupCosine(peak=0.004, epochs=5, warmup=1, final=0.0)
    expected = [0.002, 0.004, 0.004 * (1 + math.cos(math.pi / 4)) / 2, 0.002,
                0.004 * (1 + math.cos(3 * math.pi / 4)) / 2]
    assert [schedule(epoch, 1.0) for epoch in range(5)] == pytest.approx(expected, rel=1e-12)


def test_recipes_survive_the_trip_to_a_fresh_process():
    for row in recipe.rows():
        assert recipe.from_json(recipe.to_json(row)) == row


def _expected_layers(row):
    """What ``row`` asks for, written from its literal fields (not from either model)."""
    layers = [("Flatten",)]
    for width in row.hidden:
        layers.append(("Dense", width, "relu"))
        if row.dropout:
            layers.append(("Dropout", row.dropout))
    return layers + [("Dense", 10, "softmax")]


def _rounded(description):
    layers, (name, constants) = description
    return layers, (name, tuple(float(f"{c:.6g}") for c in constants))


@pytest.mark.parametrize("row", recipe.ablation(RECIPE.replace(dropout=0.1)), ids=lambda r: r.label)
def test_the_recipe_is_built_identically_on_both_backends(row):
    pytest.importorskip("tensorflow")
    from experiments import backends

    built = {}
    for backend in ("scratch", "keras"):
        module, _ = backends.load(backend)
        model, callbacks = train.build(module, row, backend)
        schedules = [c.schedule for c in callbacks if type(c).__name__ == "LearningRateScheduler"]
        built[backend] = (_rounded(train.describe(model)), [type(c).__name__ for c in callbacks],
                          [[s(epoch, 0.0) for epoch in range(row.epochs)] for s in schedules])
        backends.clear(module)
    assert built["scratch"] == built["keras"]
    (layers, (optimizer, constants)), _, schedules = built["keras"]
    assert layers == _expected_layers(row)
    assert (optimizer, constants[0]) == ("Adam", pytest.approx(row.optimizer[1]["learning_rate"]))
    expected = [] if row.schedule is None else [[WarmupCosine(
        row.optimizer[1]["learning_rate"], row.epochs, **row.schedule)(e) for e in range(row.epochs)]]
    assert schedules == expected


def test_plan_runs_seed_after_seed_and_pinned_rows_on_their_backend_only():
    rows = [RECIPE, recipe.QUICKSTART]
    jobs = cli.plan(rows, ("scratch", "keras"), seeds=2)
    assert [(row.label, backend, thread, seed) for row, backend, thread, seed in jobs] == [
        (RECIPE.label, "scratch", "1", 0), (RECIPE.label, "keras", "1", 0), (recipe.QUICKSTART.label, "keras", "1", 0),
        (RECIPE.label, "scratch", "1", 1), (RECIPE.label, "keras", "1", 1), (recipe.QUICKSTART.label, "keras", "1", 1)]
    assert cli.plan(rows, ("scratch",), seeds=1) == [(RECIPE, "scratch", "1", 0)]


def test_the_scored_run_holds_every_row_the_issue_asks_for():
    jobs = cli.plan_scored(("scratch", "keras"), seeds=4, sweep_seeds=2)
    got = {}
    for row, backend, thread, seed in jobs:
        got.setdefault((row.label, backend, thread), []).append(seed)
    for backend in ("scratch", "keras"):
        for thread in ("1", "default"):
            assert got[(RECIPE.label, backend, thread)] == [0, 1, 2, 3]
    for name in recipe.TIMED:
        assert got[(recipe.keras_row(RECIPE, name).label, "keras", "1")] == [0, 1]
    for row in recipe.ablation(RECIPE)[1:]:
        assert got[(row.label, "scratch", "1")] == [0, 1, 2, 3]
    assert len(got) == 4 + len(recipe.TIMED) + len(recipe.ablation(RECIPE)) - 1
    # Seed-major: seed 0 of every row comes before any seed 1.
    seeds = [seed for *_, seed in jobs]
    assert seeds == sorted(seeds)


def test_the_fastest_tuned_keras_configuration_is_the_smallest_median():
    records = [{"row": label, "threads_asked": thread, "train_s": seconds}
               for label, thread, seconds in [("a", "1", 3.0), ("a", "1", 1.0), ("a", "1", 2.9),
                                              ("b", "1", 2.0), ("b", "1", 2.1), ("b", "1", 2.2),
                                              ("b", "default", 0.1)]]
    # "a" has the smallest single time and mean-free median 2.9; "b"'s median 2.1 wins, default threads aside.
    assert cli.fastest(records, ["a", "b"]) == "b"
    with pytest.raises(ValueError, match="no one-thread runs"):
        cli.fastest(records, ["c"])


def test_an_unknown_row_is_named_in_the_error():
    with pytest.raises(ValueError, match="'no such row'"):
        recipe.by_label("no such row")


# --- the cost model --------------------------------------------------------------------------------


def test_flops_count_forward_and_both_gradients_but_no_input_gradient_of_the_first_layer():
    # 784-256-10 by hand: forward 2 (784*256 + 256*10) per sample, kernel gradients as much again,
    # input gradient of the second layer only.
    forward = 2 * (784 * 256 + 256 * 10)
    assert cost.flops_per_sample(RECIPE.replace(hidden=(256,))) == 2 * forward + 2 * 256 * 10
    assert cost.parameters(RECIPE.replace(hidden=(256,))) == 784 * 256 + 256 + 256 * 10 + 10
    counted = cost.counts(Recipe(label="x", phases=((2, 100), (1, 300, 0.5))), 1000)
    assert counted["samples"] == 2500 and counted["steps"] == 2 * 10 + 2


def test_the_time_model_goes_through_its_observations_and_scales_with_the_gemm_rate():
    for row, n_train, seconds in cost.quiet_run_observations():
        assert cost.SCRATCH_MODEL.seconds(row, n_train) == pytest.approx(seconds, rel=1e-9)
        assert cost.SCRATCH_MODEL.seconds(row, n_train, 2 * cost.FIT_GEMM_GFLOPS) == pytest.approx(seconds / 2)
        floor = cost.floor_seconds(row, n_train, cost.FIT_GEMM_GFLOPS)
        assert cost.SCRATCH_MODEL.floors(row, n_train) == pytest.approx(seconds / floor)
    # Every constant is a cost, none a credit.
    assert all(value > 0 for value in dataclasses.astuple(cost.SCRATCH_MODEL))
    with pytest.raises(ValueError, match="do not separate"):
        cost.fit_model([cost.quiet_run_observations()[0]] * 4)


# --- schedules, label smoothing, subsampling -------------------------------------------------------


def test_step_schedule_gives_every_step_its_epochs_rate():
    row = RECIPE.replace(phases=((1, 100), (2, 300, 0.5), (1, 250)), schedule={"warmup": 1, "decay": "linear"})
    n_train = 1000
    per_epoch = [WarmupCosine(3e-3, 4, warmup=1, decay="linear")(e) for e in range(4)]
    steps = [10, 2, 2, 4]  # ceil(1000/100), ceil(500/300) twice, ceil(1000/250)
    assert row.epoch_steps(n_train) == steps
    expected = [rate for rate, count in zip(per_epoch, steps, strict=True) for _ in range(count)]
    boundaries, values = row.step_schedule(n_train)
    for backend in ("scratch", "keras"):
        if backend == "keras":
            pytest.importorskip("tensorflow")
        from experiments import backends

        module, _ = backends.load(backend)
        schedule = module.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)
        got = [float(schedule(step)) for step in range(sum(steps))]
        assert got == pytest.approx(expected, rel=1e-6), backend


def test_warmup_decay_shapes_and_a_bad_shape():
    linear = WarmupCosine(peak=0.004, epochs=5, warmup=1, decay="linear")
    assert [linear(e) for e in range(5)] == pytest.approx([0.002, 0.004, 0.003, 0.002, 0.001])
    with pytest.raises(ValueError, match="'step'"):
        WarmupCosine(peak=0.004, epochs=5, decay="step")
    with pytest.raises(ValueError, match="fraction"):
        Recipe(label="x", phases=((1, 32, 1.5),))
    with pytest.raises(ValueError, match="schedule_in"):
        Recipe(label="x", schedule_in="graph")


class _RecordingModel:
    """Stands in for a model: records what each ``fit`` call trained on."""

    def __init__(self):
        self.calls = []

    def fit(self, x, y, batch_size, epochs, initial_epoch, **kwargs):
        self.calls.append((len(x), batch_size, initial_epoch, epochs, x[:3].tolist()))
        return type("History", (), {"history": {"loss": [0.0] * (epochs - initial_epoch)}})()


def test_subsampled_phases_draw_a_fresh_subset_each_epoch_the_same_for_a_seed():
    row = Recipe(label="x", phases=((2, 50, 0.25), (1, 100)))
    x, y = np.arange(400), np.arange(400)
    model = _RecordingModel()
    assert train.fit(model, [], row, x, y, seed=3) == (3, [])
    assert [call[:4] for call in model.calls] == [(100, 50, 0, 1), (100, 50, 1, 2), (400, 100, 2, 3)]
    assert model.calls[0][4] != model.calls[1][4]  # a fresh subset per epoch
    again = _RecordingModel()
    train.fit(again, [], row, x, y, seed=3)
    assert again.calls == model.calls


def test_label_smoothing_trains_on_one_hot_targets_with_the_smoothed_loss():
    row = RECIPE.replace(label_smoothing=0.1)
    assert train.targets(row, np.array([2, 0])).tolist() == [[0, 0, 1] + [0] * 7, [1] + [0] * 9]
    assert train.targets(RECIPE.replace(label_smoothing=0.0), np.array([2, 0])).tolist() == [2, 0]
    pytest.importorskip("tensorflow")
    from experiments import backends

    for backend in ("scratch", "keras"):
        module, _ = backends.load(backend)
        model, _ = train.build(module, row, backend, n_train=1000)
        assert type(model.loss).__name__ == "CategoricalCrossentropy"
        assert model.loss.label_smoothing == pytest.approx(0.1)
        backends.clear(module)


# --- the recipe search -----------------------------------------------------------------------------


def _summary(label, accuracies, seconds):
    row = Recipe(label=label)
    return {"candidate": row, "seeds": len(accuracies), "mean": sum(accuracies) / len(accuracies),
            "min": min(accuracies), "passes": (sum(accuracies) / len(accuracies) >= search.SELECT_MEAN
                                               and min(accuracies) >= search.SELECT_MIN),
            "modelled_s": seconds, "floors": 1.0, "first_epoch_above": None}


def test_the_search_selects_the_cheapest_candidate_that_clears_the_margin_on_enough_seeds():
    seeds = search.CONFIRM_SEEDS
    summary = [_summary("accurate but slow", [0.985] * seeds, 3.0),
               _summary("cheap, mean passes, one seed below the minimum", [0.984] * (seeds - 1) + [0.9785], 1.0),
               _summary("cheaper, too few seeds", [0.985] * (seeds - 1), 0.5),
               _summary("cheap and passing", [0.9815] * seeds, 2.0),
               _summary("cheapest, at the test target but not the margin", [0.9805] * seeds, 0.4)]
    assert search.select(summary)["candidate"].label == "cheap and passing"
    assert [e["candidate"].label for e in search.confirmation_order(summary)] == [
        "cheaper, too few seeds", "cheap and passing", "accurate but slow"]
    assert search.SELECT_MEAN > cli.report.TARGET_MEAN and search.SELECT_MIN > cli.report.TARGET_MIN


def test_the_search_reads_only_the_validation_split_and_resumes(tmp_path, monkeypatch):
    trained = []

    def fake_run(candidate, backend, seed, split="test", quick=False, threads=1, curve=False):
        assert (backend, split, curve) == ("scratch", "validation", True)
        trained.append((candidate.label, seed))
        accuracy = 0.99 if candidate.label == search.START.label else 0.97
        return {"row": candidate.label, "seed": seed, "accuracy": accuracy, "loss": 0.1,
                "curve": [0.95, accuracy], "epochs_run": 2, "train_s": 1.0, "train_cpu_s": 1.0, "load_avg": 0.0}

    monkeypatch.setattr(train, "run", fake_run)
    monkeypatch.setattr(search, "train_gemm_rate", lambda: 100.0)
    out = tmp_path / "search.csv"
    labels = [search.START.label, search.CANDIDATES[1].label]
    _, chosen = search.main(["--seeds", "1", "--only", *labels, "--out", str(out)])
    assert trained == [(label, 0) for label in labels] and chosen is None
    _, chosen = search.main(["--seeds", "2", "--confirm", "--only", *labels, "--out", str(out)])
    # Only the new seed, then the passing candidate's confirmation seeds.
    assert trained[2:] == [(label, 1) for label in labels] + [
        (search.START.label, seed) for seed in range(2, search.CONFIRM_SEEDS)]
    assert chosen["candidate"].label == search.START.label
    with open(out) as f:
        assert json.loads(next(csv.DictReader(f))["curve"]) == [0.95, 0.99]
    assert "(chosen)" in (tmp_path / "search.md").read_text()


# --- Keras configurations --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(recipe.KERAS_CONFIGS))
def test_keras_configurations_compile_what_they_say(name):
    pytest.importorskip("tensorflow")
    from experiments import backends

    keras, _ = backends.load("keras")
    schedule_in, jit, steps = recipe.KERAS_CONFIGS[name]
    row = recipe.keras_row(RECIPE, name)
    assert row.label == f"{RECIPE.label}, Keras {name}" and row.backend == "keras"
    model, callbacks = train.build(keras, row, "keras", n_train=60_000)
    assert model.jit_compile is jit and model.steps_per_execution == steps
    schedulers = [c for c in callbacks if isinstance(c, keras.callbacks.LearningRateScheduler)]
    rate = model.optimizer._learning_rate
    if schedule_in == "callback":
        assert len(schedulers) == 1 and not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule)
    else:
        assert not schedulers and isinstance(rate, keras.optimizers.schedules.PiecewiseConstantDecay)
        first = RECIPE.epoch_steps(60_000)[0]
        assert float(rate(first - 1)) == pytest.approx(RECIPE.epoch_rates()[0])
        assert float(rate(first)) == pytest.approx(RECIPE.epoch_rates()[1])
    backends.clear(keras)
    with pytest.raises(ValueError, match="'tuned'"):
        recipe.keras_row(RECIPE, "tuned")


@pytest.mark.parametrize("name", ["default fit", "schedule in the optimizer, steps_per_execution=32"])
def test_the_keras_probe_counts_traces_dispatches_and_rate_writes(name, mnist):
    pytest.importorskip("tensorflow")
    from experiments.speedrun import keras_configs

    row = recipe.keras_row(RECIPE.replace(phases=((2, 256),)), name)
    counts = keras_configs.count(row, epochs=2, train_size=600)
    steps_per_execution = recipe.KERAS_CONFIGS[name][2]
    assert counts["steps"] == 2 * 3
    assert counts["dispatches"] == 2 * math.ceil(3 / steps_per_execution)
    assert counts["rate_writes"] == (2 if recipe.KERAS_CONFIGS[name][0] == "callback" else 0)
    # Two shapes, full batches and the last partial one; no retrace per epoch or per rate.
    assert counts["traces"] <= 2


def test_the_scored_run_keeps_the_fastest_tuned_keras_configuration(tmp_path, monkeypatch):
    """The scored run's Keras part, with fresh processes replaced by a stand-in (no training)."""
    fast = recipe.keras_row(RECIPE, recipe.TIMED[1]).label
    calls = []

    def fake_cold(row, backend, seed, split="test", quick=False, timeout=None, threads="1"):
        calls.append((row.label, backend, threads, seed))
        seconds = 1.0 if row.label == fast else 2.0
        return {"row": row.label, "backend": backend, "seed": seed, "split": split, "accuracy": 0.981,
                "loss": 0.1, "train_s": seconds, "train_cpu_s": seconds, "cold_s": seconds + 1,
                "epochs_run": row.epochs, "epochs": row.epochs, "train_size": 60_000, "score_size": 10_000,
                "threads": "stand-in", "load_avg": 0.0, "versions": "stand-in"}

    monkeypatch.setattr(cli.cold, "run_cold", fake_cold)
    monkeypatch.setattr(cli, "gemm_rate", lambda threads="1": 100.0)
    records = cli.main(["--backend", "keras", "--seeds", "3", "--sweep-seeds", "2", "--out", str(tmp_path)])
    kept = [(thread, seed) for label, _, thread, seed in calls if label == fast]
    assert sorted(kept) == [("1", 0), ("1", 1), ("1", 2), ("default", 0), ("default", 1), ("default", 2)]
    for name in recipe.TIMED:
        label = recipe.keras_row(RECIPE, name).label
        if label != fast:
            assert [(t, s) for lab, _, t, s in calls if lab == label] == [("1", 0), ("1", 1)]
    assert len(records) == len(calls)
    table = (tmp_path / "speedrun.md").read_text()
    assert f"| {fast} | keras | default | 3 |" in table


def test_the_search_summary_applies_both_halves_of_the_rule_and_reads_the_curves():
    a, b = search.CANDIDATES[:2]
    rows = [{"row": a.label, "seed": s, "accuracy": acc, "curve": json.dumps(curve)}
            for s, (acc, curve) in enumerate([(0.984, [0.97, 0.982, 0.984]), (0.9785, [0.95, 0.9785])])]
    rows += [{"row": b.label, "seed": 0, "accuracy": 0.9815, "curve": json.dumps([0.9815, 0.9815])}]
    first, second = search.summarize([a, b], rows)
    assert (first["seeds"], first["mean"] >= search.SELECT_MEAN, first["passes"]) == (2, True, False)
    assert first["first_epoch_above"] is None  # the second seed never got there
    assert (second["passes"], second["first_epoch_above"]) == (True, 1)
    assert second["modelled_s"] == pytest.approx(cost.SCRATCH_MODEL.seconds(b, search.FULL_TRAIN))


def test_the_time_models_observations_are_the_quiet_runs_means():
    """`cost.quiet_run_observations` carries its numbers from the committed quiet run, to the millisecond."""
    import pathlib
    import statistics

    path = pathlib.Path(__file__).parent.parent / "docs" / "results" / "speedrun" / "v1-2026-11-29.csv"
    with open(path) as f:
        runs = [row for row in csv.DictReader(f) if row["backend"] == "scratch"]
    labels = ["speedrun", "without width/depth (one hidden layer of 128)",
              "without batch size (32 in one fit call)", "without dropout (none)"]
    means = [statistics.fmean(float(r["train_s"]) for r in runs if r["row"] == label) for label in labels]
    assert [seconds for _, _, seconds in cost.quiet_run_observations()] == pytest.approx(means, abs=5e-4)
    assert statistics.fmean(float(r["gemm_gflops"]) for r in runs) == pytest.approx(cost.FIT_GEMM_GFLOPS, abs=1.5)


@pytest.mark.parametrize("backend", ["scratch", "keras"])
def test_a_one_epoch_schedule_in_the_optimizer_is_a_constant_rate(backend):
    """One epoch has no step boundary, which Keras's PiecewiseConstantDecay refuses (a --quick run)."""
    if backend == "keras":
        pytest.importorskip("tensorflow")
    from experiments import backends

    module, _ = backends.load(backend)
    row = RECIPE.replace(phases=((1, 256),), schedule_in="optimizer")
    model, callbacks = train.build(module, row, backend, n_train=1000)
    assert float(model.optimizer.learning_rate) == pytest.approx(row.epoch_rates()[0])
    assert not callbacks
    backends.clear(module)
