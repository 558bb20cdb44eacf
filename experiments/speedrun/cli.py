"""Command line: ``python -m experiments speedrun [--seeds 10] [--backend scratch|keras|both] [--quick]``.

Without ``--only`` it is the scored run, meant to run alone on a quiet
machine (`plan_scored`):

- the recipe on scratch_nn and on Keras default ``fit``, one thread and the
  default threads;
- Keras tuned: each configuration of `experiments.speedrun.recipe.TIMED`
  on ``--sweep-seeds`` seeds (one thread), then the fastest of them (median
  training seconds) on every seed, one thread and default threads;
- the ablation on scratch_nn, one thread: one lever back to its default per row.

``--only ROW...`` runs the named rows of `experiments.speedrun.recipe.rows`
instead (``make run``: the recipe and the TensorFlow quickstart, one seed).
Rows go seed after seed (every row gets seed 0 before any gets seed 1, so a
run cut short still covers every row), each in a fresh process
(`experiments.speedrun.cold`), and ``speedrun.csv``, ``speedrun.md`` and
``speedrun.png`` are written to ``--out`` after every run. The float32 GEMM
rate (one thread and default threads) is measured before and after; every
progress line prints it beside the time, with the threads and the load.
"""

import argparse
import os
import statistics
import sys
import time

from experiments import backends
from experiments.backends import BACKENDS
from experiments.speedrun import cold, cost, recipe, report

#: Seconds a fresh process spends outside training on a quiet 2-core machine (imports, MNIST
#: load, preprocessing, build, evaluate), from the 2026-11-29 run: cold-process minus training seconds.
START_SECONDS = {"scratch": 2.0, "keras": 5.4}
#: Keras trains the recipe in about this multiple of scratch_nn's modelled seconds (3.96 s / 3.30 s).
KERAS_FACTOR = 1.2
#: Thread settings of a run: "1" (one thread everywhere) or "default" (what the libraries choose).
THREADS = ("1", "default")


def plan(rows, selected, seeds, threads=("1",), first_seed=0):
    """``(row, backend, threads, seed)`` jobs: seed-major, rows in order, a pinned row on its backend only."""
    return [(row, backend, thread, seed) for seed in range(first_seed, seeds) for row in rows
            for backend in selected if row.backend in (None, backend) for thread in threads]


def plan_scored(selected, seeds, sweep_seeds, base=None):
    """The scored run before the Keras sweep is decided: recipe, Keras default ``fit``, the sweep, the ablation.

    Returns:
        the jobs (`plan`'s tuples), seed-major.
    """
    base = base or recipe.RECIPE
    rows = recipe.ablation(base)
    jobs = []
    sweep = [recipe.keras_row(base, name) for name in recipe.TIMED] if "keras" in selected else []
    for seed in range(seeds):
        for backend in selected:
            jobs += [(base, backend, thread, seed) for thread in THREADS]
        if seed < sweep_seeds:
            jobs += [(row, "keras", "1", seed) for row in sweep]
        if "scratch" in selected:
            jobs += [(row, "scratch", "1", seed) for row in rows[1:]]
    return jobs


def fastest(records, labels):
    """The label among ``labels`` with the smallest median one-thread training seconds in ``records``."""
    medians = {label: statistics.median(r["train_s"] for r in records
                                        if r["row"] == label and r["threads_asked"] == "1")
               for label in labels if any(r["row"] == label for r in records)}
    if not medians:
        raise ValueError(f"no one-thread runs of {list(labels)} to choose from")
    return min(medians, key=medians.get)


def estimate(row, backend, quick=False):
    """Modelled seconds of one job on a quiet 2-core machine: process start plus training."""
    if quick:
        return START_SECONDS[backend]
    train_s = cost.SCRATCH_MODEL.seconds(row, 60_000)
    return START_SECONDS[backend] + (KERAS_FACTOR * train_s if backend == "keras" else train_s)


def gemm_rate(threads="1"):
    """The float32 GEMM rate, GFLOP/s, on one thread or the default threads (`experiments.backends.gemm_gflops`)."""
    from threadpoolctl import threadpool_limits

    if threads == "default":
        return backends.gemm_gflops()
    with threadpool_limits(1):
        return backends.gemm_gflops()


