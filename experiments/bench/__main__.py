"""Command line: ``python -m experiments.bench [--threads N] [--quick] [--docs docs/BENCH.md] ...``.

Examples::

    python -m experiments.bench                       # every backend, batch 32, 128 and 512
    python -m experiments.bench --threads 1           # every framework on one thread
    python -m experiments.bench --quick --out /tmp/b  # a seconds-long smoke run
    python -m experiments.bench --batch-sizes 128 --backends scratch_nn numpy_loop
"""

import argparse
import os
import shlex
import sys

from experiments import backends as frameworks
from experiments import bench


def parse_args(argv):
    """The options of one benchmark run (``--quick`` shrinks samples, epochs and pauses)."""
    parser = argparse.ArgumentParser(prog="python -m experiments.bench",
                                     description=bench.__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=list(bench.BATCH_SIZES))
    parser.add_argument("--backends", nargs="+", default=list(bench.backends.BACKENDS),
                        choices=bench.backends.BACKENDS)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per backend")
    parser.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    parser.add_argument("--samples", type=int, default=60000, help="training samples per epoch")
    parser.add_argument("--naive-samples", type=int, default=2000,
                        help="samples the naive loop is timed on")
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds of rest before each timed epoch (spinning threads settle)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit every framework to this many threads (NumPy's BLAS through "
                             "threadpoolctl, TensorFlow's intra- and inter-op pools, PyTorch); "
                             "default: each framework's own choice")
    parser.add_argument("--out", default=os.path.join("results", "bench"),
                        help="folder for bench.csv, bench.md and bench.png")
    parser.add_argument("--docs", default=None, metavar="PAGE",
                        help="also write the tables into PAGE between its bench markers "
                             "(`make bench` passes docs/BENCH.md)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2048 samples, 2 timed epochs, naive on 64")
    options = parser.parse_args(argv)
    if options.quick:
        options.samples, options.epochs = min(options.samples, 2048), 2
        options.naive_samples = min(options.naive_samples, 64)
        options.pause = min(options.pause, 0.05)
    if options.epochs < 1 or options.warmup < 0 or options.samples < 1:
        parser.error("--epochs must be >= 1, --warmup >= 0, --samples >= 1")
    if options.threads is not None and options.threads < 1:
        parser.error(f"--threads must be >= 1, got {options.threads}")
    return options


def main(argv=None):
    """Run the benchmark with the options in ``argv`` (default: the command line); return its rows."""
    argv = sys.argv[1:] if argv is None else list(argv)
    options = parse_args(argv)
    if options.threads is not None:
        frameworks.limit_threads(options.threads)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    command = " ".join(["python -m experiments.bench", *map(shlex.quote, argv)])
    return bench.run(options, command=command, log=log)


if __name__ == "__main__":
    main()
