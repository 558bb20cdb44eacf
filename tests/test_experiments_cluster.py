"""The study on Dask: a local cluster, a killed worker, an interrupted client, failures, corrupt files.

Training is made up (`tests.cluster_helpers.FakeTraining`) except in the
end-to-end test, which starts a scheduler and two workers with the ``dask``
command line, as on two machines (and a third worker with another scratch_nn
version, to be refused), and runs a small ``--quick`` study on MNIST.
"""

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from experiments import cluster, runner, store
from experiments.settings import BASE, Budget
from tests.cluster_helpers import FakeTraining, events

BUDGET = Budget(seeds=2, max_epochs=3, train_size=100, test_size=50)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    """A local cluster of two one-thread worker processes, as ``--workers 2`` starts it."""
    with cluster.connect(workers=2) as started:
        yield started


def experiment(*labels):
    return types.SimpleNamespace(SETTINGS=[BASE.replace(label=label) for label in labels])


def saved_runs(out, name="demo"):
    return sorted((out / name / "runs").glob("*.json"))


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_workers_train_on_one_thread_and_record_where(client, tmp_path):
    env = client.run(lambda: {name: os.environ.get(name) for name in cluster.WORKER_ENV})
    assert list(env.values()) == [cluster.WORKER_ENV] * 2
    failures = cluster.run_study(client, {"demo": experiment("A")}, ("scratch",), BUDGET, tmp_path,
                                 stream=io.StringIO(), run_one=FakeTraining(tmp_path / "log"))
    assert failures == []
    for path in saved_runs(tmp_path):
        record = json.loads(path.read_text())
        assert record["threads"] == "blas 1" and record["gemm_gflops"] > 0 and record["host"]
    csv_records = store.read_runs_csv(tmp_path / "demo" / "runs.csv")
    assert {r["threads"] for r in csv_records} == {"blas 1"}


def test_a_worker_with_other_versions_is_refused_by_name(client, tmp_path):
    expected = {**cluster.installed_versions(), "numpy": "0.0"}
    with pytest.raises(cluster.VersionMismatch) as refused:
        cluster.vet(client, expected, io.StringIO())
    for address in client.scheduler_info()["workers"]:
        assert address in str(refused.value)
    assert f"numpy {cluster.installed_versions()['numpy']} (client 0.0)" in str(refused.value)
    job, = runner.jobs_of("demo", experiment("A"), ("scratch",), Budget(seeds=1))
    with pytest.raises(cluster.VersionMismatch, match="worker tcp://127.0.0.1:.* refused: numpy"):
        client.submit(cluster.train, job, BUDGET, expected, FakeTraining(tmp_path / "log"), pure=False).result()


def test_a_killed_worker_run_is_retried_and_stored_once(client, tmp_path):
    log = tmp_path / "log"
    killed = []

    def kill_the_slow_run():
        wait_until(lambda: any(label == "slow" for label, *_ in events(log, "start")))
        seed, pid = next((seed, pid) for label, _, seed, pid in events(log, "start") if label == "slow")
        os.kill(int(pid), signal.SIGKILL)
        killed.extend([seed, pid])

    killer = threading.Thread(target=kill_the_slow_run)
    killer.start()
    failures = cluster.run_study(client, {"demo": experiment("A", "slow")}, ("scratch",), BUDGET, tmp_path,
                                 stream=io.StringIO(),
                                 run_one=FakeTraining(log, seconds=0.2, slow_label="slow", slow=3.0))
    killer.join()
    assert failures == [] and killed
    seed, pid = killed
    starts = [p for label, _, s, p in events(log, "start") if label == "slow" and s == seed]
    ends = [p for label, _, s, p in events(log, "end") if label == "slow" and s == seed]
    assert len(starts) == 2 and starts[0] == pid, "the killed run started again, once"
    assert len(ends) == 1 and ends[0] != pid
    assert len(saved_runs(tmp_path)) == 4
    keys = [r["key"] for r in store.read_runs_csv(tmp_path / "demo" / "runs.csv")]
    assert len(keys) == len(set(keys)) == 4
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker


