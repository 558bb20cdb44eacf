"""The study on Dask: its runs fanned out to a `dask.distributed` cluster.

The runs of a study are independent, so ``python -m experiments run ...
--workers N`` starts a local cluster of N worker processes with one thread
each, and ``--scheduler ADDRESS`` submits to a cluster that already runs
(``dask scheduler`` and ``dask worker`` on several machines, or any cluster
a user has). Each worker trains a run with `experiments.runner.run_one` and
returns its record; the client saves it in the store, writes runs.csv and
prints one progress line per finished run, exactly as the sequential runner
would, so workers need no shared filesystem, and a study can be interrupted
and resumed either way.

Every worker trains with one BLAS thread (``threadpoolctl`` around the run,
and the environment of local workers) and one TensorFlow thread, so that N
runs share N cores instead of fighting over them. A worker whose installed
versions of Python, scratch_nn, Keras, TensorFlow or NumPy differ from the
client's would save runs under keys they do not belong to: it is refused
with a message naming it and the versions.

Dask retries a task whose worker died on another worker (up to
``distributed.scheduler.allowed-failures`` deaths, 3 by default); a run
that raises is recorded as failed and the others go on.
"""

import contextlib
import platform
import sys
from importlib import metadata

from distributed import Client, LocalCluster, as_completed, get_worker
from threadpoolctl import threadpool_limits

from experiments import backends, hosts, runner

#: Environment of each local worker process: one thread for OpenBLAS, OpenMP,
#: MKL and TensorFlow's two pools (TensorFlow is also set through its API).
WORKER_ENV = backends.ONE_THREAD_ENVIRONMENT


class VersionMismatch(RuntimeError):
    """A worker's installed versions differ from the client's; the message names both."""


def installed_versions():
    """Python's and the checked packages' versions here ("not installed" when absent).

    Read from the installed package metadata, so that TensorFlow is not
    imported just to be checked.
    """
    import scratch_nn

    found = {"python": platform.python_version(), "scratch_nn": scratch_nn.__version__}
    for name in ("keras", "tensorflow", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def mismatch(address, expected, found):
    """The refusal message for worker ``address``, or None when its versions match."""
    differences = [f"{name} {found.get(name)} (client {version})"
                   for name, version in expected.items() if found.get(name) != version]
    if not differences:
        return None
    return f"worker {address} refused: " + ", ".join(differences)


def vet(client, expected, stream=sys.stderr):
    """The addresses of the workers whose versions match ``expected``; the rest are named and refused.

    Raises:
        VersionMismatch: no worker matches.
    """
    refusals, approved = [], []
    for address, found in client.run(installed_versions).items():
        message = mismatch(address, expected, found)
        if message:
            refusals.append(message)
            print(message, file=stream, flush=True)
        else:
            approved.append(address)
    if not approved:
        raise VersionMismatch("no worker has the client's versions ("
                              + ", ".join(f"{k} {v}" for k, v in expected.items()) + "): "
                              + "; ".join(refusals or ["the cluster has no workers"]))
    return approved, bool(refusals)


def _one_tensorflow_thread():
    import tensorflow as tf

    if tf.config.threading.get_intra_op_parallelism_threads() != 1:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # TensorFlow already ran ops in this process; the record's ``threads`` says so


def train(job, budget, expected, run_one=runner.run_one):
    """On a worker: check its versions, then train ``job`` on one thread; the run's record.

    Args:
        job: an `experiments.runner.Job`.
        budget: the study's `experiments.settings.Budget`.
        expected: the client's `installed_versions`.
        run_one: the training function (`experiments.runner.run_one`; tests
            pass a fake one).

    Raises:
        VersionMismatch: this worker's versions differ from ``expected``.
    """
    message = mismatch(get_worker().address, expected, installed_versions())
    if message:
        raise VersionMismatch(message)
    if job.backend == "keras":
        _one_tensorflow_thread()
    with threadpool_limits(1):
        record = run_one(job.experiment, job.setting, job.backend, job.seed, budget)
        record.update(hosts.where(job.backend))
    return record


@contextlib.contextmanager
def connect(workers=None, scheduler=None):
    """A Dask client: on ``scheduler`` (an address), or on a local cluster of ``workers`` processes.

    The local cluster listens on 127.0.0.1 only (its dashboard, when bokeh is
    installed, on a free port: ``client.dashboard_link``), and is shut down
    when the block ends, however it ends (Ctrl-C included).
    """
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0", env=WORKER_ENV)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_study(client, experiments, selected, budget, out, stream=sys.stderr, run_one=runner.run_one):
    """Run (or load) every run of ``experiments`` on the cluster of ``client``.

    Every run not saved under ``out`` yet is submitted at once; each record is
    saved, and its experiment's runs.csv rewritten, as soon as it comes back.
    A run that raised is recorded as failed (`experiments.runner.save_failure`).
    On an interruption the runs still queued are cancelled; those finished
    are saved already.

    Args:
        experiments: ``{name: experiment module}``, in the order they are planned.
        run_one: the training function the workers call (see `train`).

    Returns:
        ``[(label, error)]`` of the runs that failed.
    """
    expected = installed_versions()
    approved, restrict = vet(client, expected, stream)
    plans = {name: runner.jobs_of(name, module, selected, budget) for name, module in experiments.items()}
    progress = runner.Progress(sum(runner.epochs_planned(module, selected, budget)
                                   for module in experiments.values()), stream)
    done = {}
    for jobs in plans.values():
        done.update(runner.load_done(out, jobs, stream))
        runner.write_finished(out, jobs, done)
    pending = [job for jobs in plans.values() for job in jobs if done[job.key] is None]
    for job in (job for jobs in plans.values() for job in jobs if done[job.key] is not None):
        progress.skip(job.epochs)
    print(f"{len(done) - len(pending)} runs done before, loaded; {len(pending)} to train on "
          f"{len(approved)} workers", file=stream, flush=True)

    def submit(job):
        return client.submit(train, job, budget, expected, run_one, pure=False,
                             workers=approved if restrict else None, allow_other_workers=False)

    futures = {submit(job): job for job in pending}
    queue = as_completed(futures)
    failures = []
    try:
        for future in queue:
            job = futures.pop(future)
            try:
                record = future.result()
            except VersionMismatch as error:  # a worker that joined after the check
                print(error, file=stream, flush=True)
                approved, restrict = vet(client, expected, stream)
                retry = submit(job)
                futures[retry] = job
                queue.add(retry)
                continue
            except Exception as error:  # noqa: BLE001  (any error of one run is recorded; the study goes on)
                progress.finish(job.epochs, 0)
                failures.append(runner.save_failure(out, job, error, stream))
                continue
            runner.save(out, job, record)
            done[job.key] = record
            runner.write_finished(out, plans[job.experiment], done)
            progress.run(job.label, job.epochs, record)
    finally:
        client.cancel(list(futures))
    return failures
