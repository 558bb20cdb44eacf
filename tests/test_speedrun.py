"""The speedrun (`experiments.speedrun`): outputs, the recipe on both backends, ablation, cold runs.

No timing is asserted: the seconds are only checked to be measured.
"""

import csv
import dataclasses
import math

import pytest

from experiments.speedrun import cli, recipe, train
from experiments.speedrun.recipe import RECIPE, Recipe, WarmupCosine


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist):
    """One ``--quick`` scratch_nn speedrun (every row once, each in a fresh process)."""
    out = tmp_path_factory.mktemp("speedrun")
    records = cli.main(["--quick", "--backend", "scratch", "--seeds", "1", "--out", str(out)])
    return out, records


def test_quick_run_writes_csv_figure_and_table(quick_run):
    out, _ = quick_run
    expected = [row.label for row in recipe.rows() if row.backend in (None, "scratch")]
    with open(out / "speedrun.csv") as f:
        assert [row["row"] for row in csv.DictReader(f)] == expected
    table = (out / "speedrun.md").read_text()
    for label in expected:
        assert f"| {label} | scratch | 1 |" in table
    assert "GEMM rate" in table and "Goals, as measured" in table
    assert (out / "speedrun.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cold_runs_report_a_time_and_an_accuracy(quick_run):
    _, records = quick_run
    for record in records:
        assert 0.0 <= record["accuracy"] <= 1.0
        # The process's life holds its training (and an interpreter start besides).
        assert 0.0 < record["train_s"] < record["cold_s"]
        assert record["threads"] and all(part.endswith(" 1") for part in record["threads"].split(", "))
        assert record["score_size"] == train.QUICK_SIZES[1]


def _changed_fields(row, reference):
    return [f.name for f in dataclasses.fields(Recipe)
            if f.name != "label" and getattr(row, f.name) != getattr(reference, f.name)]


@pytest.mark.parametrize("base", [RECIPE, RECIPE.replace(dropout=0.2, hidden=(64, 64))])
def test_the_ablation_changes_exactly_one_lever_per_row(base):
    rows = recipe.ablation(base)
    assert rows[0] is base
    changed = [_changed_fields(row, base) for row in rows[1:]]
    assert all(len(fields) == 1 for fields in changed), changed
    # Every lever the recipe moves has its row, each a different field.
    moved = {field for field in ("preprocessing", "hidden", "optimizer", "schedule", "phases", "dropout")
             if getattr(base, field) != getattr(recipe.Recipe(label=""), field) or field == "phases"}
    assert {fields[0] for fields in changed} == moved


def test_ablation_rows_hold_the_defaults():
    rows = {row.label.split(" (")[0]: row for row in recipe.ablation(RECIPE.replace(dropout=0.3))}
    assert rows["without preprocessing"].preprocessing == "scale"
    assert rows["without width/depth"].hidden == (128,)
    assert rows["without learning rate"].optimizer == ("Adam", {"learning_rate": 1e-3})
    assert rows["without schedule"].schedule is None
    assert rows["without batch size"].phases == ((RECIPE.epochs, 32),)
    assert rows["without dropout"].dropout == 0.0


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
    assert [(row.label, backend, seed) for row, backend, seed in jobs] == [
        (RECIPE.label, "scratch", 0), (RECIPE.label, "keras", 0), (recipe.QUICKSTART.label, "keras", 0),
        (RECIPE.label, "scratch", 1), (RECIPE.label, "keras", 1), (recipe.QUICKSTART.label, "keras", 1)]
    assert cli.plan(rows, ("scratch",), seeds=1) == [(RECIPE, "scratch", 0)]


def test_an_unknown_row_is_named_in_the_error():
    with pytest.raises(ValueError, match="'no such row'"):
        recipe.by_label("no such row")
