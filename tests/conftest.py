"""Shared fixtures: Hypothesis profile, quiet TensorFlow, one BLAS thread, MNIST with skip-or-fail logic."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
#: Under pytest-xdist the workers share the cores: TensorFlow's pools run one
#: thread each in every worker (read when TensorFlow starts; the caller's own
#: setting wins), as NumPy's BLAS does below, instead of one thread per core in
#: every worker, which spin and wait for each other.
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import tests.hypothesis_profiles  # noqa: F401  (registers and loads the profile)
from scratch_nn import config
from scratch_nn.datasets import mnist as mnist_module

#: NumPy's BLAS runs on one thread for the whole session, whatever the caller's
#: OPENBLAS_NUM_THREADS says (set or not). With OpenBLAS's default of one thread
#: per core, its threads and TensorFlow's pool, in the same process, wait for each
#: other's cores: the suite took 7 min 13 s on 2 cores instead of 3 min 44 s. Nothing
#: in the suite is timed, so one thread changes no result, only the wall time.
#: (threadpoolctl changes the BLAS NumPy has already loaded; an environment
#: variable set here would come too late.) Subprocesses set their own threads.
BLAS_LIMIT = threadpool_limits(limits=1, user_api="blas")


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST arrays; skipped when absent, unless ``MNIST_REQUIRED=1`` makes it a failure."""
    if not mnist_module.available():
        message = "MNIST not found (set MNIST_DATA_DIR or fill the Keras cache)"
        if os.environ.get("MNIST_REQUIRED") == "1":
            pytest.fail(message + "; MNIST_REQUIRED=1 forbids skipping")
        pytest.skip(message)
    return mnist_module.load_data()


@pytest.fixture(autouse=True)
def _restore_floatx():
    """A test that calls ``set_floatx`` cannot leak its float type into the next one."""
    before = config.floatx()
    yield
    config.set_floatx(before)


@pytest.fixture
def rng():
    """A seeded NumPy generator for test data."""
    return np.random.default_rng(1234)
