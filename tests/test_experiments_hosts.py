"""Where runs trained: the fields saved with each run, and the report's host groups."""

from experiments import hosts, report, store
from tests.experiments_helpers import record

#: The ranking's row of one host group: baseline SGD(0.01) against the best, Adam(0.001), whose
#: seconds are that host's own (the 5x gain holds within each host, not across them).
RANKING_ROW = ("| [the optimizer (plain SGD vs momentum, RMSprop, Adam)](#optimizer) | scratch @ {host} "
               "| SGD(0.01) | 1 | best Adam(0.001), {adam} (1.00 epochs): 5x = 2.5x epochs x 2x s/epoch |")


def runs_on(host, cpu, slower):
    """Adam reaches 97% in 1 epoch, SGD in 2.5 epochs at twice the seconds; all ``slower`` times."""
    where = {"host": host, "cpu_model": cpu, "threads": "blas 1", "gemm_gflops": 40.0 / slower}
    runs = []
    for seed in (0, 1):
        runs.append({**record("Adam(0.001)", seed=seed, val_accuracy=(0.98, 0.99), seconds=[2.0 * slower] * 2),
                     **where})
        runs.append({**record("SGD(0.01)", seed=seed, val_accuracy=(0.90, 0.95, 0.99),
                              seconds=[4.0 * slower] * 3), **where})
    for run in runs:
        run["key"] += f"-{host}"
    return runs


def test_where_fields_round_trip_through_runs_csv(tmp_path):
    runs = runs_on("a", "CPU A", 1)
    store.write_runs_csv(tmp_path / "runs.csv", runs)
    back = store.read_runs_csv(tmp_path / "runs.csv")
    assert back == runs
    assert hosts.where("scratch").keys() == set(hosts.WHERE_FIELDS)


def test_mixed_hosts_are_named_and_seconds_ranked_within_one_host(tmp_path):
    store.write_runs_csv(tmp_path / "optimizer" / "runs.csv", runs_on("a", "CPU A", 1) + runs_on("b", "CPU B", 3))
    text = report.write(tmp_path, 0.97).read_text()
    assert "**Mixed hosts.**" in text
    assert "a (CPU A): 4 runs, GEMM 40 GFLOP/s; b (CPU B): 4 runs, GEMM 13 GFLOP/s" in text
    assert RANKING_ROW.format(host="a (CPU A)", adam="2 s") in text
    assert RANKING_ROW.format(host="b (CPU B)", adam="6 s") in text


def test_one_host_keeps_plain_backends(tmp_path):
    store.write_runs_csv(tmp_path / "optimizer" / "runs.csv", runs_on("a", "CPU A", 1))
    text = report.write(tmp_path, 0.97).read_text()
    assert "Mixed hosts" not in text and " @ " not in text
    assert "| scratch | SGD(0.01) | 1 | best Adam(0.001), 2 s (1.00 epochs): 5x " in text
