"""Command line: ``python -m experiments list | run NAME... | run-default | report``.

Examples::

    python -m experiments list
    python -m experiments run optimizer learning_rate --backend keras --seeds 3
    python -m experiments run all --quick --out /tmp/results
    python -m experiments run all --workers 2  # two runs at a time, on a local Dask cluster
    python -m experiments run all --scheduler tcp://10.0.0.5:8786  # on an existing Dask cluster
    python -m experiments run-default --blas-threads 1   # what `make run` does
    python -m experiments report --target 0.98 # rebuild REPORT.md, no training
    python -m experiments speedrun --seeds 10  # experiments.speedrun.cli: its own options

Finished runs are saved as they end and loaded back on the next call, so an
interrupted study resumes; ``report`` never trains. Runs go one at a time in
this process unless ``--workers`` or ``--scheduler`` says otherwise (see
`experiments.cluster` and docs/CLUSTER.md).
"""

import argparse
import os
import sys
import time

from experiments import (
    DEFAULT_EXPERIMENTS,
    EXPERIMENTS,
    default_plan,
    get,
    question,
    report,
    runner,
    settings,
)
from experiments.backends import BACKENDS, limit_threads


def _budget(args, default):
    """The budget: ``--quick`` or the command's default, then any explicit options."""
    base = settings.QUICK if args.quick else default
    changes = {name: getattr(args, name) for name in ("seeds", "first_seed", "train_size", "test_size", "target")
               if getattr(args, name) is not None}
    if args.epochs is not None:
        changes["max_epochs"] = args.epochs
    return settings.Budget(**{**base.__dict__, **changes})


def _workers(text):
    """``--workers``: a positive number of worker processes."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of workers, got {text!r}")
    return value


def _parser():
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the experiments and their questions")
    run = commands.add_parser("run", help="run experiments (NAME... or all), then write the report")
    run.add_argument("names", nargs="+", metavar="NAME", choices=("all",) + EXPERIMENTS)
    default = commands.add_parser(
        "run-default", help=f"`make run`: {', '.join(DEFAULT_EXPERIMENTS)} on a reduced budget")
    rebuild = commands.add_parser("report", help="rebuild results/REPORT.md from saved runs")
    commands.add_parser("speedrun", help="the MNIST speedrun (options: speedrun --help)")
    for sub in (run, default, rebuild):
        sub.add_argument("--out", default="results", help="output folder (default: results)")
        sub.add_argument("--target", type=float, help="validation accuracy to reach (default 0.97)")
    for sub in (run, default):
        sub.add_argument("--backend", choices=("both",) + BACKENDS, default="both")
        sub.add_argument("--seeds", type=int, help="seeds per setting")
        sub.add_argument("--first-seed", type=int, metavar="K",
                         help="run only seeds K .. SEEDS-1 (split a study's seeds between processes)")
        sub.add_argument("--epochs", type=int, help="cap on every run's epochs")
        sub.add_argument("--train-size", type=int, help="use the first N training images")
        sub.add_argument("--test-size", type=int, help="use the first N test images")
        sub.add_argument("--blas-threads", type=int, metavar="N",
                         help="limit NumPy's BLAS to N threads in this process (threadpoolctl); "
                              "TensorFlow keeps its own; default: BLAS's own choice")
        sub.add_argument("--quick", action="store_true",
                         help="smoke test: 1000 train / 500 test images, 2 epochs, 1 seed, ends of grids")
        parallel = sub.add_mutually_exclusive_group()
        parallel.add_argument("--workers", type=_workers, metavar="N",
                              help="train N runs at a time on a local Dask cluster (one thread each; "
                                   "default: one run at a time in this process, the cleanest seconds)")
        parallel.add_argument("--scheduler", metavar="ADDRESS",
                              help="train on the Dask cluster of this scheduler (tcp://host:8786)")
    return parser


def _run(names, args, default_budget, plan=None):
    """Train experiments ``names`` (then write the report).

    ``plan(name)``: ``(module, backends)`` of each experiment (default: the
    module, on every backend); ``--backend`` narrows the backends further.
    """
    if args.blas_threads is not None:
        limit_threads(args.blas_threads, tensorflow=False)
    budget = _budget(args, default_budget)
    selected = BACKENDS if args.backend == "both" else (args.backend,)
    plans = {}
    for name in names:
        module, backends = plan(name) if plan else (get(name), BACKENDS)
        plans[name] = (module, tuple(backend for backend in backends if backend in selected))
    shown = f"backends: {', '.join(selected)}" if plan is None else "; ".join(
        f"{name} on {', '.join(backends) or 'no backend'}" for name, (_, backends) in plans.items())
    print(f"budget: {budget}; {shown}", file=sys.stderr)
    load, cores = os.getloadavg()[0], os.cpu_count()
    if load > cores / 2:
        print(f"warning: load average {load:.1f} on {cores} cores: other work is running, and the "
              "seconds measured will be inflated (and BLAS threads may thrash)", file=sys.stderr)
    start = time.perf_counter()
    try:
        failures = _train(plans, args, budget)
    except KeyboardInterrupt:
        sys.exit(f"interrupted: the finished runs are saved under {args.out}; "
                 "the same command trains only the missing ones")
    path = report.write(args.out, budget.target)
    print(f"wrote {path} ({(time.perf_counter() - start) / 60:.1f} min)", file=sys.stderr)
    if failures:
        lines = "\n".join(f"  {label}: {error}" for label, error in failures)
        sys.exit(f"{len(failures)} runs failed (errors saved under {args.out}/<experiment>/failed/):\n{lines}")


def _train(plans, args, budget):
    """Train what is missing, in this process or on Dask; the ``(label, error)`` of failed runs.

    ``plans``: ``{name: (module, backends)}``, in order.
    """
    if args.workers or args.scheduler:
        try:
            from experiments import cluster
        except ImportError as error:
            sys.exit(f"--workers and --scheduler need dask.distributed and threadpoolctl ({error}); "
                     "install them with: pip install -e '.[cluster]'")

        # One study per set of backends (`cluster.run_study` trains every experiment on the same ones).
        groups = {}
        for name, (module, backends) in plans.items():
            groups.setdefault(backends, {})[name] = module
        with cluster.connect(args.workers, args.scheduler) as client:
            return [failure for backends, modules in groups.items()
                    for failure in cluster.run_study(client, modules, backends, budget, args.out)]
    failures = []
    progress = runner.Progress(sum(runner.epochs_planned(module, backends, budget)
                                   for module, backends in plans.values()))
    for name, (module, backends) in plans.items():
        runner.run_experiment(name, module, backends, budget, args.out, progress=progress, failures=failures)
    return failures


def main(argv=None):
    """Entry point; ``argv`` defaults to the command line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["speedrun"]:
        from experiments.speedrun import cli

        return cli.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "list":
        for name in EXPERIMENTS:
            marker = "*" if name in DEFAULT_EXPERIMENTS else " "
            print(f"{marker} {name:15} {question(get(name))}")
        print("(* run by `make run`)")
    elif args.command == "run":
        _run(EXPERIMENTS if "all" in args.names else args.names, args, settings.FULL)
    elif args.command == "run-default":
        _run(DEFAULT_EXPERIMENTS, args, settings.DEFAULT, plan=default_plan)
    else:
        path = report.write(args.out, args.target or settings.FULL.target)
        if path is None:
            sys.exit(f"no saved runs under {args.out}")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
