"""Tests of the benchmark package's parts: model, backends, rows, tables, docs page.

Nothing here is timed: the numbers depend on the machine, so the end-to-end
test only checks that a quick run completes and writes every column for
every row. The accuracy check is tested for what makes it fair: every backend
starts from the same weights, and the summary names the right backend and
spread.
"""

import csv
import types

import numpy as np
import pytest

import scratch_nn
from experiments.bench import backends, measure, report
from experiments.bench.__main__ import main, parse_args


def test_flops_per_sample_matches_the_issue():
    # forward 2(784*128 + 128*10), kernel gradients the same, hidden gradient 2*10*128
    assert measure.FLOPS_PER_SAMPLE == 409_088
    assert measure.FLOPS_PER_SAMPLE * 60_000 == pytest.approx(24.55e9, rel=1e-3)


def test_the_benchmark_model_is_784_128_10_relu_softmax_with_adam():
    # The bench builds its model through experiments.builders; the reference here is
    # Keras built from literal arguments (the model the benchmark always timed).
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    reference = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
    reference.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model = backends.build(keras, "keras", seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [type(layer) for layer in model.layers] == [keras.layers.Flatten, *(type(d) for d in dense)]
    assert model.input_shape == (None, 28, 28)
    for ours, theirs in zip(dense, reference.layers, strict=True):
        config, expected = ours.get_config(), theirs.get_config()
        for key in ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                    "kernel_regularizer"):
            assert config[key] == expected[key], key
    def unnamed(config):
        return {key: value for key, value in config.items() if key != "name"}

    assert unnamed(model.optimizer.get_config()) == unnamed(reference.optimizer.get_config())
    assert model.loss == reference.loss
    # scratch_nn's model has the same layers and the weights every backend starts from
    ours = backends.build(scratch_nn, "scratch", seed=0)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in reference.get_weights()]
    assert type(ours.optimizer).__name__ == "Adam" and ours.optimizer.learning_rate == 1e-3


def _docs_page(tmp_path, prose_before="# Bench\n\nHow to read.\n", prose_after="\nFindings.\n"):
    page = tmp_path / "BENCH.md"
    page.write_text(f"{prose_before}{report.DOCS_BEGIN}\nold tables\n{report.DOCS_END}{prose_after}")
    return page


