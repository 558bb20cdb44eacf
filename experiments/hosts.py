"""Where a run ran (host, CPU model, threads, GEMM rate), and the report's host groups.

Seconds measured on two machines are not comparable, so every saved run
records the host it trained on, that host's CPU model, the threads its
matrix products and TensorFlow ops used, and the float32 GEMM rate of the
process that trained it (measured once per process: once per Dask worker,
once for a sequential study). The report ranks seconds only among runs of
one host group (same host and CPU model); epochs to a target do not depend
on the machine.
"""

import os
import platform
import sys

import numpy as np

from experiments import backends

#: Fields `where` adds to every run record (also columns of runs.csv).
WHERE_FIELDS = ("host", "cpu_model", "threads", "gemm_gflops")
def threads(backend):
    """The threads a run on ``backend`` uses: BLAS threads, and TensorFlow's for Keras.

    BLAS threads come from ``threadpoolctl`` when it is installed (else from
    ``OPENBLAS_NUM_THREADS``, "?" when unset); TensorFlow's intra-op setting 0
    means its default, one per core.
    """
    try:
        from threadpoolctl import threadpool_info

        counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
        text = f"blas {max(counts)}" if counts else "blas ?"
    except ImportError:
        text = f"blas {os.environ.get('OPENBLAS_NUM_THREADS', '?')}"
    tf = sys.modules.get("tensorflow")  # imported by the Keras run itself; never imported here
    if backend == "keras" and tf is not None:
        intra = tf.config.threading.get_intra_op_parallelism_threads()
        text += f", tf {intra or 'default'}"
    return text


def where(backend):
    """The `WHERE_FIELDS` of a run on ``backend`` trained in this process."""
    return {"host": platform.node(), "cpu_model": backends.cpu(), "threads": threads(backend),
            "gemm_gflops": round(backends.process_gemm_gflops(), 1)}


def group(record):
    """A run's host group: ``"host (CPU model)"``; "unknown host" for runs saved without it."""
    if not record.get("host"):
        return "unknown host"
    return f"{record['host']} ({record['cpu_model']})"


def split_backends(records):
    """Records as the report ranks them: the backend named with its host when hosts mix.

    With one host group the records are returned as they are. With several,
    each copy's ``backend`` becomes ``"scratch @ host (CPU)"``, so every table,
    finding and ranking pool holds the runs of a single host group, and
    seconds are compared only within it.
    """
    if len({group(r) for r in records}) < 2:
        return records
    return [{**r, "backend": f"{r['backend']} @ {group(r)}"} for r in records]


def note(records):
    """Report lines saying which hosts the seconds come from, when more than one."""
    groups = {}
    for record in records:
        groups.setdefault(group(record), []).append(record)
    if len(groups) < 2:
        return []
    parts = []
    for name, runs in groups.items():
        rates = [r["gemm_gflops"] for r in runs if r.get("gemm_gflops") is not None]
        rate = f", GEMM {float(np.median(rates)):.0f} GFLOP/s" if rates else ""
        parts.append(f"{name}: {len(runs)} runs{rate}")
    return ["**Mixed hosts.** The runs come from more than one host or CPU model ("
            + "; ".join(parts) + "). Seconds are compared only within one host group: each "
            "table and ranking lists a backend once per host (`backend @ host`). Epochs to "
            "the target do not depend on the machine.", ""]
