"""The TensorFlow pass over mutmut's survivors, and the score per module.

mutmut 3 (first pass, ``mutmut run``) forks one worker per mutant from a
process that ran the tests once; TensorFlow's thread pools do not survive a
fork, so that pass runs only the NumPy tests (setup.cfg, ``[mutmut]``). This
module reads its verdicts (``mutants/<file>.meta``) and, for each mutant left
alive (survived, or no NumPy test reaches it), runs the TensorFlow tests that
cover its module in a fresh ``python -m pytest -x`` inside ``mutants/`` with
``MUTANT_UNDER_TEST`` naming it: mutmut's trampolines then call the mutated
function, and a failing test kills it. Verdicts are cached in
``mutants/second-pass.json`` under the mutated function's hash, so a rerun only
tests what changed.

The score of a module is killed / (mutants - equivalent), where
`equivalent.toml` lists reviewed mutants that no test can kill (each with its
reason and the hash of the function it was reviewed on; an entry whose
function changed since is reported as stale and not subtracted).

Usage: ``python -m tests.mutation.second_pass [--jobs N] [--show-survivors] [GLOB...]``,
GLOBs matching mutant names (``scratch_nn.optimizers.sgd.*``); all by default.
"""

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MUTANTS = Path("mutants")
CACHE = MUTANTS / "second-pass.json"
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
PYTHON = sys.executable
#: copied into mutants/ before the pass: what the TensorFlow tests import besides scratch_nn
COPIED = ("tests", "keras_ref")

#: mutmut's exit codes that count as killed (a failing test, pytest's internal error, a timeout).
KILLED = {1, 3, 24, -24, 36, 152, 255}
#: left alive by the NumPy pass: the TensorFlow pass tries these.
ALIVE = {0, 5, 33}

#: The TensorFlow tests run against a mutant, by the module it mutates
#: (first matching prefix). Fixed examples (test_teeth) first: they fail fastest.
TENSORFLOW_TESTS = {
    "scratch_nn/optimizers/": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                               "tests/test_vs_tensorflow_optimizers.py"],
    "scratch_nn/layers/": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                           "tests/test_vs_tensorflow_layers.py", "tests/test_vs_tensorflow_gradients.py"],
    "scratch_nn/losses.py": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                             "tests/test_vs_tensorflow_losses.py", "tests/test_vs_tensorflow_gradients.py"],
    "scratch_nn/activations.py": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                                  "tests/test_vs_tensorflow_layers.py",
                                  "tests/test_vs_tensorflow_gradients.py"],
    "scratch_nn/callbacks.py": ["tests/test_vs_tensorflow_callbacks.py", "tests/test_vs_tensorflow_training.py"],
    "scratch_nn/models.py": ["tests/test_teeth.py", "tests/test_vs_tensorflow_gradients.py",
                             "tests/test_vs_tensorflow_training.py", "tests/test_vs_tensorflow_trajectories.py",
                             "tests/test_vs_tensorflow_losses.py"],
}


def function_of(mutant):
    """The mutated function's key in a .meta file: ``xǁSGDǁupdate_step`` for ``...sgd.xǁSGDǁupdate_step__mutmut_12``."""
    return mutant.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]


def load_first_pass():
    """``{source path: (exit code by mutant, hash by function)}`` from mutmut's .meta files."""
    results = {}
    for meta in sorted(MUTANTS.glob("scratch_nn/**/*.py.meta")):
        data = json.loads(meta.read_text())
        if data["exit_code_by_key"]:
            path = str(meta.relative_to(MUTANTS))[: -len(".meta")]
            results[path] = (data["exit_code_by_key"], data["hash_by_function_name"])
    return results


def tests_for(path):
    for prefix, tests in TENSORFLOW_TESTS.items():
        if path.startswith(prefix):
            return tests
    raise KeyError(f"no TensorFlow tests are mapped to {path}; add it to TENSORFLOW_TESTS")


