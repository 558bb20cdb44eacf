"""Does the doctor's advice work: does every fix it recommends make training reach the target sooner?

For each setup below, on each backend and seed: the doctor (`experiments.doctor`,
default budget) diagnoses the setup from the run's own initial weights, then
the setup trains as given, with the doctor's top fix applied, and with all
its PROBLEM fixes applied, each to the study's target. A fix is applied as
the data the doctor returns with it (`CheckResult.change`: a `Setting` field
and its value), so what trains is what the doctor recommended. The setups:
the seed article's three examples as written, the healthy baseline (pixels /
255, 784-128-10, Adam(1e-3), batch 128) and broken ones, one cause each.

``SETTINGS`` holds the setups as given, so ``python -m experiments run
doctor_advice`` trains them like any experiment; the whole experiment (the
diagnoses and the treated runs too) is ``python -m experiments.doctor_advice``.
Diagnoses are saved under ``<out>/doctor_advice/prescriptions/`` and runs
under ``<out>/doctor_advice/runs/`` (`experiments.store`), so an interrupted
run resumes; a treated run's key hashes the fixed setting, so a changed
prescription trains again.
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from experiments import backends, builders, data, measures, runner, store
from experiments.seed_examples import AS_WRITTEN
from experiments.settings import BASE, FULL, Budget, KeyPlot

CAUSE = "the doctor's recommended fixes"
NAME = "doctor_advice"
#: The doctor's budget per diagnosis (``diagnose``'s default).
DOCTOR_SECONDS = 60.0

#: Label -> the setup as given.
SETUPS = {
    "Example 1 as written": AS_WRITTEN[1],
    "Example 2 as written": AS_WRITTEN[2],
    "Example 3 as written": AS_WRITTEN[3],
    "healthy": BASE,
    "raw pixels": BASE.replace(preprocessing="raw"),
    "SGD far too low": BASE.replace(optimizer=("SGD", {"learning_rate": 1e-5})),
    "rate far too high": BASE.replace(optimizer=("SGD", {"learning_rate": 10.0})),
    "batch 4": BASE.replace(batch_size=4),
    "zeros init": BASE.replace(initializer="zeros"),
    "train-only normalize": BASE.replace(preprocessing="normalize_train_only"),
    "deep sigmoid, tiny init": BASE.replace(hidden=(128,) * 5, activation="sigmoid",
                                            initializer=("RandomNormal", {"stddev": 0.01})),
}

SETTINGS = [setting.replace(label=label, group="as given", x=None)
            for label, setting in SETUPS.items()]

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "epochs_to_target"))

#: Optimizer names in a setting -> class names (a rate needs the class form).
_CLASSES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}
TREATMENTS = ("top fix", "PROBLEM fixes")


def apply(setting, change):
    """``setting`` with a doctor's ``change`` applied (``learning_rate`` goes into the optimizer)."""
    change = dict(change)
    rate = change.pop("learning_rate", None)
    if rate is not None:
        spec = setting.optimizer
        name, kwargs = (_CLASSES[spec], {}) if isinstance(spec, str) else spec
        change["optimizer"] = (name, {**kwargs, "learning_rate": rate})
    return setting.replace(**change)


def diagnose(setting, backend, seed, budget, seconds):
    """The doctor's verdict on ``setting`` as ``backend`` builds it with ``seed``: plain data.

    Returns:
        ``{"status", "checks": {key: status}, "fixes": [{key, status, fix,
        gain_text, change}] (ranked), "top": change or None, "problems": the
        PROBLEM fixes' changes merged (the first wins), "seconds"}``. Only fixes
        that carry a change can be applied; ``top`` is the first of those.
    """
    from experiments.doctor import diagnose as run_doctor

    module, _ = backends.load(backend)
    x, y, x_test, y_test = data.load(budget.train_size, budget.test_size)
    x, x_test = data.preprocess(module, setting.preprocessing, x, x_test, setting.dtype)
    with backends.floatx(module, setting.dtype), np.errstate(all="ignore"):
        module.utils.set_random_seed(seed)
        model = builders.build(module, setting, backend)
        report = run_doctor(model, x, y, batch_size=setting.batch_size,
                            epochs=budget.epochs(setting),
                            validation_split=setting.validation_split,
                            test_data=(x_test, y_test), budget_seconds=seconds, seed=seed)
    if backend == "keras":
        backends.clear(module)
    fixes = [{"key": r.key, "status": r.status, "fix": r.fix, "gain_text": r.gain_text,
              "change": r.change} for r in report.ranked_fixes()]
    applicable = [f for f in fixes if f["change"]]
    problems = {}
    for fix in applicable:
        if fix["status"] == "PROBLEM":
            problems = {**fix["change"], **problems}
    return {"status": report.status, "checks": {r.key: r.status for r in report.results},
            "fixes": fixes, "top": applicable[0]["change"] if applicable else None,
            "problems": problems or None, "seconds": report.seconds}


