"""`experiments.backends.limit_threads`: BLAS threads changed in the running process.

NumPy is loaded long before these tests run, so an environment variable could
no longer change its BLAS pool; threadpoolctl can. TensorFlow's pools are
process-wide and fixed once it has run an op, so only the order of the calls
is tested for it, on a stand-in that records them.
"""

import sys
import types

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from experiments import backends


def _blas_threads():
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


@pytest.fixture
def fresh(monkeypatch):
    """No thread limit set and no Keras loaded, whatever other tests did; BLAS restored after."""
    monkeypatch.setattr(backends, "_thread_limit", [None])
    monkeypatch.setattr(backends, "_loaded", {})
    with threadpool_limits(limits=2, user_api="blas"):
        yield


def test_limit_threads_changes_the_loaded_blas_and_restores(fresh):
    if not _blas_threads():
        pytest.skip("NumPy's BLAS is not one threadpoolctl can see")
    assert _blas_threads() == {2}
    limits = backends.limit_threads(1)
    assert _blas_threads() == {1}
    assert backends.thread_limit() == 1
    assert backends.blas_threads().endswith(": 1")
    limits.restore_original_limits()
    assert _blas_threads() == {2}


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_limit_threads_refuses_a_count_that_is_not_a_positive_integer(fresh, bad):
    with pytest.raises(ValueError, match=f"threads must be an integer >= 1, got {bad!r}"):
        backends.limit_threads(bad)
    assert backends.thread_limit() is None and _blas_threads() <= {2}


class _Threading:
    """Stands in for ``tf.config.threading``; ``frozen`` as after TensorFlow's first op."""

    def __init__(self, frozen=False):
        self.intra = self.inter = 0
        self.frozen = frozen

    def get_intra_op_parallelism_threads(self):
        return self.intra

    def get_inter_op_parallelism_threads(self):
        return self.inter

    def set_intra_op_parallelism_threads(self, n):
        if self.frozen:
            raise RuntimeError("Intra op parallelism cannot be modified after initialization.")
        self.intra = n

    def set_inter_op_parallelism_threads(self, n):
        self.inter = n


def _fake_tensorflow(monkeypatch, threading):
    tf = types.SimpleNamespace(config=types.SimpleNamespace(threading=threading))
    monkeypatch.setitem(sys.modules, "tensorflow", tf)


def test_tensorflow_gets_the_limit_when_keras_is_loaded_later(fresh, monkeypatch):
    threading = _Threading()
    _fake_tensorflow(monkeypatch, threading)
    monkeypatch.setitem(backends._MODULES, "keras", "types")  # any module: import is not the point
    backends.limit_threads(1)
    assert (threading.intra, threading.inter) == (0, 0)  # nothing loaded yet: nothing touched
    backends.load("keras")
    assert (threading.intra, threading.inter) == (1, 1)
    assert backends.tensorflow_threads().startswith("intra-op 1, inter-op 1")


def test_tensorflow_that_already_ran_is_a_clear_error(fresh, monkeypatch):
    _fake_tensorflow(monkeypatch, _Threading(frozen=True))
    monkeypatch.setitem(backends._loaded, "keras", (types, 0.0))
    with pytest.raises(RuntimeError, match="cannot limit TensorFlow to 1 threads: it has already"):
        backends.limit_threads(1)


def test_thread_environment_is_read_not_written(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    monkeypatch.setenv("UNRELATED_THREADS", "9")
    text = backends.thread_environment()
    assert "OPENBLAS_CORETYPE=Haswell" in text and "UNRELATED" not in text
    assert "OPENBLAS_L2_SIZE" not in text


def test_blas_only_leaves_tensorflow_alone(fresh, monkeypatch):
    # The experiments' --blas-threads: NumPy's BLAS limited, TensorFlow's pools untouched.
    threading = _Threading()
    _fake_tensorflow(monkeypatch, threading)
    monkeypatch.setitem(backends._loaded, "keras", (types, 0.0))
    backends.limit_threads(1, tensorflow=False)
    assert (threading.intra, threading.inter) == (0, 0)
    assert backends.thread_limit() is None
    if _blas_threads():
        assert _blas_threads() == {1}


def test_experiments_command_line_takes_blas_threads():
    from experiments.__main__ import _parser

    for command in ("run-default", "run"):
        argv = [command, *(["optimizer"] if command == "run" else []), "--blas-threads", "1"]
        assert _parser().parse_args(argv).blas_threads == 1
    assert _parser().parse_args(["run-default"]).blas_threads is None
