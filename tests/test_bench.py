"""Smoke test of the benchmark script: it runs and writes its CSV, table and chart.

Nothing here is timed: the numbers depend on the machine, so the test only
checks that a quick run completes and writes every column for every row.
The accuracy check is tested for what makes it fair: every backend starts
from the same weights, and the summary names the right backend and spread.
"""

import csv

import pytest

from experiments import bench


def test_flops_per_sample_matches_the_issue():
    # forward 2(784*128 + 128*10), kernel gradients the same, hidden gradient 2*10*128
    assert bench.FLOPS_PER_SAMPLE == 409_088
    assert bench.FLOPS_PER_SAMPLE * 60_000 == pytest.approx(24.55e9, rel=1e-3)


def test_quick_run_writes_csv_markdown_and_chart(mnist, tmp_path, capsys):
    rows = bench.main(["--quick", "--samples", "256", "--batch-sizes", "32", "64",
                       "--backends", "scratch_nn", "numpy_loop", "matmuls", "naive",
                       "--naive-samples", "32", "--out", str(tmp_path)])
    with open(tmp_path / "bench.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == bench.CSV_COLUMNS
        written = list(reader)
    noise = [f"scratch_nn_seed{seed}" for seed in bench.NOISE_SEEDS]
    assert len(written) == len(rows) == 2 * (4 + len(noise))
    assert {(r["batch_size"], r["backend"]) for r in written} == {
        (bs, name) for bs in ("32", "64")
        for name in ("scratch_nn", "numpy_loop", "matmuls", "naive", *noise)}
    for row in written:
        trains = row["backend"] in ("scratch_nn", "numpy_loop", *noise)
        # 256 test images after 3 epochs: far above chance (10%), below 100%
        assert (0.3 < float(row["test_accuracy"]) < 1) if trains else row["test_accuracy"] == ""
        if row["backend"] in noise:
            assert row["median_s"] == ""
            continue
        assert float(row["median_s"]) > 0
        assert float(row["min_s"]) <= float(row["median_s"]) <= float(row["max_s"])
        assert float(row["gemm_gflops"]) > 0
        assert row["samples"] == "256"
    scratch = [r for r in written if r["backend"] == "scratch_nn"]
    assert all(float(r["vs_scratch_nn"]) == 1.0 for r in scratch)
    assert (tmp_path / "bench.png").stat().st_size > 0
    table = (tmp_path / "bench.md").read_text()
    assert "| scratch_nn fit |" in table and "scratch_nn / roofline" in table
    assert "Test accuracy on 256 MNIST test images after 3 epochs" in table
    assert "- bs 64: largest difference from scratch_nn" in table
    assert table in capsys.readouterr().out


def test_missing_backend_is_a_skipped_row(mnist, tmp_path, monkeypatch):
    def no_naive(self, warmup):
        raise bench.Skip("not here")

    monkeypatch.setattr(bench.NaiveBackend, "start", no_naive)
    rows = bench.main(["--quick", "--samples", "128", "--batch-sizes", "64",
                       "--backends", "scratch_nn", "naive", "--out", str(tmp_path)])
    naive = next(r for r in rows if r["backend"] == "naive")
    assert naive["median_s"] == "" and naive["note"] == "not here"
    assert "skipped" in (tmp_path / "bench.md").read_text()


def test_plain_loop_computes_what_scratch_nn_computes():
    # The numpy_loop row is a fair floor only if it does the same arithmetic:
    # three Adam steps from the same weights on the same batches must land on
    # the same weights and losses. Adam divides by sqrt(v), so float32 rounding
    # of a near-zero gradient moves a weight by up to ~1e-3 of a step; a wrong
    # gradient moves it by a whole step (lr = 1e-3). The tolerance is 1% of a step.
    import numpy as np

    import scratch_nn
    from experiments.plain_loop import PlainMLP

    rng = np.random.default_rng(0)
    model = bench._mlp(scratch_nn, seed=0)
    plain = PlainMLP(model.get_weights(), bench.LEARNING_RATE)
    for _ in range(3):
        x = rng.random((16, bench.SIZES[0]), dtype=np.float32)
        y = rng.integers(0, bench.SIZES[-1], 16)
        loss, y_pred = model.train_step(x, y)
        plain_loss, hits = plain.train_step(x, y)
        assert plain_loss / 16 == pytest.approx(loss, rel=1e-5)
        assert hits == np.count_nonzero(y_pred.argmax(axis=1) == y)
    for ours, theirs in zip(plain.get_weights(), model.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=0.01 * bench.LEARNING_RATE)
    x = rng.random((64, bench.SIZES[0]), dtype=np.float32)
    model.set_weights(plain.get_weights())
    predicted = model.predict(x, verbose=0).argmax(axis=1)
    y = np.where(np.arange(64) % 2 == 0, predicted, (predicted + 1) % bench.SIZES[-1])
    assert plain.accuracy(x, y) == 0.5  # every other label is the model's own prediction


def test_every_training_backend_starts_from_the_same_weights():
    # Keras draws its initial weights from its own generator: without
    # set_weights, its accuracy would differ from scratch_nn's by a different
    # start, not only by its shuffles.
    import numpy as np

    x = np.zeros((8, bench.SIZES[0]), np.float32)
    y = np.zeros(8, np.uint8)
    expected = bench.initial_weights()
    backends = [bench.KerasBackend(x, y, 8), bench.FitBackend(x, y, 8, shuffle_seed=1),
                bench.NumpyLoopBackend(x, y, 8)]
    for backend in backends:
        backend.start(warmup=0)
        got = backend.model.get_weights()
        assert len(got) == len(expected)
        for ours, theirs in zip(got, expected):
            np.testing.assert_array_equal(ours, theirs)


def test_accuracy_lines_name_the_farthest_backend_and_the_noise_spread():
    labels = {"scratch_nn": "scratch_nn fit", "keras": "Keras fit, default",
              "torch": "PyTorch eager", "scratch_nn_seed1": "seed 1", "scratch_nn_seed2": "seed 2"}
    accuracy = {"scratch_nn": 0.9750, "keras": 0.9741, "torch": 0.9770,
                "scratch_nn_seed1": 0.9735, "scratch_nn_seed2": 0.9762}
    by = {(32, name): {"label": labels[name], "test_accuracy": value}
          for name, value in accuracy.items()}
    lines = bench.accuracy_lines(by, list(accuracy), [32])
    # torch is 0.20 points off (keras only 0.09); scratch_nn spans 0.9735-0.9762
    assert lines == [("- bs 32: largest difference from scratch_nn 0.20 points (PyTorch eager); "
                      "scratch_nn over 3 shuffle orders spans 0.27 points")]