def prescription(out, setting, backend, seed, budget, seconds):
    """`diagnose`, loaded from ``out`` when saved before, else run and saved (atomically)."""
    key = store.run_key(f"{NAME}/doctor/{seconds:g}", setting, backend, seed, budget.epochs(setting),
                        budget.train_size, budget.test_size, backends.versions(backend))
    path = Path(out) / NAME / "prescriptions" / f"{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    result = diagnose(setting, backend, seed, budget, seconds)
    store.write_atomic(path, json.dumps(result, indent=1))
    return result


def _train(out, setting, backend, seed, budget, stream):
    """One run of ``setting`` (`experiments.runner.run_one`), loaded when saved before."""
    versions = backends.versions(backend)
    key = store.run_key(NAME, setting, backend, seed, budget.epochs(setting), budget.train_size,
                        budget.test_size, versions)
    record = store.load_run(out, NAME, key)
    if record is not None:
        print(f"{NAME} | {setting.label} | {backend} | seed {seed}: done before, loaded",
              file=stream, flush=True)
        return record
    start = time.perf_counter()
    record = runner.run_one(NAME, setting, backend, seed, budget)
    record.update(key=key, versions=", ".join(f"{k} {v}" for k, v in versions.items()),
                  config=store.setting_config(setting))
    store.save_run(out, record)
    print(f"{NAME} | {setting.label} | {backend} | seed {seed}: {len(record['history'])} epochs, "
          f"{time.perf_counter() - start:.0f} s", file=stream, flush=True)
    return record


def run(selected, budget, out, labels=None, seconds=DOCTOR_SECONDS, stream=sys.stderr):
    """Diagnose, then train as given and treated, every setup x backend x seed; the records.

    The treated runs are labelled ``"<setup> + top fix"`` and ``"<setup> + PROBLEM
    fixes"`` (group: the treatment); a treatment the doctor gave no change for,
    or the same change as the top fix, is not trained again. Every record
    carries the diagnosis in ``prescription``; ``runs.csv`` is rewritten after
    every run.
    """
    records = []
    path = Path(out) / NAME / "runs.csv"
    for label, setup in SETUPS.items():
        if labels is not None and label not in labels:
            continue
        given = setup.replace(label=label, group="as given")
        for backend in selected:
            for seed in range(budget.seeds):
                verdict = prescription(out, given, backend, seed, budget, seconds)
                trained = [given]
                if verdict["top"]:
                    trained.append(apply(given, verdict["top"]).replace(
                        label=f"{label} + top fix", group="top fix"))
                if verdict["problems"] and verdict["problems"] != verdict["top"]:
                    trained.append(apply(given, verdict["problems"]).replace(
                        label=f"{label} + PROBLEM fixes", group="PROBLEM fixes"))
                for setting in trained:
                    record = _train(out, setting, backend, seed, budget, stream)
                    record["prescription"] = verdict
                    records.append(record)
                    store.write_runs_csv(path, records)
    return records


def _seconds(row):
    """Seconds to target as text: the median [min, max] over seeds, or how long it trained."""
    value, status = measures.value_or_bound(row, "seconds_to_target")
    if status == "diverged":
        return "diverged"
    if status == "not reached":
        return f"not reached ({row['reached']}/{row['runs']} seeds; {value:.3g} s trained)"
    spread = (f" [{row['seconds_to_target_min']:.3g}, {row['seconds_to_target_max']:.3g}]"
              if row["runs"] > 1 else "")
    return f"{value:.3g}{spread}"


def _epochs(row):
    value, status = measures.value_or_bound(row, "epochs_to_target")
    return f"{value:.2g}" if status == "ok" else "-"


