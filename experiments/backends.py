"""The backends an experiment runs on, loaded lazily and timed.

A backend is a module with the Keras API: ``keras`` (TensorFlow backend) or
``scratch_nn``. The experiments call ``K.Sequential``, ``K.layers.Dense``...
on whichever module they are given, so both run the very same code. The
``naive`` implementation (`experiments.naive_loop`) is the slow reference of
the ``implementation`` experiment only.

TensorFlow is imported only when the Keras backend is first used, and how
long that import took is kept apart from the training time it would distort.

Thread limits are set in the running process, not through environment
variables read when a library loads: `limit_threads` changes the BLAS pool
NumPy already loaded (``threadpoolctl``) and TensorFlow's intra- and inter-op
pools (``tf.config.threading``), the latter as soon as TensorFlow is imported,
before its first op.
"""

import contextlib
import importlib
import math
import os
import platform
import time

import numpy as np

#: Backends every experiment runs on, in display order.
BACKENDS = ("scratch", "keras")
#: Every implementation a setting may be pinned to.
IMPLEMENTATIONS = ("naive",) + BACKENDS

_MODULES = {"scratch": "scratch_nn", "keras": "keras", "naive": "experiments.naive_loop"}
_loaded = {}
_last_trained = [None]
#: The thread count `limit_threads` set (None: each library's own choice).
_thread_limit = [None]
#: Environment variables that set threads or BLAS kernels, recorded (never changed) with timings.
THREAD_VARIABLES = ("OPENBLAS_", "OMP_", "MKL_", "TF_NUM_")
#: The environment that starts a process on one thread: OpenBLAS, OpenMP, MKL and
#: TensorFlow's two pools (for a new process; a running one uses `limit_threads`).
ONE_THREAD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                          "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
_gemm = []


def load(name):
    """The module of backend ``name``; imported on first use, with its import time.

    Returns:
        (module, seconds): seconds is the one-off import time this process
        paid for it (the same number on every call).
    """
    if name not in _loaded:
        if name == "keras":
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        start = time.perf_counter()
        module = importlib.import_module(_MODULES[name])
        _loaded[name] = (module, time.perf_counter() - start)
        if name == "keras" and _thread_limit[0] is not None:
            _limit_tensorflow(_thread_limit[0])
    return _loaded[name]


def limit_threads(n, tensorflow=True):
    """Run NumPy's BLAS (and TensorFlow) on at most ``n`` threads in this process.

    BLAS (and any OpenMP runtime already loaded) is limited at once with
    ``threadpoolctl.threadpool_limits``. With ``tensorflow``, TensorFlow's
    intra- and inter-op pools are set with ``tf.config.threading`` now if
    Keras is loaded, else right after `load` imports it (they cannot change
    once TensorFlow has run an op); without, TensorFlow keeps its own choice.
    Environment variables such as ``OPENBLAS_CORETYPE`` are left alone.

    Returns:
        the ``threadpool_limits`` object; its ``restore_original_limits()``
        gives BLAS its previous thread count back (TensorFlow keeps ``n``).
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"threads must be an integer >= 1, got {n!r}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ImportError("limiting threads needs threadpoolctl: pip install threadpoolctl "
                          "(or the project's [all] extra)") from None
    limits = threadpool_limits(limits=n)
    if tensorflow:
        _thread_limit[0] = n
        if "keras" in _loaded:
            _limit_tensorflow(n)
    return limits


def _limit_tensorflow(n):
    import tensorflow as tf

    threading = tf.config.threading
    if (threading.get_intra_op_parallelism_threads(),
            threading.get_inter_op_parallelism_threads()) == (n, n):
        return
    try:
        threading.set_intra_op_parallelism_threads(n)
        threading.set_inter_op_parallelism_threads(n)
    except RuntimeError as error:
        raise RuntimeError(f"cannot limit TensorFlow to {n} threads: it has already run ops "
                           f"in this process ({error}); limit threads before the first Keras "
                           "model is built") from None


def blas_threads():
    """NumPy's BLAS libraries and their thread counts now, e.g. ``"openblas 0.3.31 (Haswell): 1"``."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl is not installed)"
    pools = []
    for pool in threadpool_info():
        if pool["user_api"] == "blas":
            name = " ".join(filter(None, (pool["internal_api"], pool.get("version"))))
            if pool.get("architecture"):
                name += f" ({pool['architecture']})"
            pools.append(f"{name}: {pool['num_threads']}")
    return ", ".join(pools) or "none found"


