"""Does the doctor give the same verdicts whatever the BLAS threads, the probe seed and the load?

A diagnosis is an answer a user acts on, so the same setup must get the same
statuses and the same top fix on any machine. This experiment diagnoses the
eleven `experiments.doctor_advice.SETUPS` (the seed article's three examples
as written, the healthy baseline and seven broken setups) with
`experiments.doctor_advice.diagnose` (scratch_nn, the doctor's default
budget), each with probe seeds 0 .. ``--seeds - 1`` (the seed also draws the
model's initial weights, as ``python -m experiments.doctor --seed`` does),
under every condition:

- ``threads=N``: a fresh process started with ``OPENBLAS_NUM_THREADS``,
  ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` set to ``N`` (4 threads on 2
  cores stands in for an oversubscribed machine);
- ``unset``: a fresh process with those variables removed, as a newcomer's
  shell starts one;
- ``loaded``: ``unset``, with a second process training an MLP beside it
  the whole time (`load`).

Every diagnosis is one line of ``<out>/verdicts.jsonl`` (condition, setup,
seed, status per check, top fix, seconds, load average), written as it
finishes, so an interrupted run resumes where it stopped. The table
(``<out>/stability.md``, also printed) gives per setup and check the status
when every run agreed, else each status with its count, and says whether
every verdict was the same across all runs. It measures verdicts, not
seconds: a busy machine is one of the conditions, not a flaw of the run.

    python -m experiments.doctor_stability                   # the whole table (about 40 min on 2 cores)
    python -m experiments.doctor_stability --threads unset --no-load --setups healthy \\
        --seeds 2 --train-size 3000 --budget 10              # a CI-sized check
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from experiments import backends
from experiments.doctor_advice import SETUPS
from experiments.settings import Budget
from experiments.store import write_atomic

#: The environment variables that set BLAS and OpenMP threads at a process's start.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
UNSET = "unset"
LOADED = "loaded"
#: The doctor's budget per diagnosis (``diagnose``'s default).
DOCTOR_SECONDS = 60.0


def environment(threads):
    """This process's environment with the thread variables set to ``threads`` (``"unset"``: removed)."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if threads != UNSET:
        env.update({name: str(threads) for name in THREAD_VARIABLES})
    return env


def conditions(threads, loaded):
    """Condition names in running order: ``threads=N`` / ``unset`` for each of ``threads``, then ``loaded``."""
    names = [UNSET if t == UNSET else f"threads={t}" for t in threads]
    return names + ([LOADED] if loaded else [])


def verdict(setup, seed, budget, seconds):
    """One diagnosis of ``setup`` with ``seed``: its statuses and top fix, as a JSON-ready dict."""
    from experiments.doctor_advice import diagnose

    setting = SETUPS[setup].replace(label=setup, group="as given")
    found = diagnose(setting, "scratch", seed, budget, seconds)
    top = next((f for f in found["fixes"] if f["change"]), None)
    return {"setup": setup, "seed": seed, "status": found["status"], "checks": found["checks"],
            "top": f"{top['key']} {json.dumps(top['change'])}" if top else "none",
            "seconds": round(found["seconds"], 1), "load": round(os.getloadavg()[0], 2),
            "blas": backends.blas_threads()}


def worker(condition, jobs, budget, seconds, path):
    """Diagnose every ``(setup, seed)`` of ``jobs``, appending one JSON line each to ``path``."""
    with open(path, "a") as out:
        for setup, seed in jobs:
            row = {"condition": condition, **verdict(setup, seed, budget, seconds)}
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(json.dumps(row), flush=True)


def load():
    """Train a 784-128-10 MLP on random MNIST-sized data over and over: a second training process.

    Runs until killed or until the process that started it ends (it is then
    re-parented), on NumPy's default BLAS threads (the ``loaded`` condition
    starts it with the thread variables removed).
    """
    import numpy as np

    import scratch_nn as keras

    rng = np.random.default_rng(0)
    x, y = rng.random((6000, 784), dtype=np.float32), rng.integers(0, 10, 6000)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    parent = os.getppid()
    while os.getppid() == parent:
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)


