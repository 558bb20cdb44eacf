"""The backends an experiment runs on, loaded lazily and timed.

A backend is a module with the Keras API: ``keras`` (TensorFlow backend) or
``scratch_nn``. The experiments call ``K.Sequential``, ``K.layers.Dense``...
on whichever module they are given, so both run the very same code. The
``naive`` implementation (`experiments.naive_loop`) is the slow reference of
the ``implementation`` experiment only.

TensorFlow is imported only when the Keras backend is first used, and how
long that import took is kept apart from the training time it would distort.
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
    return _loaded[name]


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


def machine():
    """A short description of this machine, for the report (its GEMM rate measured once per process)."""
    if not _gemm:
        _gemm.append(gemm_gflops())
    return (f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPU cores, "
            f"float32 GEMM {_gemm[0]:.3g} GFLOP/s")


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
