"""The TensorFlow pass over mutmut's survivors, and the score per module.

mutmut 3 (first pass, ``mutmut run``) forks one worker per mutant from a
process that ran the tests once; TensorFlow's thread pools do not survive a
fork, so that pass runs only the NumPy tests (setup.cfg, ``[mutmut]``). This
module reads its verdicts (``mutants/<file>.meta``) and, for each mutant left
alive (survived, or no NumPy test reaches it), runs the TensorFlow tests that
call its function (recorded once, :func:`call_maps`) with ``pytest -x`` in a
TensorFlow process kept alive from mutant to mutant (:mod:`tests.mutation.tf_worker`,
checks in :func:`tests.mutation.workers.verdict`), with ``MUTANT_UNDER_TEST``
naming it: mutmut's trampolines then call the mutated function, and a
failing test kills it. ``--fresh`` runs all the module's TensorFlow files in
a fresh ``python -m pytest -x`` per mutant instead. Verdicts are cached in
``mutants/second-pass.json`` under the mutated function's hash, so a rerun only
tests what changed.

The score of a module is killed / (mutants - equivalent), where
`equivalent.toml` lists reviewed mutants that no test can kill (each with its
reason and the hash of the function it was reviewed on; an entry whose
function changed since is reported as stale and not subtracted).

Usage: ``python -m tests.mutation.second_pass [--jobs N] [--fresh] [--rerun] [--show-survivors] [GLOB...]``,
GLOBs matching mutant names (``scratch_nn.optimizers.sgd.*``); all by default.
"""

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.mutation.workers import (
    MUTANTS,
    PYTHON,
    WALL_LIMIT,
    WORKER_ENV,
    Worker,
    cpu_seconds,
    log_run,
    verdict,
)

CACHE = MUTANTS / "second-pass.json"
CALLS = MUTANTS / "tf-calls.json"
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
#: copied into mutants/ before the pass: what the TensorFlow tests import besides scratch_nn
COPIED = ("tests", "keras_ref")

#: mutmut's exit codes that count as killed (a failing test, pytest's internal error, a timeout).
KILLED = {1, 3, 24, -24, 36, 152, 255}
#: left alive by the NumPy pass: the TensorFlow pass tries these.
ALIVE = {0, 5, 33}

#: the layers' and the activations' files (one list: one recorded call map for both)
LAYER_TESTS = ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py", "tests/test_vs_tensorflow_layers.py",
               "tests/test_vs_tensorflow_gradients.py", "tests/test_vs_tensorflow_weights_and_constraints.py",
               "tests/test_model_api.py", "tests/test_vs_tensorflow_backend_ops.py"]
#: the callbacks' files (callback_base.py holds History and CallbackList)
CALLBACK_TESTS = ["tests/test_vs_tensorflow_callbacks.py", "tests/test_vs_tensorflow_training.py"]
#: the model's files: the network, the trainer and Sequential (once models.py)
MODEL_TESTS = ["tests/test_teeth.py", "tests/test_vs_tensorflow_gradients.py",
               "tests/test_vs_tensorflow_training.py", "tests/test_vs_tensorflow_trajectories.py",
               "tests/test_vs_tensorflow_losses.py"]
#: The TensorFlow tests run against a mutant, by the module it mutates
#: (first matching prefix). A mutant runs only those of their tests that call
#: its function, so a file added here costs one recording run.
TENSORFLOW_TESTS = {
    "scratch_nn/optimizers/": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                               "tests/test_vs_tensorflow_optimizers.py", "tests/test_vs_tensorflow_nadam_schedules.py",
                               "tests/test_optimizer_validation.py"],
    "scratch_nn/layers/": LAYER_TESTS,
    "scratch_nn/losses.py": ["tests/test_teeth.py", "tests/test_vs_tensorflow_defaults.py",
                             "tests/test_vs_tensorflow_losses.py", "tests/test_vs_tensorflow_gradients.py",
                             "tests/test_vs_tensorflow_binary_crossentropy.py",
                             "tests/test_vs_tensorflow_metric_objects.py",
                             "tests/test_vs_tensorflow_keras_api_training.py"],
    "scratch_nn/activations.py": LAYER_TESTS,
    "scratch_nn/callbacks.py": CALLBACK_TESTS,
    "scratch_nn/callback_base.py": CALLBACK_TESTS,
    "scratch_nn/network.py": MODEL_TESTS,
    "scratch_nn/trainer.py": MODEL_TESTS,
    "scratch_nn/sequential.py": MODEL_TESTS,
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