def read(path):
    """The rows of a verdicts file, the first of each (condition, setup, seed); none when absent.

    Two processes may share a file (``--first-seed`` splits the seeds); a
    diagnosis both ran counts once.
    """
    if not Path(path).exists():
        return []
    rows = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            rows.setdefault((row["condition"], row["setup"], row["seed"]), row)
    return list(rows.values())


def _fix(top):
    """``(fix, numbers)``: a top fix as its check and the fields it changes, and its numbers.

    A fix's numbers (the range test's suggested rate, 0.09 on one seed and
    0.12 on the next) are measurements, shown as their range; the verdict is
    which check's fix, changing what.
    """
    if top == "none":
        return top, {}
    key, _, text = top.partition(" ")
    change = json.loads(text)
    numbers = {k: v for k, v in change.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return f"{key} {json.dumps({k: '#' if k in numbers else v for k, v in change.items()})}", numbers


def table(rows, setups):
    """``(markdown, stable)``: per setup and check the status every run agreed on, or the counts.

    The top fix agrees when it is the same check's fix changing the same
    fields; its numbers are shown as their range over the runs (`_fix`).
    """
    checks = list(dict.fromkeys(c for row in rows for c in row["checks"]))
    runs = len({(r["condition"], r["seed"]) for r in rows})
    lines = [f"| setup | runs | {' | '.join(checks)} | top fix |",
             "|---|---|" + "---|" * (len(checks) + 1)]
    stable = True
    for setup in setups:
        mine = [r for r in rows if r["setup"] == setup]
        if not mine:
            continue
        cells = []
        fixes = [_fix(r["top"]) for r in mine]
        for column in [*checks, "top"]:
            values = [f if column == "top" else r["checks"].get(column, "-")
                      for r, (f, _) in zip(mine, fixes)]
            counts = {v: values.count(v) for v in dict.fromkeys(values)}
            if len(counts) > 1:
                stable = False
                cells.append(" / ".join(f"**{v}** ({n})" for v, n in counts.items()))
            else:
                cells.append(values[0])
        for name in dict.fromkeys(k for _, numbers in fixes for k in numbers):
            seen = [numbers[name] for _, numbers in fixes if name in numbers]
            low, high = f"{min(seen):g}", f"{max(seen):g}"
            cells[-1] = cells[-1].replace('"#"', low if low == high else f"{low} to {high}", 1)
        lines.append(f"| {setup} | {len(mine)} | " + " | ".join(cells) + " |")
    verdict_line = ("Every verdict (status per check, top fix) was the same in all runs."
                    if stable else "Some verdicts differed between runs (bold, with counts).")
    return "\n".join(lines) + f"\n\n{verdict_line} Runs per setup: up to {runs}.\n", stable


def _parser():
    parser = argparse.ArgumentParser(prog="python -m experiments.doctor_stability",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("results", "doctor_stability"))
    parser.add_argument("--threads", nargs="*", default=["1", "2", "4"],
                        help="BLAS thread counts, or 'unset' (default: 1 2 4; none: only the loaded run)")
    parser.add_argument("--no-load", action="store_true",
                        help="skip the run beside a second training process")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 (default 3)")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="skip the seeds below this one (two processes share the seeds)")
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), metavar="SETUP",
                        help="doctor_advice setups (default: all eleven)")
    parser.add_argument("--train-size", type=int, help="first N MNIST training images")
    parser.add_argument("--test-size", type=int)
    parser.add_argument("--budget", type=float, default=DOCTOR_SECONDS,
                        help=f"doctor budget per diagnosis, s (default {DOCTOR_SECONDS:g})")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--load-process", action="store_true", help=argparse.SUPPRESS)
    return parser


