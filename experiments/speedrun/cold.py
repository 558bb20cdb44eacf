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

from experiments.backends import ONE_THREAD_ENVIRONMENT
from experiments.speedrun import recipe as recipes


def one_thread_env():
    """This process's environment with every thread variable at 1."""
    return {**os.environ, **ONE_THREAD_ENVIRONMENT, "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_cold(recipe, backend, seed, split="test", quick=False, timeout=None):
    """Train ``recipe`` in a fresh process; its record plus ``cold_s``, the process's wall time.

    Raises:
        RuntimeError: the child failed (its stderr's end is in the message).
    """
    command = [sys.executable, "-m", "experiments.speedrun.cold", json.dumps(recipes.to_json(recipe)),
               backend, str(seed), split] + (["--quick"] if quick else [])
    start = time.perf_counter()
    done = subprocess.run(command, check=False, env=one_thread_env(), capture_output=True, text=True,
                          timeout=timeout)
    cold_s = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"speedrun row {recipe.label!r} on {backend} failed "
                           f"(exit {done.returncode}):\n{done.stderr[-2000:]}")
    return {**json.loads(lines[-1]), "cold_s": cold_s}


def main(argv=None):
    """Child entry: ``RECIPE_JSON BACKEND SEED SPLIT [--quick]``; prints the record as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    recipe_json, backend, seed, split, *rest = argv
    from experiments.speedrun import train

    record = train.run(recipes.from_json(json.loads(recipe_json)), backend, int(seed), split,
                       quick="--quick" in rest)
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
