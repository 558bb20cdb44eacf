"""Command line: ``python -m experiments speedrun [--seeds 10] [--backend scratch|keras|both] [--quick]``.

Runs every row of `experiments.speedrun.recipe.rows` (the recipe, its
ablation, the comparisons) on the selected backends, seed after seed (every
row gets seed 0 before any gets seed 1, so a run cut short still covers every
row), each in a fresh one-thread process (`experiments.speedrun.cold`), and
writes ``speedrun.csv``, ``speedrun.md`` and ``speedrun.png`` to ``--out``
after every run. The float32 GEMM rate (one thread) is measured before and
after and printed beside the times.
"""

import argparse
import os
import sys
import time

from experiments import backends
from experiments.backends import BACKENDS
from experiments.speedrun import cold, recipe, report


def plan(rows, selected, seeds):
    """``(row, backend, seed)`` jobs: seed-major, rows in order, a pinned row on its backend only."""
    return [(row, backend, seed) for seed in range(seeds) for row in rows for backend in selected
            if row.backend in (None, backend)]


def _cost(row, backend, quick):
    """A rough relative cost of one job, for the ETA: epochs, plus a process start (more for Keras)."""
    return (1 if quick else row.epochs) + (4 if backend == "keras" else 1)


def gemm_rate():
    """The float32 GEMM rate on one thread, GFLOP/s (`experiments.backends.gemm_gflops`)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return backends.gemm_gflops()


def _parser():
    parser = argparse.ArgumentParser(prog="python -m experiments speedrun",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per row (default 10)")
    parser.add_argument("--backend", choices=("both",) + BACKENDS, default="both")
    parser.add_argument("--out", default=os.path.join("results", "speedrun"))
    parser.add_argument("--only", nargs="+", metavar="ROW",
                        help="run only these rows (labels as in the table), e.g. --only speedrun")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1000 train / 500 test images, one epoch per fit call")
    return parser


def main(argv=None, stream=sys.stderr):
    """Run the speedrun; returns the run records."""
    args = _parser().parse_args(argv)
    if args.seeds < 1:
        raise SystemExit(f"--seeds must be >= 1, received {args.seeds}")
    selected = BACKENDS if args.backend == "both" else (args.backend,)
    rows = recipe.rows()
    if args.only:
        rows = [recipe.by_label(label) for label in args.only]
    jobs = plan(rows, selected, args.seeds)
    load_before = os.getloadavg()[0]
    gemm_before = gemm_rate()
    print(f"{len(jobs)} runs; float32 GEMM {gemm_before:.1f} GFLOP/s on one thread; "
          f"load {load_before:.1f} on {os.cpu_count()} cores", file=stream, flush=True)
    total = sum(_cost(row, backend, args.quick) for row, backend, _ in jobs)
    done, records, start = 0, [], time.perf_counter()
    goal_args = (recipe.RECIPE.label, recipe.QUICKSTART.label, recipe.EXAMPLE.format(1),
                 recipe.JIT.format(recipe.RECIPE.label))
    title = (f"MNIST speedrun: test accuracy against training seconds, one thread "
             f"({'--quick, ' if args.quick else ''}{args.seeds} seed(s))")
    for index, (row, backend, seed) in enumerate(jobs, start=1):
        record = cold.run_cold(row, backend, seed, quick=args.quick)
        record["gemm_gflops"] = round(gemm_before, 1)
        records.append(record)
        done += _cost(row, backend, args.quick)
        elapsed = time.perf_counter() - start
        print(f"[{index}/{len(jobs)}] {row.label} | {backend} | seed {seed}: test accuracy "
              f"{record['accuracy']:.4f}, training {record['train_s']:.2f} s, cold process "
              f"{record['cold_s']:.2f} s | ETA {elapsed / done * (total - done) / 60:.1f} min",
              file=stream, flush=True)
        header = _header(records, gemm_before, None, load_before, args)
        report.write(args.out, records, header, goal_args, title)
    gemm_after = gemm_rate()
    path = report.write(args.out, records, _header(records, gemm_before, gemm_after, load_before, args),
                        goal_args, title)
    print(f"wrote {path} and speedrun.csv, speedrun.png ({(time.perf_counter() - start) / 60:.1f} min)",
          file=stream, flush=True)
    return records


def _header(records, gemm_before, gemm_after, load_before, args):
    """The lines above the table: machine, versions, threads, GEMM rate and load."""
    machine = f"Machine: {backends.cpu()}, {backends.machine()}"
    versions = sorted({record["versions"] for record in records})
    threads = sorted({f"{record['backend']}: {record['threads']}" for record in records})
    gemm = f"{gemm_before:.1f}" + (f" before, {gemm_after:.1f} after" if gemm_after is not None else "")
    loads = [record["load_avg"] for record in records]
    return [f"# MNIST speedrun{' (--quick smoke run: not a measurement)' if args.quick else ''}", "",
            f"- {machine}", f"- Versions: {'; '.join(versions)}",
            f"- Threads, as each run found them: {'; '.join(threads)}",
            f"- Float32 GEMM rate, 1024^3, one thread: {gemm} GFLOP/s",
            (f"- Load average (1 min): {load_before:.1f} before, {min(loads):.1f}-{max(loads):.1f} "
             "during the runs"),
            (f"- Test accuracy over {args.seeds} seed(s) per row, after each row's fixed epochs; "
             "training seconds are the fit calls' wall time; cold-process seconds are a fresh "
             "process's whole life (start, imports, MNIST load, preprocessing, build, train, evaluate).")]
