"""``python -m experiments.doctor``: diagnose your training script, or an MNIST setup, from the shell.

Examples::

    python -m experiments.doctor train.py --epochs 5        # your script, with its arguments
    python -m experiments.doctor --budget 20 --figure doctor.png --json-out r.json train.py
    python -m experiments.doctor --example 1 --out results/doctor_example1.md
    python -m experiments.doctor --preprocessing scale --optimizer adam --batch-size 128

**Your script** (a path): the doctor's own options come
before the path, everything after it goes to the script (a path not ending
in ``.py`` follows ``--``). The script runs
unchanged up to its first ``fit``, which is diagnosed
(`experiments.doctor.script`). The exit status is for CI: 0 no PROBLEM
(WARNs allowed), 1 at least one PROBLEM, 2 the doctor refused the script or
the command line, 3 the script itself failed before its first fit, 4 the
doctor failed (a bug in the doctor: never 1, which Python gives an
uncaught exception, so a crash never reads as a diagnosis). The
script's own output goes to standard error, the report to standard output
(or ``--out``).

**A built-in setup** (no script): the seed article's Example ``--example``
(default 1: raw pixels, SGD, batch 32) as the study writes it
(`experiments.seed_examples.AS_WRITTEN`), any option overriding it (see
`experiments.doctor.seed_setups.example_setting`). MNIST is read by
`experiments.data.load` (set ``MNIST_DATA_DIR`` to a folder of the IDX
files). It exits 0 whatever the diagnosis (``make run`` writes Example 1's
report, which has PROBLEMs).
"""

import argparse
import contextlib
import sys
import traceback

from experiments import data
from experiments.doctor import CHECKS, PROBLEM, diagnose, script
from experiments.doctor.seed_setups import OPTIMIZERS, example_setting, setup_arguments
from experiments.seed_examples import AS_WRITTEN
from experiments.store import write_atomic
from scratch_nn import utils

#: Exit statuses of a script's diagnosis (see the module doc).
EXIT_OK, EXIT_PROBLEM, EXIT_REFUSED, EXIT_SCRIPT_FAILED, EXIT_DOCTOR_FAILED = 0, 1, 2, 3, 4
#: Options that build a setup: meaningless with a script.
SETUP_OPTIONS = ("example", "preprocessing", "optimizer", "learning_rate", "batch_size", "epochs",
                 "hidden", "initializer", "train_size")


def split_script(argv):
    """``(the doctor's arguments, [script, *its arguments])``, split at the script's path.

    The path is the first argument ending in ``.py`` that is not an option,
    or the one after ``--``; so ``--checks input_scale train.py`` gives
    ``train.py`` to the doctor as its script, not as a check name.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            return argv[:index], argv[index + 1:]
        if arg.endswith(".py") and not arg.startswith("-"):
            return argv[:index], argv[index:]
    return argv, []


def parse(argv):
    """The command line's options (see ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m experiments.doctor", description=__doc__.split("\n\n")[0],
        usage="%(prog)s [options] [script.py [script arguments ...]]",
        epilog="exit status with a script: 0 no PROBLEM, 1 at least one PROBLEM, 2 the script "
               "or the command line refused, 3 the script failed before its first fit, 4 the "
               "doctor failed")
    parser.add_argument("script", nargs="?",
                        help="your training script; the arguments after it go to the script")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--fit-timeout", type=float, default=None,
                        help="CPU seconds the script may take to reach its first fit (default "
                             f"{script.FIT_TIMEOUT:g})")
    parser.add_argument("--figure", help="also draw the probes' held-out curves to this PNG")
    parser.add_argument("--example", type=int, choices=sorted(AS_WRITTEN), default=None,
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
    own, command = split_script(sys.argv[1:] if argv is None else list(argv))
    args = parser.parse_args(own)
    if command:
        if args.script is not None:
            parser.error(f"unrecognized arguments before the script: {args.script}")
        args.script, args.script_args = command[0], command[1:]
    if args.script is not None:
        given = [f"--{name.replace('_', '-')}" for name in SETUP_OPTIONS
                 if getattr(args, name) is not None]
        if given:
            parser.error(f"{', '.join(given)} build an MNIST setup and do not apply to a script; "
                         "put the script's own options after its path")
    elif args.fit_timeout is not None:
        parser.error("--fit-timeout applies to a script only")
    return args


def main(argv=None):
    """Diagnose the script, or the setup built from the options; write the report.

    Returns the exit status (see the module doc); ``python -m`` exits with it.
    """
    args = parse(argv)
    if args.script is not None:
        return run_script(args)
    if not data.available():
        sys.exit("MNIST not found: set MNIST_DATA_DIR to a folder with the four IDX files")
    setting = example_setting(
        args.example or 1, preprocessing=args.preprocessing, optimizer=args.optimizer,
        learning_rate=args.learning_rate, batch_size=args.batch_size, epochs=args.epochs,
        hidden=tuple(args.hidden) if args.hidden else None, initializer=args.initializer)
    utils.set_random_seed(args.seed)
    model, arguments = setup_arguments(setting, data.load(train_size=args.train_size))
    report = diagnose(model, **arguments, budget_seconds=args.budget, checks=args.checks,
                      seed=args.seed)
    write(report, args)
    return EXIT_OK


def run_script(args):
    """Diagnose ``args.script``; the exit status."""
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the report alone on standard output
            report = script.diagnose_script(
                args.script, args.script_args, budget_seconds=args.budget, seed=args.seed,
                fit_timeout=args.fit_timeout or script.FIT_TIMEOUT, checks=args.checks)
    except script.ScriptRefused as refusal:
        print(f"doctor: cannot diagnose {args.script}: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    except script.ScriptError as failure:
        print(f"doctor: {args.script} failed on its own, before the doctor looked at it: "
              f"{failure}\n{failure.traceback}", file=sys.stderr)
        return EXIT_SCRIPT_FAILED
    except Exception:  # noqa: BLE001 - a bug in the doctor must not read as exit status 1
        traceback.print_exc()
        print("doctor: the doctor itself failed (a bug in the doctor, not in your script)",
              file=sys.stderr)
        return EXIT_DOCTOR_FAILED
    write(report, args)
    return EXIT_PROBLEM if report.status == PROBLEM else EXIT_OK


def write(report, args):
    """Write the report where the options say: Markdown or JSON, and the figure."""
    text = report.to_json() if args.json else report.to_markdown()
    if args.json_out:
        write_atomic(args.json_out, report.to_json())
    if args.figure:
        from experiments.doctor.figure import probe_figure

        probe_figure(report, args.figure)
    if args.out:
        write_atomic(args.out, text)
        print(f"doctor: {report.status}; report written to {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
