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
import time

import numpy as np

#: Fields `where` adds to every run record (also columns of runs.csv).
WHERE_FIELDS = ("host", "cpu_model", "threads", "gemm_gflops")
#: Side of the float32 product timed for ``gemm_gflops`` (as `experiments.bench` times it).
GEMM_N = 1024

_gemm = []


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (Linux), else `platform.processor()`."""
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def gemm_gflops(n=GEMM_N, repeats=3):
    """Float32 ``n x n x n`` matmul rate of this process in GFLOP/s, measured on the first call.

    ``2 n^3`` floating-point operations over the best of ``repeats`` timed
    products, after one untimed product; later calls return the same number.
    """
    if not _gemm:
        a = np.ones((n, n), np.float32)
        out = np.empty_like(a)
        np.matmul(a, a, out=out)
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            np.matmul(a, a, out=out)
            best = min(best, time.perf_counter() - start)
        _gemm.append(2 * n**3 / best / 1e9)
    return _gemm[0]


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
    return {"host": platform.node(), "cpu_model": cpu_model(), "threads": threads(backend),
            "gemm_gflops": round(gemm_gflops(), 1)}


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
