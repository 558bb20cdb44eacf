"""Smoke test of the benchmark script: it runs and writes its CSV, table and chart.

Nothing here is timed: the numbers depend on the machine, so the test only
checks that a quick run completes and writes every column for every row.
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
                       "--backends", "scratch_nn", "matmuls", "naive",
                       "--naive-samples", "32", "--out", str(tmp_path)])
    with open(tmp_path / "bench.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == bench.CSV_COLUMNS
        written = list(reader)
    assert len(written) == len(rows) == 2 * 3
    assert {(r["batch_size"], r["backend"]) for r in written} == {
        (bs, name) for bs in ("32", "64") for name in ("scratch_nn", "matmuls", "naive")}
    for row in written:
        assert float(row["median_s"]) > 0
        assert float(row["min_s"]) <= float(row["median_s"]) <= float(row["max_s"])
        assert float(row["gemm_gflops"]) > 0
        assert row["samples"] == "256"
    scratch = [r for r in written if r["backend"] == "scratch_nn"]
    assert all(float(r["vs_scratch_nn"]) == 1.0 for r in scratch)
    assert (tmp_path / "bench.png").stat().st_size > 0
    table = (tmp_path / "bench.md").read_text()
    assert "| scratch_nn fit |" in table and "scratch_nn / roofline" in table
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