def run_fresh(mutant, tests, timeout):
    """Exit code of the TensorFlow test files with `mutant` active, in a fresh process inside mutants/."""
    env = {**os.environ, **WORKER_ENV, "MUTANT_UNDER_TEST": mutant}
    start = time.monotonic()
    process = subprocess.Popen([PYTHON, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                               cwd=MUTANTS, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timed_out = False
    while True:  # wait4: the child's own CPU time, whatever else the machine runs
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if not timed_out and (cpu_seconds(process.pid) > timeout or time.monotonic() - start > WALL_LIMIT):
            process.kill()
            timed_out = True
        time.sleep(0.5)
    process.returncode = code = 36 if timed_out else os.waitstatus_to_exitcode(status)
    log_run(mutant, "fresh", len(tests), time.monotonic() - start, usage.ru_utime + usage.ru_stime, code)
    return code


def load_equivalent():
    """``{mutant: (function hash reviewed, reason)}`` from equivalent.toml."""
    data = tomllib.loads(EQUIVALENT.read_text())
    return {name: (entry["function_hash"], entry["reason"]) for name, entry in data.items()}


def merge_into(path, entries):
    """Add `entries` to the JSON dict in `path`, atomically (temp file, then rename).

    Read again just before writing, so that two passes over different modules
    at once keep each other's entries.
    """
    stored = json.loads(path.read_text()) if path.exists() else {}
    stored.update(entries)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(stored, indent=0, sort_keys=True))
    temporary.replace(path)
    return stored


def source_digest():
    """A digest of the code the TensorFlow tests run in mutants/ (a changed test records its calls again)."""
    digest = hashlib.sha256()
    for folder in ("scratch_nn", *COPIED):
        for path in sorted((MUTANTS / folder).rglob("*.py")):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def call_maps(groups, worker):
    """``{test files: which of their tests call each mutated function}``, recorded once per code digest."""
    stored = json.loads(CALLS.read_text()) if CALLS.exists() else {}
    digest, maps = source_digest(), {}
    for group in groups:
        key = f"{' '.join(group)}@{digest}"
        if key not in stored:
            print(f"recording which tests call each function: {' '.join(group)}", flush=True)
            start = time.monotonic()
            answer = worker.ask({"op": "record", "tests": list(group)}, timeout=3 * 3600)
            if answer["exit"] != 0:
                sys.exit(f"the TensorFlow tests fail with no mutant active (pytest exit {answer['exit']}): "
                         f"{' '.join(group)}")
            print(f"  {len(answer['calls'])} functions called, in {time.monotonic() - start:.0f} s", flush=True)
            stored = merge_into(CALLS, {key: answer})
        maps[group] = stored[key]
    return maps


def second_pass(first, patterns, jobs, timeout, rerun=False, fresh=False, cache_path=CACHE):
    """Run the TensorFlow tests on every alive mutant matching `patterns`; returns the verdict cache.

    Each mutant runs, in a warm worker, only the tests that call its function
    (none: no TensorFlow test can kill it, code 33). With `fresh`, every
    mutant runs all the files mapped to its module in a fresh process
    instead (the slow reference). Cached verdicts are reused; with `rerun`,
    cached survivors run again (after tests were added).
    """
    for folder in COPIED:  # the tests as they are now (mutmut copied them when it ran)
        shutil.copytree(folder, MUTANTS / folder, dirs_exist_ok=True)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    todo = []
    for path, (codes, hashes) in first.items():
        for mutant, code in codes.items():
            if code not in ALIVE or not any(fnmatch.fnmatch(mutant, p) for p in patterns):
                continue
            key = f"{mutant}@{hashes[function_of(mutant)]}"
            if key not in cache or (rerun and cache[key] not in KILLED):
                todo.append((key, mutant, tuple(tests_for(path))))
    print(f"TensorFlow pass: {len(todo)} mutants to run ({jobs} at a time, "
          f"{'fresh process each' if fresh else 'warm workers'})", flush=True)
    workers, local = [], threading.local()

    def worker():
        if not hasattr(local, "worker"):
            local.worker = Worker(MUTANTS / f"tf-worker-{len(workers)}.log")
            workers.append(local.worker)
        return local.worker

    maps = {} if fresh or not todo else call_maps(sorted({group for _, _, group in todo}), worker())

    def decide(mutant, group):
        if fresh:
            return run_fresh(mutant, group, timeout), "fresh"
        calls, function = maps[group], mutant.rsplit("__mutmut_", 1)[0]
        if function in calls["outside"]:  # called at import: only a fresh process sees the mutant there
            return run_fresh(mutant, group, timeout), "fresh"
        tests = calls["calls"].get(function)
        if not tests:
            return 33, "no test calls it"
        return verdict(worker(), mutant, tests, calls["seconds"], lambda: run_fresh(mutant, group, timeout))

    start, how = time.monotonic(), Counter()
    try:
        with ThreadPoolExecutor(jobs) as pool:
            futures = {pool.submit(decide, mutant, group): key for key, mutant, group in todo}
            for done, (future, key) in enumerate(futures.items(), 1):
                cache[key], method = future.result()
                how[method] += 1
                merge_into(cache_path, {key: cache[key]})
                if done % 10 == 0 or done == len(todo):
                    print(f"  {done}/{len(todo)} in {time.monotonic() - start:.0f} s", flush=True)
    finally:
        for each in workers:
            each.stop()
    if todo:
        print("  decided by: " + ", ".join(f"{method} {n}" for method, n in how.most_common()), flush=True)
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
    parser.add_argument("--timeout", type=float, default=600.0, help="CPU seconds per mutant in a fresh process")
    parser.add_argument("--fresh", action="store_true",
                        help="every mutant in a fresh process on all its module's TensorFlow files (slow)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="the verdict cache (JSON)")
    parser.add_argument("--report-only", action="store_true", help="no TensorFlow pass, just the table")
    parser.add_argument("--rerun", action="store_true", help="run cached survivors again (new tests)")
    parser.add_argument("--show-survivors", action="store_true")
    args = parser.parse_args(argv)
    if not MUTANTS.is_dir():
        sys.exit("no mutants/ directory: run `mutmut run` first (make mutate does both passes)")
    first = load_first_pass()
    if args.report_only:
        cache = json.loads(args.cache.read_text()) if args.cache.exists() else {}
    else:
        cache = second_pass(first, args.patterns, args.jobs, args.timeout, args.rerun, args.fresh, args.cache)
    report(first, cache, args.patterns, args.show_survivors)


if __name__ == "__main__":
    main()
