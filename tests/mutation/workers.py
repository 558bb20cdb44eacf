"""The parent's side of :mod:`tests.mutation.tf_worker`: start, ask, time out, restart.

:class:`Worker` owns one TensorFlow process inside ``mutants/``;
:func:`verdict` turns a mutant into mutmut's exit code with the checks that
keep a reused process honest (see ``docs/TESTS.md``, mutation testing).
"""

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

MUTANTS = Path("mutants")
#: one JSON line per run, warm or fresh: what it ran and how long it took
RUN_LOG = MUTANTS / "tf-runs.jsonl"
PYTHON = sys.executable
#: the environment of every TensorFlow run, warm or fresh
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1",
              "MUTANT_UNDER_TEST": ""}
#: mutants a worker runs before it is replaced by a fresh one (TensorFlow's memory grows)
RECYCLE = 40
#: a mutant's time limit in CPU seconds of its worker: this many times its tests' clean time, and at
#: least MIN_TIMEOUT (CPU time, so that a loaded machine, which stretches the wall clock, kills nothing).
#: Generous: pytest's recorded durations leave out per-test overhead and TensorFlow's other threads, and
#: a mutant whose function every test calls (`Dense.__init__`) runs hundreds of tests.
TIMEOUT_FACTOR, MIN_TIMEOUT = 50, 600.0
#: and a wall-clock limit, for a worker that hangs without computing
WALL_LIMIT = 3600.0


class WorkerTimeout(Exception):
    pass


class Worker:
    """One ``python -m tests.mutation.tf_worker`` process; :meth:`ask` sends a request, waits for its answer."""

    def __init__(self, log):
        self.log, self.process, self.runs = log, None, 0

    def start(self):
        self.stop()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "tests.mutation.tf_worker"], cwd=MUTANTS, env={**os.environ, **WORKER_ENV},
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        self.runs = 0

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def wait_for_answer(self, timeout):
        """The answer line, or "" once the worker has used `timeout` CPU seconds (or WALL_LIMIT) on it."""
        start, wall = cpu_seconds(self.process.pid), time.monotonic()
        while not select.select([self.process.stdout], [], [], 2.0)[0]:
            if self.process.poll() is not None:
                return ""
            if cpu_seconds(self.process.pid) - start > timeout or time.monotonic() - wall > WALL_LIMIT:
                return ""
        return self.process.stdout.readline()

    def ask(self, request, timeout):
        """Send `request`; its answer. Raises WorkerTimeout past `timeout` CPU seconds (the worker is killed)."""
        if self.process is None or self.process.poll() is not None or self.runs >= RECYCLE:
            self.start()
        self.runs += 1
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.wait_for_answer(timeout)
        if not line:
            exited = self.process.poll()
            self.stop()
            if exited is None:
                raise WorkerTimeout(request)
            raise RuntimeError(f"tf_worker exited with {exited} on {request}; see {self.log}")
        answer = json.loads(line)
        log_run(request.get("mutant"), "warm", len(request["tests"]), answer["wall"], answer["cpu"], answer["exit"])
        return answer


def cpu_seconds(pid):
    """CPU time (user + system, all threads) of a running process, from Linux's /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_run(mutant, method, tests, seconds, cpu, code):
    """One line of `RUN_LOG`: wall seconds, and CPU seconds (what a loaded machine does not inflate)."""
    with open(RUN_LOG, "a") as log:
        log.write(json.dumps({"mutant": mutant, "method": method, "tests": tests, "seconds": round(seconds, 2),
                              "cpu": round(cpu, 2), "exit": code}) + "\n")


def timeout_for(tests, seconds):
    return max(MIN_TIMEOUT, TIMEOUT_FACTOR * sum(seconds.get(t, 1.0) for t in tests))


def verdict(worker, mutant, tests, seconds, fresh):
    """mutmut's exit code for `mutant` run on `tests` in `worker`, and how it was decided.

    Killed (1) only when the failing test passes again with no mutant in the
    same process; a failure that stays is retried once in a new worker.
    Survived (0) only when the mutant was called; otherwise, and on any other
    outcome, ``fresh()`` decides (the TensorFlow files in a fresh process).
    """
    for attempt in range(2):
        try:
            answer = worker.ask({"op": "run", "mutant": mutant, "tests": tests}, timeout_for(tests, seconds))
        except WorkerTimeout:
            return 36, "timeout"
        if answer["exit"] == 1 and answer.get("clean_rerun") == 0:
            return 1, "warm"
        if answer["exit"] == 0 and answer["called"]:
            return 0, "warm"
        if answer["exit"] == 1 and attempt == 0:
            worker.start()  # the failure stayed without the mutant: state left by an earlier run?
            continue
        break
    return fresh(), "fresh"
