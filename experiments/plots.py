"""The figures: learning curves of every experiment, and each one's key plot.

``curves.png``: validation accuracy against epochs (top) and against seconds of
training (bottom), one line per setting (median over seeds), one column per
backend, same colours in every column. The accuracy axis is a logit scale, so
0.9, 0.99 and 0.999 are evenly spaced and the last percent is visible.

``key.png``: the experiment's answer, as its `KeyPlot` says. Times to target
that were never reached are drawn at their lower bound (the time trained),
hollow or hatched; diverged runs are marked with an x. Settings that exist to
show a failure (an experiment's ``FAILURES``) are ringed in grey (lines) or
named with a dagger (bars).

``agreement.png``: every setting run on both backends, scratch_nn's epochs to
target against Keras's, with the y = x line.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker
from matplotlib.patches import Patch

from experiments.measures import steady_seconds, value_or_bound

BACKEND_COLORS = {"scratch": "tab:blue", "keras": "tab:orange", "naive": "tab:gray"}
LABELS = {
    "seconds_to_target": "seconds to target", "epochs_to_target": "epochs to target",
    "seconds_per_epoch": "seconds per epoch", "best_val_accuracy": "best validation accuracy",
    "test_accuracy": "test accuracy", "total_seconds": "seconds trained", "gap": "train - val accuracy",
    "epochs_run": "epochs run", "best_epoch": "epoch of least val loss",
}
_CLIP = (1e-3, 1 - 1e-4)
#: Accuracy ticks of the logit axis.
ACCURACY_TICKS = (0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)


def _median_curve(runs):
    """Per-epoch medians over seeds: (epochs, cumulative steady seconds, val accuracy)."""
    length = max(len(run["history"]) for run in runs)
    epochs, seconds, accuracy = [], [], []
    for index in range(length):
        present = [run for run in runs if len(run["history"]) > index]
        cumulative = [sum(steady_seconds([r["seconds"] for r in run["history"]])[: index + 1])
                      for run in present]
        values = [run["history"][index]["val_accuracy"] for run in present]
        values = [value for value in values if value is not None and np.isfinite(value)]
        epochs.append(index + 1)
        seconds.append(float(np.median(cumulative)))
        accuracy.append(float(np.clip(np.median(values), *_CLIP)) if values else np.nan)
    return epochs, seconds, accuracy


def _ordered(values):
    return list(dict.fromkeys(values))


def curves(records, path, target, title):
    """Save the learning curves of one experiment's ``records`` to ``path``."""
    backends = _ordered(r["backend"] for r in records)
    settings = _ordered(r["setting"] for r in records)
    colors = plt.get_cmap("tab10" if len(settings) <= 10 else "tab20")
    fig, axes = plt.subplots(2, len(backends), figsize=(5.5 * len(backends), 8), squeeze=False)
    for column, backend in enumerate(backends):
        for index, setting in enumerate(settings):
            runs = [r for r in records if r["backend"] == backend and r["setting"] == setting]
            if not runs:
                continue
            epochs, seconds, accuracy = _median_curve(runs)
            style = {"color": colors(index % colors.N), "marker": ".", "label": setting}
            axes[0, column].plot(epochs, accuracy, **style)
            axes[1, column].plot(seconds, accuracy, **style)
        for row, xlabel in enumerate(("epoch", "seconds of training (first-epoch overhead removed)")):
            axis = axes[row, column]
            axis.set_yscale("logit", nonpositive="clip")
            axis.yaxis.set_major_locator(ticker.FixedLocator(ACCURACY_TICKS))
            axis.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
            axis.yaxis.set_minor_formatter(ticker.NullFormatter())
            axis.axhline(target, color="black", linestyle="--", linewidth=0.8)
            axis.set_xlabel(xlabel)
            axis.set_ylabel("validation accuracy")
            axis.grid(alpha=0.3)
        axes[0, column].set_title(backend)
    axes[0, -1].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{title} (dashed: target {target:g})")
    save(fig, path)


def save(fig, path, dpi=90):
    """Lay out ``fig``, write it to ``path`` through a temporary file, and close it."""
    path = Path(path)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(temporary, dpi=dpi)
    plt.close(fig)
    temporary.replace(path)


def _bars(axis, rows, metric, failures):
    settings = _ordered(row["setting"] for row in rows)
    backends = _ordered(row["backend"] for row in rows)
    width = 0.8 / len(backends)
    for offset, backend in enumerate(backends):
        for row in (row for row in rows if row["backend"] == backend):
            position = settings.index(row["setting"]) + (offset - (len(backends) - 1) / 2) * width
            value, status = value_or_bound(row, metric)
            if status == "diverged":
                axis.plot(position, 0, "x", color="red", markersize=9)
                continue
            if value is None:
                continue
            axis.bar(position, value, width, color=BACKEND_COLORS.get(backend),
                     hatch="//" if status == "not reached" else None,
                     alpha=0.5 if status == "not reached" else 1.0)
    axis.legend(handles=[Patch(color=BACKEND_COLORS.get(b), label=b) for b in backends], fontsize=7)
    names = [f"{setting} \N{DAGGER}" if setting in failures else setting for setting in settings]
    axis.set_xticks(range(len(settings)), names, rotation=30, ha="right", fontsize=8)