def tensorflow_threads():
    """TensorFlow's intra- and inter-op pool sizes (0: TensorFlow's default), if Keras is loaded."""
    if "keras" not in _loaded:
        return None
    import tensorflow as tf

    threading = tf.config.threading
    return (f"intra-op {threading.get_intra_op_parallelism_threads()}, "
            f"inter-op {threading.get_inter_op_parallelism_threads()} (0: TensorFlow's default)")


def thread_limit():
    """The thread count `limit_threads` set for every framework, or None (BLAS alone does not count)."""
    return _thread_limit[0]


def thread_environment():
    """The thread and BLAS environment variables that are set, as ``NAME=value, ...`` (read only)."""
    return ", ".join(f"{key}={os.environ[key]}" for key in sorted(os.environ)
                     if key.startswith(THREAD_VARIABLES)) or "none set"


#: How the study orders the samples of scratch_nn and Keras runs (`experiments.order`); part
#: of every run's key, so runs trained in another order are retrained, not reloaded.
SAMPLE_ORDER = "shared-per-epoch"


def versions(name):
    """Versions of what a backend runs on, for the record (and key) of every run."""
    found = {"python": platform.python_version(), "numpy": np.__version__}
    module, _ = load(name)
    if name == "keras":
        import tensorflow as tf

        found.update(keras=module.__version__, tensorflow=tf.__version__)
    elif name == "scratch":
        found["scratch_nn"] = getattr(module, "__version__", "unknown")
    if name in BACKENDS:
        found["sample order"] = SAMPLE_ORDER
    return found


#: Side of the square float32 product `gemm_gflops` times.
GEMM_SIZE = 1024


def gemm_gflops(size=GEMM_SIZE, repeats=3):
    """This machine's float32 matrix-product rate through NumPy, in GFLOP/s (best of ``repeats``).

    A ``size x size`` product costs ``2 size^3`` floating-point operations;
    the rate is ``2 size^3 / seconds / 1e9``, with the BLAS threads the
    process runs with (``OPENBLAS_NUM_THREADS``). It says how fast the
    machine was when the study ran: the report's seconds compare only
    between runs on machines of about the same rate.
    """
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size), dtype=np.float32) for _ in range(2))
    a @ b  # the first product pays the BLAS start-up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def process_gemm_gflops():
    """`gemm_gflops` measured on the first call in this process; later calls return that number."""
    if not _gemm:
        _gemm.append(gemm_gflops())
    return _gemm[0]


def machine():
    """A short description of this machine, for the report (its GEMM rate measured once per process)."""
    return (f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPU cores, "
            f"float32 GEMM {process_gemm_gflops():.3g} GFLOP/s")


def cpu():
    """The CPU's model name (from /proc/cpuinfo on Linux), else the architecture."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


@contextlib.contextmanager
def floatx(module, dtype):
    """Build models in ``dtype`` inside the block (``set_floatx``), then restore."""
    config = getattr(module, "config", None)
    if config is None or not hasattr(config, "set_floatx"):
        config = getattr(module, "utils", None)
    if config is None or not hasattr(config, "set_floatx"):
        yield
        return
    previous = config.floatx()
    config.set_floatx(dtype)
    try:
        yield
    finally:
        config.set_floatx(previous)


def clear(module):
    """Free what the backend keeps between models (Keras's global graph state)."""
    backend = getattr(module, "backend", None)
    if backend is not None and hasattr(backend, "clear_session"):
        backend.clear_session()


def settle(name, seconds):
    """Before training on ``name``: rest ``seconds`` if the last run was Keras's.

    TensorFlow's worker threads keep spinning for a while after their last op;
    a NumPy run timed straight after would share the cores with them (the
    same pause as `experiments.bench`).
    """
    if _last_trained[0] == "keras" and name != "keras":
        time.sleep(seconds)
    _last_trained[0] = name
