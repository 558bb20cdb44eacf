"""Time to target and its aggregation over seeds, on hand-made histories."""

import math

import pytest

from experiments import measures
from tests.experiments_helpers import record


def test_epochs_to_target_interpolates_inside_the_crossing_epoch():
    # Crossed during epoch 3: 2 + (0.97 - 0.95) / (0.99 - 0.95) = 2.5.
    assert measures.epochs_to_target([0.90, 0.95, 0.99], 0.97) == pytest.approx(2.5)


def test_epochs_to_target_exact_hit_and_first_epoch():
    assert measures.epochs_to_target([0.90, 0.97, 0.99], 0.97) == pytest.approx(2.0)
    # No measurement before epoch 1, so no interpolation there.
    assert measures.epochs_to_target([0.98, 0.99], 0.97) == 1.0


def test_epochs_to_target_never_reached_and_nan():
    assert measures.epochs_to_target([0.5, 0.96, 0.969], 0.97) is None
    assert measures.epochs_to_target([math.nan, math.nan], 0.97) is None
    # After a NaN there is nothing to interpolate from: the whole epoch counts.
    assert measures.epochs_to_target([0.9, math.nan, 0.98], 0.97) == 3.0


def test_steady_seconds_removes_only_the_first_epoch_excess():
    seconds = [5.0, 1.0, 2.0, 1.5]
    assert measures.seconds_per_epoch(seconds) == 1.5
    assert measures.steady_seconds(seconds) == [1.5, 1.0, 2.0, 1.5]
    # A first epoch faster than the median stays as measured.
    assert measures.steady_seconds([0.5, 1.0, 1.0]) == [0.5, 1.0, 1.0]
    assert measures.seconds_per_epoch([3.0]) == 3.0


def test_seconds_at_a_fractional_epoch():
    # Two whole epochs (1 + 2) and half of the third (0.5 * 4).
    assert measures.seconds_at([1.0, 2.0, 4.0], 2.5) == pytest.approx(5.0)
    assert measures.seconds_at([1.0, 2.0, 4.0], 1.0) == pytest.approx(1.0)


def test_run_measures_of_a_reached_run():
    run = record("A", val_accuracy=(0.90, 0.95, 0.99), seconds=[4.0, 1.0, 3.0],
                 val_loss=[0.3, 0.2, 0.25])
    m = measures.run_measures(run, 0.97)
    assert m["reached"] and not m["diverged"]
    assert m["epochs_to_target"] == pytest.approx(2.5)
    # Steady seconds [2, 1, 3] (first epoch capped at the median 2): 2 + 1 + 0.5 * 3.
    assert m["seconds_to_target"] == pytest.approx(4.5)
    assert m["seconds_to_target_lb"] == pytest.approx(4.5)
    assert m["first_epoch_overhead_s"] == pytest.approx(2.0)
    assert m["total_seconds"] == pytest.approx(6.0)
    assert m["best_epoch"] == 2
    assert m["best_val_accuracy"] == 0.99
    assert m["gap"] == pytest.approx(0.01)


def test_run_measures_of_unreached_and_diverged_runs():
    slow = measures.run_measures(record("B", val_accuracy=(0.5, 0.6), seconds=[1.0, 1.0]), 0.97)
    assert not slow["reached"] and slow["seconds_to_target"] is None
    assert slow["seconds_to_target_lb"] == pytest.approx(2.0)
    nan = measures.run_measures(record("C", val_accuracy=(0.1, 0.1), loss=[math.nan, math.nan]), 0.97)
    assert nan["diverged"] and math.isinf(nan["seconds_to_target_lb"])


def test_summarize_median_and_spread_over_seeds_counting_unreached_as_infinite():
    runs = [
        record("A", seed=0, val_accuracy=(0.96, 0.98), seconds=[1.0, 1.0]),  # 1.5 epochs
        record("A", seed=1, val_accuracy=(0.98, 0.99), seconds=[1.0, 1.0]),  # 1 epoch
        record("A", seed=2, val_accuracy=(0.50, 0.60), seconds=[1.0, 1.0]),  # never
    ]
    (row,) = measures.summarize(runs, 0.97)
    assert (row["runs"], row["reached"], row["diverged"]) == (3, 2, 0)
    assert row["epochs_to_target"] == pytest.approx(1.5)
    assert row["epochs_to_target_min"] == pytest.approx(1.0)
    assert math.isinf(row["epochs_to_target_max"])
    # Lower bounds 1.5, 1.0 and 2.0 (the unreached seed's time trained).
    assert row["seconds_to_target_lb"] == pytest.approx(1.5)
    two = measures.summarize(runs[1:], 0.97)[0]
    assert math.isinf(two["seconds_to_target"])


def test_summarize_keeps_plan_order_and_splits_backends():
    runs = [record("B"), record("A"), record("B", backend="keras")]
    rows = measures.summarize(runs, 0.97)
    assert [(r["setting"], r["backend"]) for r in rows] == [("B", "scratch"), ("A", "scratch"), ("B", "keras")]


def test_value_or_bound():
    rows = measures.summarize([record("A", val_accuracy=(0.5, 0.6), seconds=[1.0, 2.0]),
                               record("B", val_accuracy=(0.1,), loss=[math.nan])], 0.97)
    # Trained 1 + 2 seconds without reaching the target: 3 s is the bound.
    assert measures.value_or_bound(rows[0], "seconds_to_target") == (pytest.approx(3.0), "not reached")
    assert measures.value_or_bound(rows[0], "epochs_to_target") == (2, "not reached")
    assert measures.value_or_bound(rows[1], "seconds_to_target") == (None, "diverged")
    assert measures.value_or_bound(rows[0], "test_accuracy")[1] == "ok"