def _lines(axis, rows, metric, failures):
    styles = ("-", "--", ":", "-.")
    groups = _ordered(row["group"] for row in rows)
    for backend in _ordered(row["backend"] for row in rows):
        for group in groups:
            series = sorted((row for row in rows if row["backend"] == backend and row["group"] == group),
                            key=lambda row: row["x"])
            points = [(row["x"], *value_or_bound(row, metric)) for row in series]
            color = BACKEND_COLORS.get(backend)
            drawn = [(x, value) for x, value, status in points if status == "ok"]
            axis.plot(*zip(*drawn) if drawn else ([], []), styles[groups.index(group) % 4],
                      marker="o", color=color, label=f"{group} ({backend})")
            for row, (x, value, status) in zip(series, points):
                if row["setting"] in failures and value is not None:
                    axis.plot(x, value, "o", markersize=13, markerfacecolor="none", color="gray", alpha=0.6)
                if status == "not reached":
                    axis.plot(x, value, "o", markerfacecolor="none", color=color)
                elif status == "diverged":
                    axis.plot(x, 1.0, "x", color="red", markersize=9,
                              transform=axis.get_xaxis_transform())


def _plain_log_ticks(side):
    """Label a log axis 1, 2, 5, 10, 20... as plain numbers (not 2 x 10^0)."""
    side.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
    side.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    side.set_minor_formatter(ticker.NullFormatter())


def key_plot(rows, spec, path, title, failures=()):
    """Save an experiment's key figure, as its `KeyPlot` ``spec`` says, from summary ``rows``.

    ``failures``: labels of the settings that exist to show a failure, marked as such.
    """
    fig, axes = plt.subplots(1, len(spec.metrics), figsize=(5.5 * len(spec.metrics), 4.5), squeeze=False)
    for axis, metric in zip(axes[0], spec.metrics):
        (_bars if spec.kind == "bar" else _lines)(axis, rows, metric, failures)
        axis.set_ylabel(LABELS.get(metric, metric))
        if spec.kind == "line":
            axis.set_xlabel(spec.xlabel)
            if spec.logx:
                axis.set_xscale("log")
        if spec.logy:
            axis.set_yscale("log")
            _plain_log_ticks(axis.yaxis)
        axis.grid(alpha=0.3)
    if spec.kind == "line":
        axes[0, 0].legend(fontsize=7)
    mark = "grey ring" if spec.kind == "line" else "\N{DAGGER}"
    fig.suptitle(f"{title} (hollow / hatched: target not reached, lower bound; x: diverged"
                 + (f"; {mark}: shown to fail)" if failures else ")"))
    save(fig, path)


def agreement(points, path, target):
    """Save scratch_nn's epochs to target against Keras's, one point per setting, y = x drawn.

    ``points``: ``(scratch row, keras row)`` summary rows of one setting. A
    setting that did not reach the target on a backend is drawn hollow at
    the epochs it trained there (a lower bound); bars span the seeds' min to max.
    """
    fig, axis = plt.subplots(figsize=(6, 6))
    largest = 1.0
    for scratch, keras in points:
        (x, x_status), (y, y_status) = (value_or_bound(row, "epochs_to_target") for row in (scratch, keras))
        if x is None or y is None:
            continue
        reached = x_status == y_status == "ok"
        errors = [[[v - row["epochs_to_target_min"]], [row["epochs_to_target_max"] - v]]
                  if status == "ok" else None for v, status, row in ((x, x_status, scratch), (y, y_status, keras))]
        axis.errorbar(x, y, xerr=errors[0], yerr=errors[1], fmt="o", color="tab:purple", alpha=0.7,
                      markerfacecolor="tab:purple" if reached else "none", markersize=6, elinewidth=0.8)
        largest = max(largest, x, y)
    axis.plot([0.8, largest * 1.25], [0.8, largest * 1.25], "k--", linewidth=0.8, label="y = x")
    for scale in (axis.set_xscale, axis.set_yscale):
        scale("log")
    for side in (axis.xaxis, axis.yaxis):
        _plain_log_ticks(side)
    axis.set_xlabel(f"scratch_nn: epochs to {target:g}")
    axis.set_ylabel(f"Keras: epochs to {target:g}")
    axis.grid(alpha=0.3, which="both")
    axis.legend(fontsize=8)
    axis.set_title("One point per setting; bars: min - max over seeds;\nhollow: not reached on a "
                   "backend (drawn at the epochs it trained)", fontsize=9)
    save(fig, path)