def test_an_interrupted_client_stops_its_cluster_and_resumes_with_what_is_missing(client, tmp_path, request):
    log = tmp_path / "log"
    module = experiment("A", "B", "C", "D")
    main = threading.main_thread().ident

    def interrupt_after_two_runs():
        wait_until(lambda: len(saved_runs(tmp_path)) >= 2)
        signal.pthread_kill(main, signal.SIGINT)

    interrupter = threading.Thread(target=interrupt_after_two_runs)
    # Python's own Ctrl-C handler: a process started in the background by a
    # non-interactive shell inherits SIGINT ignored, and would never raise.
    previous_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, previous_handler))
    with pytest.raises(KeyboardInterrupt), cluster.connect(workers=2) as own:
        pids = list(own.run(os.getpid).values())
        interrupter.start()
        cluster.run_study(own, {"demo": module}, ("scratch",), BUDGET, tmp_path, stream=io.StringIO(),
                          run_one=FakeTraining(log, seconds=0.5))
    interrupter.join()
    for pid in pids:  # the cluster of the interrupted study is shut down
        wait_until(lambda pid=pid: not _alive(pid))
    before = {json.loads(path.read_text())["key"] for path in saved_runs(tmp_path)}
    assert 2 <= len(before) < 8
    log.unlink()
    cluster.run_study(client, {"demo": module}, ("scratch",), BUDGET, tmp_path, stream=io.StringIO(),
                      run_one=FakeTraining(log))
    trained = events(log, "start")
    assert len(trained) == 8 - len(before), "only the missing runs are trained"
    assert len(saved_runs(tmp_path)) == 8


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_run_that_raises_is_recorded_failed_and_the_rest_goes_on(client, tmp_path):
    stream = io.StringIO()
    failures = cluster.run_study(client, {"demo": experiment("A", "bad")}, ("scratch",), Budget(seeds=1),
                                 tmp_path, stream=stream, run_one=FakeTraining(tmp_path / "log"))
    assert [label for label, _ in failures] == ["[2/2] demo | bad | scratch | seed 0"]
    assert "ValueError: bad setting 'bad': made to fail" in failures[0][1]
    failed, = (tmp_path / "demo" / "failed").glob("*.json")
    saved = json.loads(failed.read_text())
    assert saved["setting"] == "bad" and "Traceback" in saved["error"] and "made to fail" in saved["error"]
    assert str(failed) in stream.getvalue()
    assert [r["setting"] for r in store.read_runs_csv(tmp_path / "demo" / "runs.csv")] == ["A"]


def test_a_run_that_raises_in_the_sequential_runner_is_recorded_too(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "run_one", FakeTraining(tmp_path / "log"))
    failures = []
    records = runner.run_experiment("demo", experiment("bad", "A"), ("scratch",), Budget(seeds=1), tmp_path,
                                    stream=io.StringIO(), failures=failures)
    assert [r["setting"] for r in records] == ["A"] and len(failures) == 1
    assert len(list((tmp_path / "demo" / "failed").glob("*.json"))) == 1


def test_a_corrupt_run_file_is_named_and_trained_again(client, tmp_path):
    log = tmp_path / "log"
    module = {"demo": experiment("A", "B")}
    cluster.run_study(client, module, ("scratch",), BUDGET, tmp_path, stream=io.StringIO(),
                      run_one=FakeTraining(log))
    first, second, *_ = saved_runs(tmp_path)
    first.write_text(first.read_text()[:40])  # cut short, as by a full disk
    second.write_text("{}")  # JSON, but no run
    log.unlink()
    stream = io.StringIO()
    cluster.run_study(client, module, ("scratch",), BUDGET, tmp_path, stream=stream, run_one=FakeTraining(log))
    for path in (first, second):
        assert f"corrupt run file, training it again: {path}" in stream.getvalue()
        assert json.loads(path.read_text())["key"] == path.stem
    assert len(events(log, "start")) == 2, "only the corrupt runs are trained again"


@pytest.mark.mnist
def test_a_dask_command_line_cluster_runs_a_quick_study(mnist, tmp_path):
    # No thread variables, and workers without a nanny (which would set them): the
    # one BLAS thread of every run comes from the study's own pinning.
    env = {name: value for name, value in os.environ.items() if not name.endswith("_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT)
    dask = [sys.executable, "-m", "dask"]
    address_file = tmp_path / "scheduler.json"
    started = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                        "--scheduler-file", str(address_file)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait_until(address_file.exists)
        address = json.loads(address_file.read_text())["address"]
        # A third worker runs where another scratch_nn version comes first on its path: it must be refused.
        other = tmp_path / "other"
        (other / "scratch_nn").mkdir(parents=True)
        (other / "scratch_nn" / "__init__.py").write_text('__version__ = "0.0-other"\n')
        for cwd in (ROOT, ROOT, other):
            started.append(subprocess.Popen(
                dask + ["worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--no-nanny"],
                cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address) as watcher:
            watcher.wait_for_workers(3, timeout=120)
        out = tmp_path / "results"
        done = subprocess.run(
            [sys.executable, "-m", "experiments", "run", "learning_rate", "--quick", "--backend", "scratch",
             "--train-size", "300", "--test-size", "100", "--epochs", "1", "--scheduler", address,
             "--out", str(out)],
            check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "4 to train on 2 workers" in done.stderr
        assert re.search(r"worker tcp://127\.0\.0\.1:\d+ refused: scratch_nn 0\.0-other \(client [\d.]+\)",
                         done.stderr)
        assert len(saved_runs(out, "learning_rate")) == 4 and (out / "REPORT.md").exists()
        assert {r["threads"] for r in store.read_runs_csv(out / "learning_rate" / "runs.csv")} == {"blas 1"}
    finally:
        for process in reversed(started):
            process.terminate()
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker still trying to reach the stopped scheduler
                process.kill()
                process.wait(timeout=30)
