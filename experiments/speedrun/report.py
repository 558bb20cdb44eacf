"""The speedrun's outputs: ``speedrun.csv`` (one row per run), ``speedrun.md`` (the
table and the goals, as measured) and ``speedrun.png`` (test accuracy against
training seconds for every row and thread setting, one point per seed, the
mean accuracy at the median seconds outlined).
"""

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import plots, store

#: Columns of speedrun.csv.
CSV_COLUMNS = ("row", "backend", "threads_asked", "seed", "split", "accuracy", "loss", "train_s", "train_cpu_s",
               "cold_s", "floor_s", "floors", "epochs_run", "epochs", "train_size", "score_size", "threads",
               "load_avg", "gemm_gflops", "versions")
#: Target of the speedrun: mean test accuracy, and every seed's.
TARGET_MEAN, TARGET_MIN = 0.980, 0.978
#: The aim for the recipe's median one-thread training seconds on the 2-core machine class.
AIM_SECONDS = 1.5


def summarize(records):
    """One dict per (row, backend, threads), in first-seen order: seeds, accuracy mean/min, median seconds."""
    groups = {}
    for record in records:
        groups.setdefault((record["row"], record["backend"], record.get("threads_asked", "1")), []).append(record)
    rows = []
    for (row, backend, threads), runs in groups.items():
        accuracy = [run["accuracy"] for run in runs]
        rows.append({"row": row, "backend": backend, "threads": threads, "seeds": len(runs),
                     "mean": statistics.fmean(accuracy), "min": min(accuracy),
                     "train_s": statistics.median(run["train_s"] for run in runs),
                     "train_cpu_s": statistics.median(run["train_cpu_s"] for run in runs),
                     "cold_s": statistics.median(run["cold_s"] for run in runs),
                     "floors": statistics.median(run["floors"] for run in runs if run.get("floors") is not None)
                     if any(run.get("floors") is not None for run in runs) else None,
                     "gemm": runs[0].get("gemm_gflops"),
                     "load": statistics.fmean(run["load_avg"] for run in runs),
                     "epochs": statistics.fmean(run["epochs_run"] for run in runs)})
    return rows


def _pct(value):
    return f"{100 * value:.2f}%"


def goals(summary, recipe_label, quickstart_label, example_label):
    """The issue's goals as measured: lines of Markdown, one per goal that can be judged."""
    by = {(row["row"], row["backend"], row["threads"]): row for row in summary}
    ours = by.get((recipe_label, "scratch", "1"))
    if ours is None:
        return []
    reached = ours["mean"] >= TARGET_MEAN and ours["min"] >= TARGET_MIN
    lines = [(f"- scratch_nn reaches the target (mean >= {_pct(TARGET_MEAN)}, min >= {_pct(TARGET_MIN)}): "
              f"{'yes' if reached else 'no'} (mean {_pct(ours['mean'])}, min {_pct(ours['min'])}, "
              f"{ours['seeds']} seed(s))."),
             (f"- Median one-thread training {ours['train_s']:.2f} s against the aim of {AIM_SECONDS} s: "
              f"{'met' if ours['train_s'] <= AIM_SECONDS else 'not met'} (GEMM {ours['gemm']} GFLOP/s, "
              f"{ours['floors']:.2f} floors).")]
    keras_rows = [row for row in summary if row["backend"] == "keras" and row["threads"] == "1"
                  and row["row"].startswith(recipe_label)]
    for keras in keras_rows:
        name = "default fit" if keras["row"] == recipe_label else keras["row"][len(recipe_label) + 2:]
        lines.append(f"- Against {name} (one thread): {ours['train_s']:.2f} s / {keras['train_s']:.2f} s = "
                     f"{ours['train_s'] / keras['train_s']:.2f} ({_pct(keras['mean'])} mean, "
                     f"{keras['seeds']} seed(s)).")
    for backend in ("scratch", "keras"):
        default = by.get((recipe_label, backend, "default"))
        if default:
            lines.append(f"- {backend} on the default threads: {default['train_s']:.2f} s "
                         f"({default['floors']:.2f} floors at GEMM {default['gemm']} GFLOP/s).")
    quick = by.get((quickstart_label, "keras", "1"))
    if quick:
        lines.append(f"- Against the TensorFlow quickstart on Keras: accuracy {_pct(ours['mean'])} vs "
                     f"{_pct(quick['mean'])}, training {ours['train_s']:.2f} s vs {quick['train_s']:.2f} s, "
                     f"cold process {ours['cold_s']:.2f} s vs {quick['cold_s']:.2f} s.")
    for backend in ("keras", "scratch"):
        example = by.get((example_label, backend, "1"))
        if example:
            lines.append(f"- The two ends: {example_label} on {backend}, {_pct(example['mean'])} in "
                         f"{example['train_s']:.1f} s of training ({example['cold_s']:.1f} s cold); the "
                         f"speedrun on scratch_nn, {_pct(ours['mean'])} in {ours['train_s']:.1f} s "
                         f"({ours['cold_s']:.1f} s cold).")
    return lines


def markdown(summary, header, goal_lines):
    """speedrun.md: the header lines, the table, then the goals."""
    lines = [*header, "",
             ("| row | backend | threads | seeds | test accuracy, mean | min | training s, median | floors "
              "| GEMM GFLOP/s | training CPU s | cold-process s | load | epochs |"),
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in summary:
        floors = "-" if row["floors"] is None else f"{row['floors']:.2f}"
        lines.append(f"| {row['row']} | {row['backend']} | {row['threads']} | {row['seeds']} | {_pct(row['mean'])} | "
                     f"{_pct(row['min'])} | {row['train_s']:.2f} | {floors} | {row['gemm']} | "
                     f"{row['train_cpu_s']:.2f} | {row['cold_s']:.2f} | {row['load']:.1f} | {row['epochs']:g} |")
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
        runs = [r for r in records if r["row"] == row["row"] and r["backend"] == row["backend"]
                and r.get("threads_asked", "1") == row["threads"]]
        colour, marker = colours[row["row"]], markers.get(row["backend"], "^")
        if row["threads"] != "1":
            marker = {"o": "D", "s": "P"}.get(marker, marker)
        axis.scatter([r["train_s"] for r in runs], [r["accuracy"] for r in runs], s=12, color=colour,
                     marker=marker, alpha=0.5)
        axis.scatter([row["train_s"]], [row["mean"]], s=70, color=colour, marker=marker,
                     edgecolors="black", label=f"{row['row']} ({row['backend']}, threads {row['threads']})")
    axis.axhline(TARGET_MEAN, color="gray", linestyle="--", linewidth=1)
    axis.set_xscale("log")
    axis.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.xaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: f"{v:g}" if f"{v:e}"[0] in "25" else ""))
    axis.set_yscale("logit")
    axis.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(plots.ACCURACY_TICKS))
    axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{100 * v:g}%"))
    axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.set_xlabel("training seconds (log scale)")
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
