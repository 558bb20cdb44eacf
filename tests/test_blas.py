"""`scratch_nn.blas.warm_up`: once per process, run by every model build, result-neutral."""

import numpy as np

import scratch_nn
from scratch_nn import blas


def test_warm_up_runs_one_large_product_once(monkeypatch):
    calls = []
    real = np.matmul

    def counting(a, b, *args, **kwargs):
        calls.append(a.shape)
        return real(a, b, *args, **kwargs)

    monkeypatch.setattr(blas, "_warmed", False)
    monkeypatch.setattr(blas.np, "matmul", counting)
    blas.warm_up()
    blas.warm_up()
    assert calls == [(blas.WARM_UP_SIZE, blas.WARM_UP_SIZE)]


def test_building_a_model_warms_blas_up(monkeypatch):
    monkeypatch.setattr(blas, "_warmed", False)
    model = scratch_nn.Sequential([scratch_nn.Input((3,)), scratch_nn.layers.Dense(2)])
    assert model.built and blas._warmed
