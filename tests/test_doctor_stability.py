"""The doctor gives the same verdicts whatever the probe seed, with thread variables unset (issue 23).

A newcomer's shell sets no ``OPENBLAS_NUM_THREADS``: OpenBLAS then runs one
thread per core. `experiments.doctor_stability` diagnoses the seed's Example 1
and the healthy setup with seeds 0 and 1 in a fresh process whose environment
has the thread variables removed, on a 3,000-image subset with a 10-second
budget, and the statuses of every check and the top fix must agree. The whole
measurement (threads 1, 2 and 4, three seeds, a second training process beside
it, all eleven setups) is ``python -m experiments.doctor_stability``, recorded
in docs/DOCTOR.md.
"""

import json
import os
import subprocess
import sys

import pytest

from experiments import doctor_stability

pytestmark = pytest.mark.mnist

SETUPS = ["Example 1 as written", "healthy"]


def test_the_environment_removes_or_sets_every_thread_variable(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    unset = doctor_stability.environment(doctor_stability.UNSET)
    assert not set(doctor_stability.THREAD_VARIABLES) & set(unset)
    assert unset["OPENBLAS_CORETYPE"] == "Haswell"
    four = doctor_stability.environment("4")
    assert {four[name] for name in doctor_stability.THREAD_VARIABLES} == {"4"}


def test_the_table_marks_a_verdict_that_moved():
    rows = [{"condition": c, "setup": "healthy", "seed": 0, "top": "none",
             "checks": {"input_scale": "OK", "batch_size": status}}
            for c, status in (("unset", "OK"), ("threads=2", "WARN"))]
    text, stable = doctor_stability.table(rows, ["healthy"])
    assert not stable and "**OK** (1) / **WARN** (1)" in text
    text, stable = doctor_stability.table(rows[:1], ["healthy"])
    assert stable and "| healthy | 1 | OK | OK | none |" in text
    # The same fix with another measured rate is the same verdict, shown as a range.
    rates = [{**rows[0], "seed": seed, "top": f'learning_rate {{"learning_rate": {rate}}}'}
             for seed, rate in ((0, 0.09), (1, 0.12))]
    text, stable = doctor_stability.table(rates, ["healthy"])
    assert stable and 'learning_rate {"learning_rate": 0.09 to 0.12}' in text
    rates[1]["top"] = 'input_scale {"preprocessing": "scale"}'
    assert not doctor_stability.table(rates, ["healthy"])[1]


def test_verdicts_agree_across_seeds_with_threads_unset(mnist, tmp_path):
    env = doctor_stability.environment(doctor_stability.UNSET)
    assert not {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"} & set(env)
    command = [sys.executable, "-m", "experiments.doctor_stability", "--threads", "unset",
               "--no-load", "--setups", *SETUPS, "--seeds", "2", "--train-size", "3000",
               "--test-size", "1000", "--budget", "10", "--out", str(tmp_path)]
    result = subprocess.run(command, check=False, env=env, capture_output=True, text=True,
                            timeout=900,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    rows = doctor_stability.read(tmp_path / "verdicts.jsonl")
    assert len(rows) == 2 * len(SETUPS)
    example = [row for row in rows if row["setup"] == SETUPS[0]]
    assert {row["checks"]["input_scale"] for row in example} == {"PROBLEM"}
    assert {row["top"] for row in example} == {'input_scale {"preprocessing": "scale"}'}
    assert "Every verdict (status per check, top fix) was the same" in result.stdout, result.stdout


def test_a_line_a_worker_prints_that_is_no_verdict_is_passed_on(monkeypatch, tmp_path):
    """A worker's own output (a warning, an error's first line) reaches the user, not json.loads."""
    import io

    row = {"condition": "threads=1", "setup": "healthy", "seed": 0, "status": "OK",
           "checks": {"input_scale": "OK"}, "top": "none", "seconds": 1.0, "load": 0.5}

    class Child:
        stdout = io.StringIO("a warning from the worker\n" + json.dumps(row) + "\n")
        returncode = 0

        def __init__(self, *args, **kwargs):
            pass

        def wait(self):
            return 0

    monkeypatch.setattr(doctor_stability.subprocess, "Popen", Child)
    stream = io.StringIO()
    doctor_stability.main(["--threads", "1", "--no-load", "--setups", "healthy", "--seeds", "1",
                           "--out", str(tmp_path)], stream=stream)
    assert "a warning from the worker" in stream.getvalue()
    assert "[1/1] threads=1 | healthy | seed 0: OK" in stream.getvalue()
