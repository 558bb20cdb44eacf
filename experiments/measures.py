"""From per-epoch histories to the study's numbers: epochs and seconds to target.

Slow convergence (many epochs) and slow execution (many seconds per epoch)
are different causes, so every run is measured both ways:

- epochs to target: the first epoch whose validation accuracy reaches the
  target, interpolated linearly inside the epoch where it is crossed;
- seconds to target: the wall time of training up to that (fractional) epoch,
  with the first epoch's one-off overhead (graph tracing, warm-up) removed;
- seconds per epoch: the median epoch time, first epoch excluded.

Across seeds, `summarize` gives the median with the min and max, and counts
the seeds that reached the target. A run that never reached it has no time to
target, only a lower bound: the time it trained for.
"""

import math

import numpy as np

#: Per-run measures that `summarize` aggregates over seeds (median, min, max).
METRICS = (
    "epochs_to_target", "seconds_to_target", "seconds_to_target_lb", "seconds_per_epoch",
    "first_epoch_overhead_s", "build_s", "import_s", "total_seconds", "epochs_run",
    "best_val_accuracy", "best_epoch", "gap", "test_accuracy",
)


def _finite(value):
    return value is not None and math.isfinite(value)


def epochs_to_target(val_accuracy, target):
    """The (fractional) epoch at which validation accuracy first reaches ``target``.

    ``val_accuracy[k-1]`` is measured at the end of epoch k. If it is first
    reached at epoch k > 1, the crossing is interpolated between epochs k-1 and k:

        e = (k - 1) + (target - a[k-1]) / (a[k] - a[k-1])

    Reaching it in epoch 1 gives 1.0: there is no earlier measurement to
    interpolate from (accuracy at epoch 0 is not recorded).

    Returns:
        float in (0, len], or None when the target is never reached.
    """
    previous = None
    for epoch, accuracy in enumerate(val_accuracy, start=1):
        if _finite(accuracy) and accuracy >= target:
            if previous is None or epoch == 1:
                return float(epoch)
            return (epoch - 1) + (target - previous) / (accuracy - previous)
        previous = accuracy if _finite(accuracy) else None
    return None


def seconds_per_epoch(seconds):
    """Median epoch wall time, the first (warm-up) epoch excluded when there are others."""
    return float(np.median(seconds[1:] if len(seconds) > 1 else seconds))


def steady_seconds(seconds):
    """Epoch times with the first epoch's excess over `seconds_per_epoch` removed."""
    steady = list(seconds)
    steady[0] = min(steady[0], seconds_per_epoch(seconds))
    return steady


def seconds_at(seconds, epoch):
    """Training time at fractional ``epoch``: whole epochs summed, then a fraction of the next.

        t(e) = sum(s[:floor]) + (e - floor) * s[floor],   floor = ceil(e) - 1
    """
    whole = math.ceil(epoch) - 1
    return float(sum(seconds[:whole]) + (epoch - whole) * seconds[whole])


def _lower_bound(steady, epochs, diverged):
    """Seconds to target if reached; else the time trained (inf when it diverged)."""
    if epochs is not None:
        return seconds_at(steady, epochs)
    return math.inf if diverged else float(sum(steady))


def run_measures(record, target):
    """The measures of one run record (see `METRICS`), plus ``reached`` and ``diverged``."""
    history = record["history"]
    seconds = [row["seconds"] for row in history]
    steady = steady_seconds(seconds)
    losses = [row["loss"] for row in history]
    val_accuracy = [row["val_accuracy"] for row in history]
    val_loss = [row["val_loss"] for row in history]
    diverged = bool(record["diverged"]) or not all(_finite(loss) for loss in losses)
    epochs = epochs_to_target(val_accuracy, target)
    total = float(sum(steady))
    finite_val_loss = [(loss, epoch) for epoch, loss in enumerate(val_loss, 1) if _finite(loss)]
    finite_val_accuracy = [accuracy for accuracy in val_accuracy if _finite(accuracy)]
    last = history[-1]
    return {
        "reached": epochs is not None,
        "diverged": diverged,
        "epochs_to_target": epochs,
        "seconds_to_target": None if epochs is None else seconds_at(steady, epochs),
        "seconds_to_target_lb": _lower_bound(steady, epochs, diverged),
        "seconds_per_epoch": seconds_per_epoch(seconds),
        "first_epoch_overhead_s": seconds[0] - steady[0],
        "build_s": record["build_s"],
        "import_s": record["import_s"],
        "total_seconds": total,
        "epochs_run": len(history),
        "best_val_accuracy": max(finite_val_accuracy) if finite_val_accuracy else None,
        "best_epoch": min(finite_val_loss)[1] if finite_val_loss else None,
        "gap": (last["accuracy"] - last["val_accuracy"]
                if _finite(last["accuracy"]) and _finite(last["val_accuracy"]) else None),
        "test_accuracy": record["test_accuracy"],
    }


#: Measures that are None when the target was never reached.
_TO_TARGET = ("epochs_to_target", "seconds_to_target")


def _spread(values, missing_is_inf=False):
    """(median, min, max) of the values that are not None (all None: Nones).

    With ``missing_is_inf``, a missing value counts as infinitely large: a
    seed that never reached the target was infinitely slow to reach it.
    """
    present = [value for value in values if value is not None]
    if missing_is_inf:
        present += [math.inf] * (len(values) - len(present))
    if not present:
        return None, None, None
    return tuple(float(f(present)) for f in (np.median, np.min, np.max))