def _budget(args):
    return Budget(seeds=args.seeds, train_size=args.train_size, test_size=args.test_size)


def main(argv=None, stream=sys.stderr):
    """Run every condition in a fresh process, then print and write the table; returns ``stable``."""
    args = _parser().parse_args(argv)
    for t in args.threads:
        if t != UNSET and not (t.isdigit() and int(t) >= 1):
            raise SystemExit(f"--threads: expected integers >= 1 or 'unset', received {t!r}")
    if args.load_process:
        load()
    setups = args.setups or list(SETUPS)
    out = Path(args.out)
    path = out / "verdicts.jsonl"
    if args.worker:
        jobs = [tuple(job) for job in json.loads(args.worker)]
        worker(os.environ["DOCTOR_STABILITY_CONDITION"], jobs, _budget(args), args.budget, path)
        return True
    out.mkdir(parents=True, exist_ok=True)
    names = conditions(args.threads, not args.no_load)
    done = {(r["condition"], r["setup"], r["seed"]) for r in read(path)}
    # Seed-major: every condition gets seed 0 before any gets seed 1, so a run cut
    # short still compares every condition.
    plan = [(seed, name, [(s, seed) for s in setups if (name, s, seed) not in done])
            for seed in range(args.first_seed, args.seeds) for name in names]
    total = sum(len(jobs) for _, _, jobs in plan)
    print(f"doctor_stability: {total} diagnoses to run ({len(done)} saved before), "
          f"{len(setups)} setups x {args.seeds} seeds x {names}; load "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=stream, flush=True)
    passing = [f"--seeds={args.seeds}", f"--budget={args.budget}", f"--out={args.out}"]
    passing += [f"--train-size={args.train_size}"] if args.train_size else []
    passing += [f"--test-size={args.test_size}"] if args.test_size else []
    finished, start = 0, time.perf_counter()
    for seed, name, jobs in plan:
        if not jobs:
            continue
        threads = UNSET if name == LOADED else name.removeprefix("threads=")
        env = {**environment(threads), "DOCTOR_STABILITY_CONDITION": name}
        helper = None
        if name == LOADED:
            helper = subprocess.Popen([sys.executable, "-m", "experiments.doctor_stability",
                                       "--load-process"], env=environment(UNSET))
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "experiments.doctor_stability", *passing,
                 "--worker", json.dumps(jobs)],
                env=env, stdout=subprocess.PIPE, text=True)
            for line in child.stdout:
                if not line.startswith("{"):  # anything else the child printed
                    print(line, end="", file=stream, flush=True)
                    continue
                row = json.loads(line)
                finished += 1
                elapsed = time.perf_counter() - start
                eta = elapsed / finished * (total - finished)
                print(f"[{finished}/{total}] {name} | {row['setup']} | seed {row['seed']}: "
                      f"{row['status']}, top fix {row['top']} ({row['seconds']:.0f} s, load "
                      f"{row['load']:.1f}); {elapsed / 60:.1f} min, about {eta / 60:.0f} min "
                      "left", file=stream, flush=True)
            if child.wait() != 0:
                raise SystemExit(f"doctor_stability: the {name} process failed "
                                 f"(exit {child.returncode})")
        finally:
            if helper is not None:
                helper.terminate()
                helper.wait()
    rows = [r for r in read(path) if r["condition"] in names and r["setup"] in setups
            and r["seed"] < args.seeds]
    text, stable = table(rows, setups)
    loads = [r["load"] for r in rows]
    text += (f"\nConditions: {', '.join(names)}; seeds 0 to {args.seeds - 1}; doctor budget "
             f"{args.budget:g} s; training images: {args.train_size or 'all'}; 1-minute load "
             f"average during the diagnoses {min(loads):.1f} to {max(loads):.1f} on "
             f"{os.cpu_count()} cores.\n" if loads else "")
    write_atomic(out / "stability.md", text)
    print(text)
    return stable


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