def run_tensorflow_tests(mutant, tests, timeout):
    """Exit code of the TensorFlow tests with `mutant` active, in a fresh process inside mutants/."""
    env = {**os.environ, "MUTANT_UNDER_TEST": mutant, "OPENBLAS_NUM_THREADS": "1",
           "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run(
            [PYTHON, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=MUTANTS, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False,
        ).returncode
    except subprocess.TimeoutExpired:
        return 36


def load_equivalent():
    """``{mutant: (function hash reviewed, reason)}`` from equivalent.toml."""
    data = tomllib.loads(EQUIVALENT.read_text())
    return {name: (entry["function_hash"], entry["reason"]) for name, entry in data.items()}


def second_pass(first, patterns, jobs, timeout, rerun=False):
    """Run the TensorFlow tests on every alive mutant matching `patterns`; returns the verdict cache.

    Cached verdicts are reused; with `rerun`, cached survivors run again (after tests were added).
    """
    for folder in COPIED:  # the tests as they are now (mutmut copied them when it ran)
        shutil.copytree(folder, MUTANTS / folder, dirs_exist_ok=True)
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    todo = []
    for path, (codes, hashes) in first.items():
        for mutant, code in codes.items():
            if code not in ALIVE or not any(fnmatch.fnmatch(mutant, p) for p in patterns):
                continue
            key = f"{mutant}@{hashes[function_of(mutant)]}"
            if key not in cache or (rerun and cache[key] not in KILLED):
                todo.append((key, mutant, tests_for(path)))
    print(f"TensorFlow pass: {len(todo)} mutants to run ({jobs} at a time)", flush=True)
    start = time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run_tensorflow_tests, mutant, tests, timeout): key for key, mutant, tests in todo}
        for done, (future, key) in enumerate(futures.items(), 1):
            cache[key] = future.result()
            CACHE.write_text(json.dumps(cache, indent=0, sort_keys=True))
            if done % 10 == 0 or done == len(todo):
                print(f"  {done}/{len(todo)} in {time.monotonic() - start:.0f} s", flush=True)
    return cache


def report(first, cache, patterns, show_survivors):
    """Print the score table (and optionally the survivors' names); return the survivors."""
    equivalent = load_equivalent()
    print(f"\n{'module':<36}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'alive':>7}{'score':>8}")
    survivors, stale = [], []
    for path, (codes, hashes) in first.items():
        total = killed = equiv = 0
        for mutant, code in codes.items():
            if code is None or not any(fnmatch.fnmatch(mutant, p) for p in patterns):
                continue  # not run by mutmut, or not asked for
            total += 1
            function_hash = hashes[function_of(mutant)]
            verdict = code if code not in ALIVE else cache.get(f"{mutant}@{function_hash}", code)
            if verdict in KILLED:
                killed += 1
            elif mutant in equivalent and equivalent[mutant][0] == function_hash:
                equiv += 1
            else:
                survivors.append(mutant)
                if mutant in equivalent:
                    stale.append(mutant)
        if total:
            killable = total - equiv
            score = f"{100 * killed / killable:.0f}%" if killable else "-"
            print(f"{path:<36}{total:>8}{killed:>8}{equiv:>8}{total - killed - equiv:>7}{score:>8}")
    if stale:
        print(f"\n{len(stale)} equivalent.toml entries are stale (their function changed): review again")
    if show_survivors:
        print("\nsurvivors (`mutmut show NAME` prints the change):")
        for name in survivors:
            print("  " + name)
    return survivors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", default=["*"], help="mutant-name globs")
    parser.add_argument("--jobs", type=int, default=1, help="TensorFlow processes at a time")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per mutant")
    parser.add_argument("--report-only", action="store_true", help="no TensorFlow pass, just the table")
    parser.add_argument("--rerun", action="store_true", help="run cached survivors again (new tests)")
    parser.add_argument("--show-survivors", action="store_true")
    args = parser.parse_args(argv)
    if not MUTANTS.is_dir():
        sys.exit("no mutants/ directory: run `mutmut run` first (make mutate does both passes)")
    first = load_first_pass()
    cache = {} if args.report_only else second_pass(first, args.patterns, args.jobs, args.timeout, args.rerun)
    if args.report_only and CACHE.exists():
        cache = json.loads(CACHE.read_text())
    report(first, cache, args.patterns, args.show_survivors)


if __name__ == "__main__":
    main()