def _parser():
    parser = argparse.ArgumentParser(prog="python -m experiments speedrun",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per row (default 10)")
    parser.add_argument("--sweep-seeds", type=int, default=3,
                        help="seeds of each tuned Keras configuration before the fastest is kept (default 3)")
    parser.add_argument("--backend", choices=("both",) + BACKENDS, default="both")
    parser.add_argument("--out", default=os.path.join("results", "speedrun"))
    parser.add_argument("--only", nargs="+", metavar="ROW",
                        help="run only these rows (labels as in the table), e.g. --only speedrun")
    parser.add_argument("--threads", choices=("1", "default", "both"), default="1",
                        help="thread settings of --only rows (the scored run has both)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1000 train / 500 test images, one epoch per phase")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the runs and the estimated duration, train nothing")
    return parser


class Runner:
    """Runs jobs one at a time in fresh processes, with progress, ETA and the outputs after each."""

    def __init__(self, args, stream):
        self.args, self.stream, self.records = args, stream, []
        self.load_before = os.getloadavg()[0]
        self.gemm = {thread: gemm_rate(thread) for thread in THREADS}
        self.start = time.perf_counter()
        self.done_estimate = 0.0
        self.title = (f"MNIST speedrun: test accuracy against training seconds "
                      f"({'--quick, ' if args.quick else ''}{args.seeds} seed(s))")

    def announce(self, jobs, later=0.0, later_runs=0):
        total = sum(estimate(row, backend, self.args.quick) for row, backend, _, _ in jobs) + later
        self.remaining = total
        runs = f"{len(jobs)} runs" + (f", then {later_runs} of the fastest tuned Keras configuration"
                                      if later_runs else "")
        print(f"{runs}; about {total / 60:.1f} min on a quiet 2-core machine; float32 GEMM "
              f"{self.gemm['1']:.1f} GFLOP/s on one thread, {self.gemm['default']:.1f} on the default threads; "
              f"load {self.load_before:.1f} on {os.cpu_count()} cores", file=self.stream, flush=True)

    def run(self, jobs):
        for index, (row, backend, thread, seed) in enumerate(jobs, start=1):
            record = cold.run_cold(row, backend, seed, quick=self.args.quick, threads=thread)
            gemm = self.gemm[thread]
            floor = cost.floor_seconds(row if not self.args.quick else _quick(row), record["train_size"], gemm)
            record.update(threads_asked=thread, gemm_gflops=round(gemm, 1), floor_s=floor,
                          floors=record["train_s"] / floor)
            self.records.append(record)
            self.done_estimate += estimate(row, backend, self.args.quick)
            elapsed = time.perf_counter() - self.start
            eta = elapsed / self.done_estimate * max(self.remaining - self.done_estimate, 0) / 60
            print(f"[{index}/{len(jobs)}] {row.label} | {backend} | threads {thread} | seed {seed}: test "
                  f"accuracy {record['accuracy']:.4f}, training {record['train_s']:.2f} s = "
                  f"{record['floors']:.2f} floors (GEMM {gemm:.0f} GFLOP/s), cold process "
                  f"{record['cold_s']:.2f} s | load {record['load_avg']:.1f} | ETA {eta:.1f} min",
                  file=self.stream, flush=True)
            self.write()

    def write(self, gemm_after=None):
        header = _header(self.records, self.gemm, gemm_after, self.load_before, self.args)
        goal_args = (recipe.RECIPE.label, recipe.QUICKSTART.label, recipe.EXAMPLE.format(1))
        return report.write(self.args.out, self.records, header, goal_args, self.title)


def _quick(row):
    from experiments.speedrun import train

    return train.quick_recipe(row)


def main(argv=None, stream=sys.stderr):
    """Run the speedrun; returns the run records."""
    args = _parser().parse_args(argv)
    if args.seeds < 1:
        raise SystemExit(f"--seeds must be >= 1, received {args.seeds}")
    selected = BACKENDS if args.backend == "both" else (args.backend,)
    runner = Runner(args, stream)
    if args.only:
        rows = [recipe.by_label(label) for label in args.only]
        threads = THREADS if args.threads == "both" else (args.threads,)
        jobs = plan(rows, selected, args.seeds, threads)
        runner.announce(jobs)
        if args.dry_run:
            return []
        runner.run(jobs)
    else:
        sweep_seeds = min(args.sweep_seeds, args.seeds)
        jobs = plan_scored(selected, args.seeds, sweep_seeds)
        later, later_runs = 0.0, 0
        if "keras" in selected:
            # The fastest configuration's other seeds, one thread, and all its seeds on the default threads.
            later_runs = 2 * args.seeds - sweep_seeds
            later = later_runs * estimate(recipe.keras_row(recipe.RECIPE, recipe.TIMED[0]), "keras", args.quick)
        runner.announce(jobs, later, later_runs)
        if args.dry_run:
            return []
        runner.run(jobs)
        if "keras" in selected:
            labels = [recipe.keras_row(recipe.RECIPE, name).label for name in recipe.TIMED]
            best = recipe.by_label(fastest(runner.records, labels))
            print(f"fastest tuned Keras configuration: {best.label}", file=stream, flush=True)
            runner.run([(best, "keras", thread, seed) for seed in range(args.seeds) for thread in THREADS
                        if thread == "default" or seed >= sweep_seeds])
    gemm_after = {thread: gemm_rate(thread) for thread in THREADS}
    path = runner.write(gemm_after)
    print(f"wrote {path} and speedrun.csv, speedrun.png ({(time.perf_counter() - runner.start) / 60:.1f} min)",
          file=stream, flush=True)
    return runner.records


def _header(records, gemm_before, gemm_after, load_before, args):
    """The lines above the table: machine, versions, threads, GEMM rates and load."""
    machine = f"Machine: {backends.cpu()}, {backends.machine()}"
    versions = sorted({record["versions"] for record in records})
    threads = sorted({f"{record['backend']}, threads {record['threads_asked']}: {record['threads']}"
                      for record in records})
    gemm = "; ".join(f"{thread} thread(s): {gemm_before[thread]:.1f}"
                     + (f" before, {gemm_after[thread]:.1f} after" if gemm_after else "") for thread in THREADS)
    loads = [record["load_avg"] for record in records]
    return [f"# MNIST speedrun{' (--quick smoke run: not a measurement)' if args.quick else ''}", "",
            f"- {machine}", f"- Versions: {'; '.join(versions)}",
            f"- Threads, as each run found them: {'; '.join(threads)}",
            f"- Float32 GEMM rate, 1024^3, GFLOP/s: {gemm}",
            (f"- Load average (1 min): {load_before:.1f} before, {min(loads):.1f}-{max(loads):.1f} "
             "during the runs"),
            ("- Test accuracy over the seeds of each row, after each row's fixed epochs; training seconds "
             "are the fit calls' wall time; floors: training seconds over the row's matrix-multiply floor "
             "(FLOPs / GEMM rate at the row's threads, experiments.speedrun.cost); cold-process seconds are a "
             "fresh process's whole life (start, imports, MNIST load, preprocessing, build, train, evaluate).")]
