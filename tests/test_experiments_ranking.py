"""The ranking of causes: baseline against best, that a censored run cannot distort.

Synthetic histories (one second per epoch), no training. Each property is
also checked on the study's former rule (`former_slowdown`: a cause ranked
by its slowest setting against its fastest, a censored run counting with the
time it trained), and fails there (``xfail(strict=True)``) where that rule
broke it.
"""

import numpy as np
import pytest

from experiments import measures
from tests.experiments_helpers import record

TARGET = 0.97


def rows_of(histories):
    """Summary rows of one backend, one run per setting: ``{label: val_accuracy list}``."""
    return measures.summarize([record(label, val_accuracy=acc) for label, acc in histories.items()], TARGET)


def new_rule(causes):
    """Cause names, first ranked first; ``causes``: ``{name: (baseline, histories)}``."""
    return measures.rank({name: {"scratch": measures.gain(rows_of(h), base)}
                          for name, (base, h) in causes.items()})


def former_slowdown(rows):
    """(slowest, fastest, factor): the ranking rule the study used before baselines."""
    reached = [row for row in rows if np.isfinite(row["seconds_to_target"])]
    if not reached:
        return None
    fastest = min(reached, key=lambda row: row["seconds_to_target"])
    trained = [row for row in rows if np.isfinite(row["seconds_to_target_lb"])]
    slowest = max(trained, key=lambda row: row["seconds_to_target_lb"])
    return slowest, fastest, slowest["seconds_to_target_lb"] / fastest["seconds_to_target"]


def old_rule(causes):
    def factor(name):
        result = former_slowdown(rows_of(causes[name][1]))
        return -1.0 if result is None else result[2]
    return sorted(causes, key=factor, reverse=True)


RULES = [new_rule, pytest.param(old_rule, marks=pytest.mark.xfail(strict=True, reason="the former rule"))]


def climb(start, step, epochs):
    """A validation accuracy rising by ``step`` per epoch from ``start``, capped below 1."""
    return [min(start + step * k, 0.999) for k in range(epochs)]


def random_cause(rng, censored_baseline):
    """(baseline, histories): a baseline, a fast setting and a random third one."""
    fast = climb(0.96, 0.01, int(rng.integers(2, 6)))
    if censored_baseline:  # a plateau below the target, however long it trains
        base = [0.9 + 0.06 * (1 - 0.5 ** k) for k in range(int(rng.integers(2, 30)))]
    else:
        base = climb(0.90, float(rng.uniform(0.002, 0.03)), 40)
    other = climb(float(rng.uniform(0.8, 0.95)), float(rng.uniform(0.0, 0.02)), int(rng.integers(2, 20)))
    return "base", {"base": base, "fast": fast, "other": other}


@pytest.mark.parametrize("rule", RULES)
def test_a_baseline_that_never_reaches_ranks_above_every_one_that_does(rule):
    rng = np.random.default_rng(0)
    for _ in range(20):
        causes = {f"cause {i}": random_cause(rng, censored_baseline=i % 2 == 0) for i in range(4)}
        order = rule(causes)
        never = [name for name in order if int(name.split()[1]) % 2 == 0]
        assert order[:len(never)] == never


def test_training_a_censored_baseline_longer_never_lowers_its_rank():
    """While it stays below the target, the cause's rank can only rise with more epochs.

    (The former rule passes this one too: it ranked by the time a censored run
    trained, which also only grows.)
    """
    rng = np.random.default_rng(1)
    for _ in range(20):
        causes = {f"cause {i}": random_cause(rng, censored_baseline=i < 2) for i in range(4)}
        base, histories = causes["cause 0"]
        before = new_rule(causes).index("cause 0")
        longer = [0.9 + 0.06 * (1 - 0.5 ** k) for k in range(len(histories["base"]) + 20)]
        causes["cause 0"] = (base, {**histories, "base": longer})
        assert new_rule(causes).index("cause 0") <= before


def pair_reported(rule, rows, baseline):
    if rule is new_rule:
        result = measures.gain(rows, baseline)
        return result["baseline"]["setting"], result["best"]["setting"]
    slowest, fastest, _ = former_slowdown(rows)
    return slowest["setting"], fastest["setting"]


@pytest.mark.parametrize("rule", RULES)
def test_the_pair_reported_is_the_baseline_and_the_best(rule):
    # batch 8 is the slowest setting, but the user's default is batch 32
    rows = rows_of({"batch 8": climb(0.80, 0.01, 30), "batch 32": climb(0.90, 0.02, 10),
                    "batch 128": climb(0.96, 0.01, 5)})
    assert pair_reported(rule, rows, "batch 32") == ("batch 32", "batch 128")


def test_gain_splits_into_epochs_and_seconds_per_epoch():
    rows = rows_of({"base": climb(0.90, 0.01, 10), "best": climb(0.96, 0.01, 5)})
    result = measures.gain(rows, "base")
    assert result["status"] == "finite"
    assert result["factor"] == pytest.approx(4.0)  # 8 epochs against 2, at 1 s each
    assert result["factor"] == pytest.approx(result["epochs_factor"] * result["epoch_time_factor"])


def test_a_baseline_that_never_reaches_is_bounded_by_the_time_it_trained():
    rows = rows_of({"base": [0.9, 0.92, 0.94, 0.95], "best": climb(0.96, 0.01, 5)})
    result = measures.gain(rows, "base")
    assert result["status"] == "baseline never" and result["factor"] is None
    assert result["bound"] == pytest.approx(4 / 2)
    assert measures.gain(rows, "missing") is None


def test_causes_with_equal_keys_share_a_rank():
    finite = {"scratch": measures.gain(rows_of({"base": climb(0.90, 0.01, 10), "best": climb(0.96, 0.01, 5)}),
                                       "base")}
    nothing = {"scratch": measures.gain(rows_of({"base": [0.5, 0.6], "best": [0.6, 0.7]}), "base")}
    ranks = measures.rank_numbers({"a": nothing, "b": finite, "c": nothing})
    assert ranks == {"a": 1, "b": 3, "c": 1}