def test_quick_run_writes_csv_markdown_chart_and_docs(mnist, tmp_path, capsys):
    page = _docs_page(tmp_path)
    rows = main(["--quick", "--samples", "256", "--batch-sizes", "32", "64",
                 "--backends", "scratch_nn", "numpy_loop", "matmuls", "naive",
                 "--naive-samples", "32", "--out", str(tmp_path), "--docs", str(page)])
    with open(tmp_path / "bench.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == measure.CSV_COLUMNS
        written = list(reader)
    noise = [f"scratch_nn_seed{seed}" for seed in measure.NOISE_SEEDS]
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
        assert row["threads"].startswith("BLAS ")  # beside every timing
    scratch = [r for r in written if r["backend"] == "scratch_nn"]
    assert all(float(r["vs_scratch_nn"]) == 1.0 for r in scratch)
    assert (tmp_path / "bench.png").stat().st_size > 0
    table = (tmp_path / "bench.md").read_text()
    assert "| scratch_nn fit |" in table and "scratch_nn / roofline" in table
    assert "Test accuracy on 256 MNIST test images after 3 epochs" in table
    assert "- bs 64: largest difference from scratch_nn" in table
    assert "scratch_nn / plain NumPy loop" in table and "GEMM rate" in table
    assert "Threads: each framework's own choice; NumPy's BLAS: " in table
    assert table in capsys.readouterr().out
    assert page.read_text() == ("# Bench\n\nHow to read.\n" + report.DOCS_BEGIN + "\n"
                                + table.strip() + "\n" + report.DOCS_END + "\nFindings.\n")


def test_missing_backend_is_a_skipped_row(mnist, tmp_path, monkeypatch):
    def no_naive(self, warmup):
        raise backends.Skip("not here")

    monkeypatch.setattr(backends.NaiveBackend, "start", no_naive)
    rows = main(["--quick", "--samples", "128", "--batch-sizes", "64",
                 "--backends", "scratch_nn", "naive", "--out", str(tmp_path)])
    naive = next(r for r in rows if r["backend"] == "naive")
    assert naive["median_s"] == "" and naive["note"] == "not here" and naive["threads"] == ""
    assert "skipped" in (tmp_path / "bench.md").read_text()


def test_quick_shrinks_the_run_and_bad_options_are_refused(capsys):
    options = parse_args(["--quick"])
    assert (options.samples, options.epochs, options.naive_samples) == (2048, 2, 64)
    assert options.docs is None and options.threads is None
    for bad in (["--threads", "0"], ["--epochs", "0"]):
        with pytest.raises(SystemExit):
            parse_args(bad)
    assert "--threads must be >= 1, got 0" in capsys.readouterr().err


def test_plain_loop_computes_what_scratch_nn_computes():
    # The numpy_loop row is a fair floor only if it does the same arithmetic:
    # three Adam steps from the same weights on the same batches must land on
    # the same weights and losses. Adam divides by sqrt(v), so float32 rounding
    # of a near-zero gradient moves a weight by up to ~1e-3 of a step; a wrong
    # gradient moves it by a whole step (lr = 1e-3). The tolerance is 1% of a step.
    from experiments.plain_loop import PlainMLP

    rng = np.random.default_rng(0)
    model = backends.build(scratch_nn, "scratch", seed=0)
    plain = PlainMLP(model.get_weights(), backends.LEARNING_RATE)
    for _ in range(3):
        x = rng.random((16, 28, 28), dtype=np.float32)
        y = rng.integers(0, backends.SIZES[-1], 16)
        loss, y_pred = model.train_step(x, y)
        plain_loss, hits = plain.train_step(x.reshape(16, -1), y)
        assert plain_loss / 16 == pytest.approx(loss, rel=1e-5)
        assert hits == np.count_nonzero(y_pred.argmax(axis=1) == y)
    for ours, theirs in zip(plain.get_weights(), model.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=0.01 * backends.LEARNING_RATE)
    x = rng.random((64, 28, 28), dtype=np.float32)
    model.set_weights(plain.get_weights())
    predicted = model.predict(x, verbose=0).argmax(axis=1)
    y = np.where(np.arange(64) % 2 == 0, predicted, (predicted + 1) % backends.SIZES[-1])
    assert plain.accuracy(x.reshape(64, -1), y) == 0.5  # every other label is the model's own


def test_every_training_backend_starts_from_the_same_weights():
    # Keras draws its initial weights from its own generator: without
    # set_weights, its accuracy would differ from scratch_nn's by a different
    # start, not only by its shuffles.
    x = np.zeros((8, 28, 28), np.float32)
    y = np.zeros(8, np.uint8)
    expected = backends.initial_weights()
    started = [backends.KerasBackend(x, y, 8), backends.FitBackend(x, y, 8, shuffle_seed=1),
               backends.NumpyLoopBackend(x, y, 8)]
    for backend in started:
        backend.start(warmup=0)
        got = backend.model.get_weights()
        assert len(got) == len(expected)
        for ours, theirs in zip(got, expected):
            np.testing.assert_array_equal(ours, theirs)
    assert started[0].threads().startswith("TensorFlow intra-op ")


def test_accuracy_lines_name_the_farthest_backend_and_the_noise_spread():
    labels = {"scratch_nn": "scratch_nn fit", "keras": "Keras fit, default",
              "torch": "PyTorch eager", "scratch_nn_seed1": "seed 1", "scratch_nn_seed2": "seed 2"}
    accuracy = {"scratch_nn": 0.9750, "keras": 0.9741, "torch": 0.9770,
                "scratch_nn_seed1": 0.9735, "scratch_nn_seed2": 0.9762}
    by = {(32, name): {"label": labels[name], "test_accuracy": value}
          for name, value in accuracy.items()}
    lines = report.accuracy_lines(by, list(accuracy), [32])
    # torch is 0.20 points off (keras only 0.09); scratch_nn spans 0.9735-0.9762
    assert lines == [("- bs 32: largest difference from scratch_nn 0.20 points (PyTorch eager); "
                      "scratch_nn over 3 shuffle orders spans 0.27 points")]


def _timed_rows(seconds, threads=None):
    threads = threads or {}
    return {(128, name): {"label": backends.LABELS[name], "median_s": value,
                          "threads": threads.get(name, "")}
            for name, value in seconds.items()}


def test_summary_names_the_fastest_trainer_and_the_plain_loop_ratio():
    # matmuls is faster than everything but trains nothing: it never counts as fastest.
    by = _timed_rows({"scratch_nn": 1.05, "keras": 2.4, "numpy_loop": 1.0, "matmuls": 0.7,
                      "naive": 11.0})
    lines = report.summary_lines(by, list(backends.BACKENDS[:2]) + ["numpy_loop", "matmuls",
                                                                    "naive"], [128])
    assert lines == [("- bs 128: fastest plain NumPy loop, same maths; "
                      "scratch_nn / plain NumPy loop 1.050")]


def test_thread_lines_group_backends_by_the_threads_they_ran_on():
    by = _timed_rows({"scratch_nn": 1.0, "keras": 2.0, "numpy_loop": 1.0},
                     {"scratch_nn": "BLAS openblas: 1", "keras": "TensorFlow intra-op 1",
                      "numpy_loop": "BLAS openblas: 1"})
    assert report.thread_lines(by, ["scratch_nn", "keras", "numpy_loop"], [128]) == [
        "- threads, scratch_nn fit, plain NumPy loop, same maths: BLAS openblas: 1",
        "- threads, Keras fit, default: TensorFlow intra-op 1"]


def test_docs_page_keeps_its_prose_and_replaces_only_the_tables(tmp_path):
    page = _docs_page(tmp_path)
    report.write_docs(page, "new tables\n")
    assert page.read_text() == ("# Bench\n\nHow to read.\n" + report.DOCS_BEGIN
                                + "\nnew tables\n" + report.DOCS_END + "\nFindings.\n")
    report.write_docs(page, "newer")  # markers are kept, so it can be refreshed again
    assert "newer" in page.read_text() and "new tables" not in page.read_text()
    fresh = tmp_path / "docs" / "NEW.md"
    report.write_docs(fresh, "tables")
    assert fresh.read_text().startswith("# Benchmark\n\n" + report.DOCS_BEGIN + "\ntables\n")
    unmarked = tmp_path / "README.md"
    unmarked.write_text("prose only\n")
    with pytest.raises(ValueError, match="has no bench markers"):
        report.write_docs(unmarked, "tables")
    assert unmarked.read_text() == "prose only\n"
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.glob("docs/.*.tmp"))