def speedup(before, after):
    """``(factor, words)``: how many times sooner ``after`` reached the target than ``before``."""
    mine, status = measures.value_or_bound(before, "seconds_to_target")
    theirs, fixed = measures.value_or_bound(after, "seconds_to_target")
    if fixed != "ok":
        return None, "neither reached it" if status != "ok" else "fix slower: not reached"
    if status == "diverged":
        return math.inf, "reached; as given diverged"
    if status == "not reached":
        return mine / theirs, f">= {mine / theirs:.2g}x (as given never reached it)"
    return mine / theirs, f"{mine / theirs:.2g}x"


def pairs(rows):
    """``(setup, backend, {treatment: summary row})`` in the order of ``rows``."""
    found = {}
    for row in rows:
        label, _, treatment = row["setting"].partition(" + ")
        found.setdefault((label, row["backend"]), {})[treatment or "as given"] = row
    return [(label, backend, cells) for (label, backend), cells in found.items()]


def table(records, target):
    """The before/after Markdown table: per setup and backend, seconds and epochs to ``target``.

    Seconds are medians over seeds with [min, max]; the speed-up is the as-given
    median over the treated one (a lower bound when the setup as given never
    reached the target); "-" marks a treatment the doctor gave no change for,
    "= top fix" PROBLEM fixes that are the top fix alone.
    """
    rows = measures.summarize(records, target)
    verdicts = {}
    for record in records:
        verdicts.setdefault((record["setting"], record["backend"]), []).append(
            record.get("prescription"))
    lines = [(f"| setup | backend | doctor | top fix | seconds to {target:.0%}: as given "
              "| top fix | speed-up | all PROBLEM fixes | speed-up | epochs: as given | top fix |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, backend, cells in pairs(rows):
        given = cells["as given"]
        found = [v for v in verdicts.get((given["setting"], backend), []) if v]
        statuses = "/".join(sorted({v["status"] for v in found})) or "?"
        tops = sorted({next(f"{f['key']} {json.dumps(f['change'])}" for f in v["fixes"]
                            if f["change"]) for v in found if v["top"]})
        row = [label, backend, statuses, "; ".join(tops).replace("|", "/") or "none",
               _seconds(given)]
        same = bool(found) and all(v["problems"] == v["top"] for v in found)
        for treatment in TREATMENTS:
            treated = cells.get(treatment)
            if treated:
                row += [_seconds(treated), speedup(given, treated)[1]]
            else:
                row += ["= top fix" if same and treatment != "top fix" and "top fix" in cells
                        else "-", "-"]
        row += [_epochs(given), _epochs(cells["top fix"]) if "top fix" in cells else "-"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def notes(rows, records, fmt):
    """For the study's report: per setup and backend, seconds to target before and after."""
    lines = []
    for label, backend, cells in pairs(rows):
        given = cells["as given"]
        text = f"- {label}, {backend}: as given {_seconds(given)} s"
        for treatment in TREATMENTS:
            if treatment in cells:
                text += (f"; with the {treatment} {_seconds(cells[treatment])} s "
                         f"({speedup(given, cells[treatment])[1]})")
        lines.append(text + ("." if len(cells) > 1 else "; the doctor recommended no change."))
    return lines


def main(argv=None):
    """``python -m experiments.doctor_advice``: the whole experiment, then its table."""
    parser = argparse.ArgumentParser(prog="python -m experiments.doctor_advice",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results")
    parser.add_argument("--backend", choices=("both",) + backends.BACKENDS, default="both")
    parser.add_argument("--seeds", type=int, default=FULL.seeds)
    parser.add_argument("--epochs", type=int, help="cap on every run's epochs")
    parser.add_argument("--train-size", type=int)
    parser.add_argument("--test-size", type=int)
    parser.add_argument("--target", type=float, default=FULL.target)
    parser.add_argument("--doctor-budget", type=float, default=DOCTOR_SECONDS)
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), metavar="SETUP")
    args = parser.parse_args(argv)
    budget = Budget(seeds=args.seeds, max_epochs=args.epochs, train_size=args.train_size,
                    test_size=args.test_size, target=args.target)
    selected = backends.BACKENDS if args.backend == "both" else (args.backend,)
    start = time.perf_counter()
    records = run(selected, budget, args.out, args.setups, args.doctor_budget)
    text = table(records, budget.target)
    store.write_atomic(Path(args.out) / NAME / "before_after.md", text + "\n")
    print(text)
    print(f"{NAME}: {(time.perf_counter() - start) / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
