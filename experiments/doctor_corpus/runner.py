"""Run the corpus: confirm each case in Keras, run the doctor on both versions, cache, score.

Every run is a child process (a fresh Python, as a user would start the
script), niced, from the repository root with ``PYTHONPATH`` set to it so the
scripts import ``experiments.doctor_corpus.data``. Each result is cached as
JSON under ``<out>/<case>/`` and reused on the next run (``force`` reruns),
so an interrupted run resumes where it stopped:

- ``confirm_buggy.json``, ``confirm_fixed.json``: the script trained in
  Keras; its last ``corpus-metric <value>`` line, seconds, exit status.
- ``doctor_buggy.json``, ``doctor_fixed.json``: ``python -m
  experiments.doctor --json --budget <budget> <script>``; the report, or the
  refusal (exit status 2) or the script's failure (3) with its message.

The doctor's budget is :data:`BUDGET` = 40 s, the figure of the issue's
first run, so scores compare with it; a larger network gets a subsample or
fewer probes inside that budget (the doctor's own rule), which is part of
what is measured.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from experiments.doctor_corpus import scoring
from experiments.doctor_corpus.cases import NOT_REBUILT
from experiments.store import write_atomic

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
VERSIONS = ("buggy", "fixed")
#: Seconds of probes the doctor gets per program.
BUDGET = 40.0
#: A child process is stopped after this many seconds (a hung script).
TIMEOUT = 900.0
#: The doctor's exit statuses (experiments.doctor.__main__): 0 no PROBLEM, 1 PROBLEM, 2 refused,
#: 3 the script failed.
DOCTOR_STATUS = {0: "report", 1: "report", 2: "refused", 3: "failed"}


def script(case, version):
    """Path of ``case``'s ``version`` (``"buggy"`` or ``"fixed"``) program."""
    return PROGRAMS / f"{case.name}_{version}.py"


def _environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MNIST_DATA_DIR", str(ROOT.parent / "shared" / "data" / "mnist"))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def _run(command, timeout=TIMEOUT):
    """Run ``command`` niced from the repository root; (exit status, stdout, stderr, seconds)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(["nice", "-n", "10", *command], cwd=ROOT, env=_environment(),
                              capture_output=True, text=True, timeout=timeout, check=False)
        status, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        status, out, err = "timeout", expired.stdout or "", f"stopped after {timeout:.0f} s"
        out = out.decode() if isinstance(out, bytes) else out
    return status, out, err, time.perf_counter() - start


def parse_metric(stdout):
    """The value of the last ``corpus-metric <value>`` line of ``stdout``, or None."""
    values = [line.split()[1] for line in stdout.splitlines()
              if line.startswith("corpus-metric ") and len(line.split()) == 2]
    if not values:
        return None
    try:
        return float(values[-1])
    except ValueError:
        return None


def confirm(case, version, script_args=()):
    """Train one version in Keras; the cached record (metric, seconds, exit status, output tail)."""
    args = [str(arg) for arg in script_args]
    status, out, err, seconds = _run([sys.executable, str(script(case, version)), *args])
    return {"metric": parse_metric(out), "returncode": status, "seconds": round(seconds, 1),
            "script_args": args, "tail": (out + err)[-1500:]}


def doctor(case, version, budget=BUDGET):
    """Run the doctor's script entry on one version; the cached outcome (see `scoring.score`).

    The report is written to a file (``--out``), not read from standard
    output, which the script under diagnosis may print to.
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        status, out, err, seconds = _run([sys.executable, "-m", "experiments.doctor", "--json",
                                          "--out", str(report), "--budget", str(budget),
                                          str(script(case, version))])
        text = report.read_text() if report.exists() else ""
    outcome = {"status": DOCTOR_STATUS.get(status, "failed"), "returncode": status,
               "seconds": round(seconds, 1), "report": None, "message": ""}
    if outcome["status"] == "report":
        try:
            outcome["report"] = json.loads(text)
        except json.JSONDecodeError:
            outcome.update(status="failed", message="no JSON report: " + (err or out)[-500:])
    else:
        outcome["message"] = (err or out).strip()[-1500:]
    return outcome


class Progress:
    """One line per job done: count, what, seconds, elapsed and the estimated time left."""

    def __init__(self, total):
        self.total, self.done, self.start, self.worked = total, 0, time.perf_counter(), 0

    def step(self, what, seconds, ran):
        """Count a job; ``ran`` is False for one read from the cache (not in the estimate)."""
        self.done += 1
        self.worked += ran
        elapsed = time.perf_counter() - self.start
        left = self.total - self.done
        eta = f"{elapsed / self.worked * left / 60:.1f} min" if self.worked else "?"
        cached = "" if ran else " (cached)"
        print(f"[{self.done}/{self.total}] {what}: {seconds:.0f} s{cached}; elapsed "
              f"{elapsed / 60:.1f} min, about {eta} left", flush=True)


def _cached(path, force, compute):
    """The JSON at ``path``, else ``compute()`` written there; (value, computed)."""
    if path.exists() and not force:
        return json.loads(path.read_text()), False
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(value, indent=2))
    return value, True


def run(cases, out, steps=("confirm", "doctor"), budget=BUDGET, script_args=(), force=False):
    """Confirm and score ``cases``; write ``<out>/scores.md``; return the rows.

    Args:
        cases: :class:`~experiments.doctor_corpus.cases.Case` list.
        out: output folder (cache and tables).
        steps: ``"confirm"`` (Keras runs) and/or ``"doctor"`` (doctor runs,
            only on cases the confirmation reproduced); a step left out reads
            its cached results where there are any (no steps: the table alone).
        budget: the doctor's budget per program, seconds.
        script_args: command-line arguments for every script in the Keras
            confirmation (none: the scripts' own epochs and sizes; the
            scripts read epochs first, and some a data size second, for a
            quick test).
        force: rerun what is cached.

    Returns:
        ``(case, confirmation, scored)`` per case, as `scoring.markdown` takes them.
    """
    out = Path(out)
    jobs = len(cases) * 2 * len(steps)
    progress = Progress(jobs)
    rows = []
    for case in cases:
        folder = out / case.name
        confirmation = {}
        for version in VERSIONS:
            path = folder / f"confirm_{version}.json"
            if "confirm" in steps:
                confirmation[version], ran = _cached(path, force, lambda c=case, v=version: confirm(c, v, script_args))
                progress.step(f"{case.name} {version} in Keras (metric "
                              f"{confirmation[version]['metric']})", confirmation[version]["seconds"], ran)
            else:
                confirmation[version] = json.loads(path.read_text()) if path.exists() else {"metric": None}
        scored = None
        cached = [folder / f"doctor_{version}.json" for version in VERSIONS]
        if "doctor" in steps and scoring.reproduced(case, confirmation):
            outcomes = {}
            for version, path in zip(VERSIONS, cached):
                outcomes[version], ran = _cached(path, force, lambda c=case, v=version: doctor(c, v, budget))
                progress.step(f"{case.name} {version} doctor ({outcomes[version]['status']})",
                              outcomes[version]["seconds"], ran)
            scored = scoring.score(case, outcomes["buggy"], outcomes["fixed"])
        elif "doctor" in steps:
            progress.done += 2
        elif all(path.exists() for path in cached) and scoring.reproduced(case, confirmation):
            scored = scoring.score(case, *(json.loads(path.read_text()) for path in cached))
        rows.append((case, confirmation, scored))
    table = scoring.markdown(rows, NOT_REBUILT)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "scores.md", table)
    return rows
