"""``python -m experiments.doctor``: diagnose an MNIST training setup from the shell.

Examples::

    python -m experiments.doctor --example 1 --out results/doctor_example1.md
    python -m experiments.doctor --preprocessing scale --optimizer adam --batch-size 128
    python -m experiments.doctor --example 3 --json --out report.json --budget 20
    python -m experiments.doctor --example 1 --out r/doctor.md --json-out r/doctor.json

A setup starts from the seed article's Example ``--example`` (default 1: raw
pixels, SGD, batch 32) as the study writes it
(`experiments.seed_examples.AS_WRITTEN`) and any option overrides it (see
`experiments.doctor.seed_setups.example_setting`). MNIST is read by
`experiments.data.load` (set ``MNIST_DATA_DIR`` to a folder of the IDX files).
"""

import argparse
import sys

from experiments import data
from experiments.doctor import CHECKS, diagnose
from experiments.doctor.seed_setups import OPTIMIZERS, example_setting, setup_arguments
from experiments.seed_examples import AS_WRITTEN
from experiments.store import write_atomic
from scratch_nn import utils


def parse(argv):
    """The command line's options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m experiments.doctor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--example", type=int, choices=sorted(AS_WRITTEN), default=1,
                        help="start from the seed article's Example N (default 1)")
    parser.add_argument("--preprocessing", choices=sorted(data.PREPROCESSING))
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS),
                        help="replaces the example's optimizer, at its default rate")
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--hidden", type=int, nargs="+", help="hidden layer widths (default 128)")
    parser.add_argument("--initializer", help="kernel initializer name (e.g. zeros, he_normal)")
    parser.add_argument("--train-size", type=int, help="first N training samples only")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for the probes (default 60)")
    parser.add_argument("--checks", nargs="+", choices=list(CHECKS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="write JSON instead of Markdown")
    parser.add_argument("--out", help="write the report here (default: standard output)")
    parser.add_argument("--json-out", help="also write the JSON report here")
    return parser.parse_args(argv)


def main(argv=None):
    """Build the setup from the options, diagnose it, write the report."""
    args = parse(argv)
    if not data.available():
        sys.exit("MNIST not found: set MNIST_DATA_DIR to a folder with the four IDX files")
    setting = example_setting(
        args.example, preprocessing=args.preprocessing, optimizer=args.optimizer,
        learning_rate=args.learning_rate, batch_size=args.batch_size, epochs=args.epochs,
        hidden=tuple(args.hidden) if args.hidden else None, initializer=args.initializer)
    utils.set_random_seed(args.seed)
    model, arguments = setup_arguments(setting, data.load(train_size=args.train_size))
    report = diagnose(model, **arguments, budget_seconds=args.budget, checks=args.checks,
                      seed=args.seed)
    text = report.to_json() if args.json else report.to_markdown()
    if args.json_out:
        write_atomic(args.json_out, report.to_json())
    if args.out:
        write_atomic(args.out, text)
        print(f"doctor: {report.status}; report written to {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