def test_header_records_threads_and_blas_variables_without_changing_them(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("OPENBLAS_L2_SIZE", "512")
    lines = report.header_lines(["scratch_nn"], "python -m experiments.bench --quick", 0.5)
    text = "\n".join(lines)
    assert "`python -m experiments.bench --quick`" in text
    assert "OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=512" in text
    assert "NumPy's BLAS: " in text and "Load average (1 min) before / after: 0.5 / " in text
    import os

    assert (os.environ["OPENBLAS_CORETYPE"], os.environ["OPENBLAS_L2_SIZE"]) == ("Haswell", "512")


def test_measure_records_the_threads_of_every_backend_it_ran():
    x = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    y = np.arange(64) % 10
    options = types.SimpleNamespace(epochs=1, warmup=0, pause=0.0, steps_per_execution=1,
                                    naive_samples=8)
    found = measure.measure(32, ["numpy_loop", "matmuls"], ((x, y), (x[:16], y[:16])), options,
                            log=lambda line: None)
    assert set(found.threads) == {"numpy_loop", "matmuls"}
    assert all(threads.startswith("BLAS ") for threads in found.threads.values())
    assert len(found.gemm) == 1 and found.noise == {}


def test_scratch_nn_and_keras_walk_the_same_new_order_in_every_epoch():
    # Started in the bench's order (scratch_nn, then Keras, which builds its
    # weights too), each fit(epochs=1) call of both must see the same batches:
    # then, from the same weights, the weights agree to float32 rounding after
    # three calls, while a repeated order (a seeded Keras fit alone) would not.
    pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    x = rng.random((96, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 96).astype(np.uint8)
    scratch = backends.FitBackend(x, y, 16)
    keras_backend = backends.KerasBackend(x, y, 16)
    scratch.start(warmup=0)
    keras_backend.start(warmup=0)
    for _ in range(3):
        scratch.epoch()
        keras_backend.epoch()
    for ours, theirs in zip(scratch.model.get_weights(), keras_backend.model.get_weights(),
                            strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
