"""The speedrun's outputs: ``speedrun.csv`` (one row per run), ``speedrun.md`` (the
table and the goals, as measured) and ``speedrun.png`` (test accuracy against
training seconds for every row, one point per seed, the mean circled).
"""

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import plots, store

#: Columns of speedrun.csv.
CSV_COLUMNS = ("row", "backend", "seed", "split", "accuracy", "loss", "train_s", "train_cpu_s", "cold_s",
               "epochs_run", "epochs", "train_size", "score_size", "threads", "load_avg", "gemm_gflops",
               "versions")
#: Target of the speedrun: mean test accuracy, and every seed's.
TARGET_MEAN, TARGET_MIN = 0.980, 0.978


def summarize(records):
    """One dict per (row, backend), in first-seen order: seeds, accuracy mean/min, mean seconds."""
    groups = {}
    for record in records:
        groups.setdefault((record["row"], record["backend"]), []).append(record)
    rows = []
    for (row, backend), runs in groups.items():
        accuracy = [run["accuracy"] for run in runs]
        rows.append({"row": row, "backend": backend, "seeds": len(runs),
                     "mean": statistics.fmean(accuracy), "min": min(accuracy),
                     "train_s": statistics.fmean(run["train_s"] for run in runs),
                     "train_cpu_s": statistics.fmean(run["train_cpu_s"] for run in runs),
                     "cold_s": statistics.fmean(run["cold_s"] for run in runs),
                     "epochs": statistics.fmean(run["epochs_run"] for run in runs)})
    return rows


def _pct(value):
    return f"{100 * value:.2f}%"


def goals(summary, recipe_label, quickstart_label, example_label, jit_label):
    """The issue's goals as measured: lines of Markdown, one per goal that can be judged."""
    by = {(row["row"], row["backend"]): row for row in summary}
    ours = by.get((recipe_label, "scratch"))
    if ours is None:
        return []
    reached = ours["mean"] >= TARGET_MEAN and ours["min"] >= TARGET_MIN
    lines = [(f"- scratch_nn reaches the target (mean >= {_pct(TARGET_MEAN)}, min >= {_pct(TARGET_MIN)}): "
              f"{'yes' if reached else 'no'} (mean {_pct(ours['mean'])}, min {_pct(ours['min'])}, "
              f"{ours['seeds']} seed(s)).")]
    keras = by.get((recipe_label, "keras"))
    if keras:
        lines.append(f"- Training time against the same recipe on Keras default fit: "
                     f"{ours['train_s']:.2f} s / {keras['train_s']:.2f} s = "
                     f"{ours['train_s'] / keras['train_s']:.2f} (goal: at most 0.33).")
    jit = by.get((jit_label, "keras"))
    if jit:
        lines.append(f"- Against Keras with jit_compile + steps_per_execution: {ours['train_s']:.2f} s / "
                     f"{jit['train_s']:.2f} s = {ours['train_s'] / jit['train_s']:.2f} (goal: below 1).")
    quick = by.get((quickstart_label, "keras"))
    if quick:
        lines.append(f"- Against the TensorFlow quickstart on Keras: accuracy {_pct(ours['mean'])} vs "
                     f"{_pct(quick['mean'])}, training {ours['train_s']:.2f} s vs {quick['train_s']:.2f} s, "
                     f"cold process {ours['cold_s']:.2f} s vs {quick['cold_s']:.2f} s (goal: more accurate "
                     "and faster on both times).")
    for backend in ("keras", "scratch"):
        example = by.get((example_label, backend))
        if example:
            lines.append(f"- The two ends: {example_label} on {backend}, {_pct(example['mean'])} in "
                         f"{example['train_s']:.1f} s of training ({example['cold_s']:.1f} s cold); the "
                         f"speedrun on scratch_nn, {_pct(ours['mean'])} in {ours['train_s']:.1f} s "
                         f"({ours['cold_s']:.1f} s cold).")
    return lines


def markdown(summary, header, goal_lines):
    """speedrun.md: the header lines, the table, then the goals."""
    lines = [*header, "",
             ("| row | backend | seeds | test accuracy, mean | min | training s, mean "
              "| training CPU s, mean | cold-process s, mean | epochs |"),
             "|---|---|---|---|---|---|---|---|---|"]
    for row in summary:
        lines.append(f"| {row['row']} | {row['backend']} | {row['seeds']} | {_pct(row['mean'])} | "
                     f"{_pct(row['min'])} | {row['train_s']:.2f} | {row['train_cpu_s']:.2f} | "
                     f"{row['cold_s']:.2f} | {row['epochs']:g} |")
    if goal_lines:
        lines += ["", "Goals, as measured:", "", *goal_lines]
    return "\n".join(lines) + "\n"


def figure(records, path, title):
    """Test accuracy against training seconds, every row and backend; the mean circled and named."""
    fig, axis = plt.subplots(figsize=(11, 6.5))
    markers = {"scratch": "o", "keras": "s"}
    summary = summarize(records)
    colours = {row: plt.cm.tab20(index % 20)
               for index, row in enumerate(dict.fromkeys(r["row"] for r in summary))}
    for row in summary:
        runs = [r for r in records if r["row"] == row["row"] and r["backend"] == row["backend"]]
        colour, marker = colours[row["row"]], markers.get(row["backend"], "^")
        axis.scatter([r["train_s"] for r in runs], [r["accuracy"] for r in runs], s=12, color=colour,
                     marker=marker, alpha=0.5)
        axis.scatter([row["train_s"]], [row["mean"]], s=70, color=colour, marker=marker,
                     edgecolors="black", label=f"{row['row']} ({row['backend']})")
    axis.axhline(TARGET_MEAN, color="gray", linestyle="--", linewidth=1)
    axis.set_xscale("log")
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.xaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: f"{v:g}" if f"{v:e}"[0] in "25" else ""))
    axis.set_yscale("logit")
    axis.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(plots.ACCURACY_TICKS))
    axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{100 * v:g}%"))
    axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.set_xlabel("training seconds (one thread; log scale)")
    axis.set_ylabel("test accuracy (logit scale; dashed: 98%)")
    axis.set_title(title, fontsize=10)
    axis.grid(True, which="major", alpha=0.3)
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    plots.save(fig, path, dpi=110)


def write(out, records, header, goal_args, title):
    """Write speedrun.csv, speedrun.md and speedrun.png under ``out``; the .md's path."""
    out = Path(out)
    store.write_csv(out / "speedrun.csv", CSV_COLUMNS,
                    [{name: record.get(name) for name in CSV_COLUMNS} for record in records])
    summary = summarize(records)
    store.write_atomic(out / "speedrun.md", markdown(summary, header, goals(summary, *goal_args)))
    figure(records, out / "speedrun.png", title)
    return out / "speedrun.md"