def summarize(records, target):
    """One row per (setting, backend), in the order the runs were planned.

    Each row has the run's identifying fields, ``runs``, ``reached`` and
    ``diverged`` counts, and for every metric ``m`` of `METRICS`: ``m`` (the
    median over seeds), ``m_min`` and ``m_max``. A time to target is
    ``inf`` (median) when half or more of the seeds never reached the target.
    """
    groups = {}
    for record in records:
        groups.setdefault((record["setting"], record["backend"]), []).append(record)
    rows = []
    for (setting, backend), runs in groups.items():
        measured = [run_measures(run, target) for run in runs]
        row = {
            "experiment": runs[0]["experiment"],
            "setting": setting,
            "group": runs[0]["group"],
            "x": runs[0]["x"],
            "backend": backend,
            "runs": len(runs),
            "reached": sum(m["reached"] for m in measured),
            "diverged": sum(m["diverged"] for m in measured),
            "epochs_max": runs[0]["epochs_max"],
        }
        for metric in METRICS:
            row[metric], row[f"{metric}_min"], row[f"{metric}_max"] = _spread(
                [m[metric] for m in measured], missing_is_inf=metric in _TO_TARGET)
        rows.append(row)
    return rows


#: For a time-to-target metric, the measure that bounds it when never reached.
LOWER_BOUNDS = {"seconds_to_target": "seconds_to_target_lb", "epochs_to_target": "epochs_run"}


def value_or_bound(row, metric):
    """(value, status) of a summary row's ``metric``: status ``"ok"``, ``"not reached"``
    (value is then the lower bound: the time or epochs trained) or ``"diverged"`` (value None).
    """
    value = row[metric]
    if metric not in LOWER_BOUNDS or _finite(value):
        return value, "ok"
    bound = row[LOWER_BOUNDS[metric]]
    if not _finite(bound):
        return None, "diverged"
    return bound, "not reached"


def fastest(rows):
    """The row with the least median seconds to target, or None when none reached it."""
    reached = [row for row in rows if _finite(row["seconds_to_target"])]
    return min(reached, key=lambda row: row["seconds_to_target"]) if reached else None


def gain(rows, baseline):
    """What fixing a cause gains: the ``baseline`` setting against the fastest one, over ``rows``.

    ``rows`` are one pool's summary rows (one backend); ``baseline`` names the
    setting a user gets by default. Both reached the target:

        factor = T_baseline / T_best = (E_baseline / E_best) x (S_baseline / S_best)

    in seconds T, epochs E and seconds per epoch S to target (the split is
    exact when the first epochs cost the same). A baseline that never reached
    the target has no factor, only the bound ``T_trained / T_best`` (its
    seconds trained; infinite when it diverged): the gain is at least that.

    Returns:
        dict with ``status`` (``"finite"``: both reached; ``"baseline never"``;
        ``"none"``: no setting reached), ``baseline`` and ``best`` (rows;
        ``best`` None when none reached), ``factor``, ``epochs_factor``,
        ``epoch_time_factor`` (None unless finite) and ``bound``; or None when
        ``rows`` hold no baseline row.
    """
    base = next((row for row in rows if row["setting"] == baseline), None)
    if base is None:
        return None
    best = fastest(rows)
    if best is not None and base["seconds_to_target"] <= best["seconds_to_target"]:
        best = base  # a tie goes to the baseline: nothing to gain
    result = {"baseline": base, "best": best, "factor": None, "epochs_factor": None,
              "epoch_time_factor": None, "bound": None}
    if best is None:
        return {**result, "status": "none"}
    if not _finite(base["seconds_to_target"]):
        trained = base["seconds_to_target_lb"]
        bound = trained / best["seconds_to_target"] if _finite(trained) else math.inf
        return {**result, "status": "baseline never", "bound": bound}
    return {**result, "status": "finite",
            "factor": base["seconds_to_target"] / best["seconds_to_target"],
            "epochs_factor": base["epochs_to_target"] / best["epochs_to_target"],
            "epoch_time_factor": base["seconds_per_epoch"] / best["seconds_per_epoch"]}


#: Rank tiers of a `gain`: a baseline that never reaches the target ranks above every finite gain.
_TIERS = {"baseline never": 2, "none": 2, "finite": 1}


def rank_key(result):
    """Sort key of one `gain` (larger ranks first): (tier, factor or bound).

    A baseline that never reached the target ranks above every finite
    factor; among those, by the bound (time trained / best time), so training
    it longer without reaching the target can only raise it; a cause where
    no setting reached the target has no bound and comes last among them.
    """
    if result is None:
        return (0, 0.0)
    value = {"finite": result["factor"], "baseline never": result["bound"], "none": 0.0}[result["status"]]
    return (_TIERS[result["status"]], value)


def rank(causes):
    """Causes ordered by what fixing them gains, most first.

    Args:
        causes: ``{name: {pool: gain}}`` (`gain` per backend, or one pool).

    Returns:
        The names, ranked by the largest `rank_key` over each cause's pools.
    """
    return sorted(causes, key=lambda name: max(map(rank_key, causes[name].values()), default=(0, 0.0)),
                  reverse=True)


def rank_numbers(causes):
    """``{name: rank}`` of `rank`'s order, 1 first; causes with equal keys share a rank."""
    keys = {name: max(map(rank_key, pools.values()), default=(0, 0.0)) for name, pools in causes.items()}
    return {name: 1 + sum(other > key for other in keys.values()) for name, key in keys.items()}
