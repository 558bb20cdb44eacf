"""Cold-process runs: one speedrun row trained in a fresh Python process, timed from outside.

``run_cold`` starts ``python -m experiments.speedrun.cold`` with every thread
variable of `experiments.backends.ONE_THREAD_ENVIRONMENT` set to 1, hands it the recipe
as JSON, and times the process from start to exit: interpreter start,
imports, MNIST load, preprocessing, build, training and evaluation. The child
(`main`) trains with `experiments.speedrun.train.run` and prints its record as
one JSON line, with its own training seconds inside.
"""

import json
import os
import subprocess
import sys
import time

from experiments.backends import ONE_THREAD_ENVIRONMENT, THREAD_VARIABLES
from experiments.speedrun import recipe as recipes


def one_thread_env():
    """This process's environment with every thread variable at 1."""
    return {**os.environ, **ONE_THREAD_ENVIRONMENT, "TF_CPP_MIN_LOG_LEVEL": "2"}


def default_threads_env():
    """This process's environment without any thread variable: the libraries' own thread counts."""
    return {**{key: value for key, value in os.environ.items() if not key.startswith(THREAD_VARIABLES)},
            "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_cold(recipe, backend, seed, split="test", quick=False, timeout=None, threads="1"):
    """Train ``recipe`` in a fresh process; its record plus ``cold_s``, the process's wall time.

    ``threads``: ``"1"`` (every thread variable at 1, and the limits of
    `experiments.speedrun.train.limit_threads`) or ``"default"`` (none set).

    Raises:
        RuntimeError: the child failed (its stderr's end is in the message).
    """
    command = [sys.executable, "-m", "experiments.speedrun.cold", json.dumps(recipes.to_json(recipe)),
               backend, str(seed), split, threads] + (["--quick"] if quick else [])
    start = time.perf_counter()
    if threads not in ("1", "default"):
        raise ValueError(f"threads must be '1' or 'default', received {threads!r}")
    env = one_thread_env() if threads == "1" else default_threads_env()
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True,
                          timeout=timeout)
    cold_s = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"speedrun row {recipe.label!r} on {backend} failed "
                           f"(exit {done.returncode}):\n{done.stderr[-2000:]}")
    return {**json.loads(lines[-1]), "cold_s": cold_s}


def main(argv=None):
    """Child entry: ``RECIPE_JSON BACKEND SEED SPLIT THREADS [--quick]``; prints the record as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    recipe_json, backend, seed, split, threads, *rest = argv
    from experiments.speedrun import train

    record = train.run(recipes.from_json(json.loads(recipe_json)), backend, int(seed), split,
                       quick="--quick" in rest, threads=1 if threads == "1" else None)
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
