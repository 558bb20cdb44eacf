"""Does the doctor's advice work: does every fix it recommends make training reach the target sooner?

For each setup below, on each backend and seed: the doctor (`experiments.doctor`,
default budget) diagnoses the setup from the run's own initial weights, then
the setup trains as given, with the doctor's top fix applied, and with all
its PROBLEM fixes applied, each to the study's target. A fix is applied as
the data the doctor returns with it (`CheckResult.change`: a `Setting` field
and its value), so what trains is what the doctor recommended. The setups:
the seed article's three examples as written, the healthy baseline (pixels /
255, 784-128-10, Adam(1e-3), batch 128) and broken ones, one cause each.

Every run, as given or treated, trains for ``max(epochs of the setup,
TRAIN_EPOCHS)`` epochs and stops at the end of the first epoch that reaches
the target (`experiments.runner.make_recorder`'s ``stop_at``): the measures
are the seconds and epochs to the target, which later epochs do not change.
The as-given run gets the same epochs as the treated ones, so "never reached"
means never within the budget its fix had. The doctor itself diagnoses the
setup as the user wrote it (its own epochs).

``SETTINGS`` holds the setups as written (their own epochs), so ``python -m
experiments run doctor_advice`` trains them like any experiment; the whole experiment (the
diagnoses and the treated runs too) is ``python -m experiments.doctor_advice``.
Two processes may share one ``--out`` (``--first-seed`` splits the seeds,
``--backend`` the backends): every diagnosis and run is its own file,
written atomically; ``--no-train`` then rebuilds ``runs.csv`` and the table
from all saved files and trains nothing. Diagnoses are saved under
``<out>/doctor_advice/prescriptions/`` and runs under
``<out>/doctor_advice/runs/`` (`experiments.store`), so an interrupted
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
#: Least epochs of every run, the most any experiment of the study trains: on
#: all of MNIST the fixed setups that learn slowest first reach 97% in epoch
#: 11 (SGD(0.13)) and epoch 26 (the deep sigmoid net with glorot_uniform
#: kernels, whose accuracy then wobbles about 0.2 points below and above 97%)
#: on scratch_nn, seed 0.
TRAIN_EPOCHS = 50
#: Part of a diagnosis's key: a changed doctor diagnoses again.
DOCTOR_VERSION = "material gain"

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



def trained(setting):
    """``setting`` as this experiment trains it: at least ``TRAIN_EPOCHS`` epochs."""
    return setting.replace(epochs=max(setting.epochs, TRAIN_EPOCHS))


#: The setups as written (their own epochs, no stop at the target): what
#: ``python -m experiments run doctor_advice`` trains, at the cost of any
#: experiment of the study.
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
        gain, gain_text, probe_gains, change}] (ranked; ``probe_gains``: the
        gain on each probe seed, None for a fix not timed by a probe),
        "top": change or None, "problems": the
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
    fixes = [{"key": r.key, "status": r.status, "fix": r.fix, "gain": r.gain,
              "gain_text": r.gain_text, "probe_gains": r.evidence.get("probe_gains"),
              "change": r.change} for r in report.ranked_fixes()]
    applicable = [f for f in fixes if f["change"]]
    problems = {}
    for fix in applicable:
        if fix["status"] == "PROBLEM":
            problems = {**fix["change"], **problems}
    return {"status": report.status, "checks": {r.key: r.status for r in report.results},
            "fixes": fixes, "top": applicable[0]["change"] if applicable else None,
            "problems": problems or None, "seconds": report.seconds}


def prescription(out, setting, backend, seed, budget, seconds, train=True):
    """`diagnose`, loaded from ``out`` when saved before, else run and saved (atomically).

    With ``train`` False, a diagnosis not saved before is not run: None.
    """
    key = store.run_key(f"{NAME}/doctor {DOCTOR_VERSION}/{seconds:g}", setting, backend, seed, budget.epochs(setting),
                        budget.train_size, budget.test_size, backends.versions(backend))
    path = Path(out) / NAME / "prescriptions" / f"{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    if not train:
        return None
    result = diagnose(setting, backend, seed, budget, seconds)
    store.write_atomic(path, json.dumps(result, indent=1))
    return result


def _train(out, setting, backend, seed, budget, stream, train=True):
    """One run of ``setting`` to the target (`experiments.runner.run_one`), loaded when
    saved before; with ``train`` False, None when it was not."""
    versions = backends.versions(backend)
    key = store.run_key(f"{NAME}/stop at {budget.target:g}", setting, backend, seed,
                        budget.epochs(setting), budget.train_size, budget.test_size, versions)
    record = store.load_run(out, NAME, key)
    if record is not None or not train:
        print(f"{NAME} | {setting.label} | {backend} | seed {seed}: "
              + ("done before, loaded" if record else "not saved, skipped"),
              file=stream, flush=True)
        return record
    start = time.perf_counter()
    record = runner.run_one(NAME, setting, backend, seed, budget, stop_at=budget.target)
    record.update(key=key, versions=", ".join(f"{k} {v}" for k, v in versions.items()),
                  config=store.setting_config(setting))
    store.save_run(out, record)
    print(f"{NAME} | {setting.label} | {backend} | seed {seed}: {len(record['history'])} epochs, "
          f"{time.perf_counter() - start:.0f} s", file=stream, flush=True)
    return record


def run(selected, budget, out, labels=None, seconds=DOCTOR_SECONDS, stream=sys.stderr,
        train=True):
    """Diagnose, then train as given and treated, every setup x backend x seed; the records.

    Seeds ``budget.first_seed`` to ``budget.seeds - 1``. The treated runs are
    labelled ``"<setup> + top fix"`` and ``"<setup> + PROBLEM fixes"`` (group:
    the treatment); a treatment the doctor gave no change for, or the same
    change as the top fix, is not trained again. Every record carries the
    diagnosis in ``prescription``; ``runs.csv`` is rewritten after every run.
    With ``train`` False nothing is diagnosed or trained: the records are
    those saved before.
    """
    records = []
    path = Path(out) / NAME / "runs.csv"
    for label, setup in SETUPS.items():
        if labels is not None and label not in labels:
            continue
        given = setup.replace(label=label, group="as given")
        for backend in selected:
            for seed in range(budget.first_seed, budget.seeds):
                verdict = prescription(out, given, backend, seed, budget, seconds, train)
                if verdict is None:
                    print(f"{NAME} | {label} | {backend} | seed {seed}: no saved diagnosis, "
                          "skipped", file=stream, flush=True)
                    continue
                runs = [trained(given)]
                if verdict["top"]:
                    runs.append(trained(apply(given, verdict["top"])).replace(
                        label=f"{label} + top fix", group="top fix"))
                if verdict["problems"] and verdict["problems"] != verdict["top"]:
                    runs.append(trained(apply(given, verdict["problems"])).replace(
                        label=f"{label} + PROBLEM fixes", group="PROBLEM fixes"))
                for setting in runs:
                    record = _train(out, setting, backend, seed, budget, stream, train)
                    if record is None:
                        continue
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
    """Epochs to target: the median [min, max] over seeds, or ``"> n"`` (``n`` trained)."""
    value, status = measures.value_or_bound(row, "epochs_to_target")
    if status != "ok":
        return "-" if value is None else f"> {value:.3g}"
    spread = (f" [{row['epochs_to_target_min']:.2g}, {row['epochs_to_target_max']:.2g}]"
              if row["runs"] > 1 else "")
    return f"{value:.2g}{spread}"


def probe_gain(verdicts, key):
    """The probe's gain for fix ``key`` over the diagnoses that recommended it, in words.

    ``"2.4x [1.9, 2.9], 9 probe runs"``: the median of the per-diagnosis
    median gains, and the range over every probe seed of every diagnosis.
    ``"-"`` when no probe timed it (the train/test mismatch is judged on
    accuracy, see its ``gain_text``).
    """
    found = [f for v in verdicts for f in v["fixes"] if f["key"] == key]
    gains = [g for f in found for g in (f.get("probe_gains") or [])]
    medians = [f["gain"] for f in found if f.get("gain") is not None and f.get("probe_gains")]
    if not medians:
        return "-"
    return (f"{float(np.median(medians)):.2g}x [{min(gains):.2g}, {max(gains):.2g}], "
            f"{len(gains)} probe runs")


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

    Seconds and epochs are medians over seeds with [min, max]; the speed-up is
    the as-given median over the treated one (a lower bound when the setup as
    given never reached the target); "-" marks a treatment the doctor gave no
    change for, "= top fix" PROBLEM fixes that are the top fix alone. The top
    fix's probe gain is `probe_gain`.
    """
    rows = measures.summarize(records, target)
    verdicts = {}
    for record in records:
        verdicts.setdefault((record["setting"], record["backend"]), []).append(
            record.get("prescription"))
    lines = [(f"| setup | backend | doctor | top fix | its probe gain | seconds to {target:.0%}: "
              "as given | top fix | speed-up | all PROBLEM fixes | speed-up | epochs: as given "
              "| top fix | all PROBLEM fixes |"),
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, backend, cells in pairs(rows):
        given = cells["as given"]
        found = [v for v in verdicts.get((given["setting"], backend), []) if v]
        statuses = "/".join(sorted({v["status"] for v in found})) or "?"
        top_fixes = [next(f for f in v["fixes"] if f["change"]) for v in found if v["top"]]
        tops = sorted({f"{f['key']} {json.dumps(f['change'])}" for f in top_fixes})
        gains = "; ".join(probe_gain(found, key) for key in dict.fromkeys(
            f["key"] for f in top_fixes)) or "-"
        row = [label, backend, statuses, "; ".join(tops).replace("|", "/") or "none", gains,
               _seconds(given)]
        same = bool(found) and all(v["problems"] == v["top"] for v in found)
        absent = {t: "= top fix" if same and t != "top fix" and "top fix" in cells else "-"
                  for t in TREATMENTS}
        for treatment in TREATMENTS:
            treated = cells.get(treatment)
            if treated:
                row += [_seconds(treated), speedup(given, treated)[1]]
            else:
                row += [absent[treatment], "-"]
        row += [_epochs(given)] + [_epochs(cells[t]) if t in cells else absent[t]
                                   for t in TREATMENTS]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def fix_list(records):
    """Markdown: every fix the doctor recommended, per setup and backend, with its probe gain.

    One line per (setup, backend, fix): in how many diagnoses it was
    recommended, its status, and each diagnosis's ``gain_text`` (the median
    gain over probe seeds with its range, or what a mismatch probe measured).
    """
    verdicts = {}
    for record in records:
        if record["group"] == "as given" and record.get("prescription"):
            verdicts.setdefault((record["setting"], record["backend"]), []).append(
                (record["seed"], record["prescription"]))
    lines = []
    for (label, backend), found in verdicts.items():
        by_key = {}
        for seed, verdict in found:
            for fix in verdict["fixes"]:
                by_key.setdefault(fix["key"], []).append((seed, fix))
        for key, fixes in by_key.items():
            statuses = "/".join(sorted({f["status"] for _, f in fixes}))
            texts = "; ".join(f"seed {seed}: {f['gain_text'] or 'no gain measured'}"
                              for seed, f in fixes)
            lines.append(f"- {label}, {backend}: {key} ({statuses}, {len(fixes)} of "
                         f"{len(found)} diagnoses): {texts}")
    return lines


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
    parser.add_argument("--first-seed", type=int, default=0,
                        help="skip the seeds below this one (two processes share the seeds)")
    parser.add_argument("--no-train", action="store_true",
                        help="diagnose and train nothing: rebuild runs.csv and the table from "
                             "the saved diagnoses and runs")
    parser.add_argument("--epochs", type=int, help="cap on every run's epochs")
    parser.add_argument("--train-size", type=int)
    parser.add_argument("--test-size", type=int)
    parser.add_argument("--target", type=float, default=FULL.target)
    parser.add_argument("--doctor-budget", type=float, default=DOCTOR_SECONDS)
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), metavar="SETUP")
    args = parser.parse_args(argv)
    budget = Budget(seeds=args.seeds, first_seed=args.first_seed, max_epochs=args.epochs,
                    train_size=args.train_size, test_size=args.test_size, target=args.target)
    selected = backends.BACKENDS if args.backend == "both" else (args.backend,)
    start = time.perf_counter()
    records = run(selected, budget, args.out, args.setups, args.doctor_budget,
                  train=not args.no_train)
    text = table(records, budget.target)
    fixes = fix_list(records)
    if fixes:
        text += "\n\nThe fixes the doctor recommended, with the gain its probe measured:\n\n"
        text += "\n".join(fixes)
    store.write_atomic(Path(args.out) / NAME / "before_after.md", text + "\n")
    print(text)
    print(f"{NAME}: {(time.perf_counter() - start) / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
