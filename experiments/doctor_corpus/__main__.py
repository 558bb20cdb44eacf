"""``python -m experiments.doctor_corpus``: confirm the corpus in Keras, run the doctor, score it.

Examples::

    python -m experiments.doctor_corpus                       # everything, cached under results/doctor_corpus
    python -m experiments.doctor_corpus --steps confirm       # the Keras confirmation only
    python -m experiments.doctor_corpus --cases so31880720 at_gradient_vanish --force
    python -m experiments.doctor_corpus --steps               # the table from what is cached

Each case's results are cached as JSON under ``--out``; a second run reuses
them (``--force`` reruns). The score table is written to ``<out>/scores.md``
and printed. Set ``MNIST_DATA_DIR`` to the folder of the MNIST IDX files
(default: ``../shared/data/mnist`` beside the checkout).
"""

import argparse
import sys

from experiments.doctor_corpus import cases, runner


def parse(argv):
    """The command line's options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m experiments.doctor_corpus",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", metavar="NAME",
                        help=f"cases to run (default all {len(cases.CASES)})")
    parser.add_argument("--out", default="results/doctor_corpus", help="cache and table folder")
    parser.add_argument("--steps", nargs="*", choices=["confirm", "doctor"], default=["confirm", "doctor"],
                        help="what to run (default both); a step left out is read from the cache, "
                             "and `--steps` alone writes the table from the cache")
    parser.add_argument("--budget", type=float, default=runner.BUDGET,
                        help=f"the doctor's budget per program, seconds (default {runner.BUDGET:g})")
    parser.add_argument("--force", action="store_true", help="rerun what is cached")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the corpus and print the score table."""
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        selected = cases.by_name(args.cases)
    except ValueError as err:
        sys.exit(str(err))
    rows = runner.run(selected, args.out, steps=args.steps, budget=args.budget, force=args.force)
    print()
    print(runner.scoring.markdown(rows, cases.NOT_REBUILT))


if __name__ == "__main__":
    main()
