"""The doctor's evidence as a figure: each probe's held-out curves, the setting as given against its fix.

One panel per check that ran a probe (`experiments.doctor.probe.compare`):
the held-out task metric (accuracy, or R^2 for a regression: the check's
``probe_metric`` evidence) against the probe's cost unit (steps, or seconds when the
fix changes the step time), every probe seed a line; the setting as given in
grey, the fix in the colour of the check's status (red PROBLEM, orange WARN,
green OK: the fix measured and not recommended). The dashed line is the
level ``L`` both are timed to, and the title gives the measured gain. The
curves come from each check's ``probe_curves`` evidence, so the figure can
be drawn from a report or from its JSON alone. The style is the study's
figures' (`experiments.plots`); matplotlib is imported by the call.
"""

import math
import os
import statistics
from pathlib import Path

from experiments.doctor.report import OK, PROBLEM, WARN

STATUS_COLORS = {PROBLEM: "tab:red", WARN: "tab:orange", OK: "tab:green"}
CURRENT_COLOR = "tab:gray"


def probed(report):
    """The results of ``report`` (a `Report` or its ``to_dict()``) that carry probe curves, as dicts."""
    checks = report["checks"] if isinstance(report, dict) else [
        {"title": r.title, "status": r.status, "evidence": r.evidence} for r in report.results]
    return [c for c in checks if c["evidence"].get("probe_curves")]


def probe_figure(report, path):
    """Draw the held-out curves of every probe in ``report`` to the PNG ``path``.

    Args:
        report: a `Report`, or the dict its ``to_dict()`` (or JSON) holds.
        path: the PNG to write (through a temporary file and a rename).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    checks = probed(report)
    setup = report["setup"] if isinstance(report, dict) else report.setup
    status = report["status"] if isinstance(report, dict) else report.status
    columns = min(2, max(1, len(checks)))
    rows = max(1, math.ceil(len(checks) / columns))
    figure = Figure(figsize=(6 * columns, 3.8 * rows))
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis, check in zip(axes, checks):
        _panel(axis, check)
    for axis in axes[len(checks):]:
        axis.set_axis_off()
    if not checks:
        axes[0].text(0.5, 0.5, "No check ran a probe: nothing was found that needed a fix "
                     "tried.", ha="center", va="center", wrap=True)
    what = setup.get("script") or setup.get("model", "")
    figure.suptitle(f"doctor: {what} ({status})", fontsize=11)
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp.png")
    figure.savefig(temporary, dpi=90)
    os.replace(temporary, path)


def _label(name, which):
    return name if which == "fix" or "given" in name else f"{name} (as given)"


def _panel(axis, check):
    evidence = check["evidence"]
    curves = evidence["probe_curves"]
    fix_color = STATUS_COLORS.get(check["status"], "tab:blue")
    for which, color in (("current", CURRENT_COLOR), ("fix", fix_color)):
        for seed, run in enumerate(curves[which]["runs"]):
            axis.plot(run["x"], run["metric"], color=color, alpha=0.85, linewidth=1.4,
                      marker=".", markersize=3,
                      label=_label(curves[which]["name"], which) if seed == 0 else None)
    metric = evidence.get("probe_metric", "accuracy")
    level = evidence.get("probe_level")
    if isinstance(level, (int, float)) and math.isfinite(level):
        shown = f"{level:.1%}" if metric == "accuracy" else f"{level:.3g}"
        axis.axhline(level, color="black", linestyle="--", linewidth=0.8,
                     label=f"level L = {shown}")
    gains = [g for g in evidence.get("probe_gains", []) if isinstance(g, (int, float))]
    gain = statistics.median(gains) if gains else float("nan")
    verdict = "recommended" if evidence.get("probe_recommended") else "not recommended"
    axis.set_title(f"{check['title']}: {check['status']} (median gain {gain:.2g}x, {verdict})",
                   fontsize=9)
    unit = evidence.get("probe_unit", "steps")
    axis.set_xlabel("seconds of training" if unit == "s" else "training steps")
    axis.set_ylabel(f"held-out {metric}")
    # Accuracy lies in [0, 1]; R^2 can be any negative number early on, so
    # its axis stops at -1 (worse than predicting the mean twice over).
    lowest = min((v for which in ("current", "fix") for run in curves[which]["runs"]
                  for v in run["metric"] if math.isfinite(v)), default=0.0)
    axis.set_ylim(0 if metric == "accuracy" else max(-1.0, min(0.0, lowest)), 1.02)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
