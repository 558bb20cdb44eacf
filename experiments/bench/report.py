"""The benchmark's outputs: the markdown tables, the chart, and the block of docs/BENCH.md.

Every table carries what it was measured on: the machine, the versions, the
GEMM rate of the same run and the threads each framework ran on, with the
thread and BLAS environment variables that were set (recorded, never changed).
"""

import os
import platform
import sys
import time

from experiments import backends as frameworks
from experiments import store
from experiments.bench.backends import BACKENDS
from experiments.bench.measure import FLOPS_PER_SAMPLE

#: The lines of docs/BENCH.md between these two are the bench's; the rest is prose kept as is.
DOCS_BEGIN = ("<!-- bench tables: written by `python -m experiments.bench --docs docs/BENCH.md` "
              "(`make bench`); edits between these markers are overwritten -->")
DOCS_END = "<!-- end of bench tables -->"


def header_lines(names, command, load_before):
    """What ran it: when, how, the machine, versions, threads and the load around the run."""
    versions = frameworks.versions("scratch")
    if any(name.startswith("keras") for name in names) and "keras" in sys.modules:
        versions.update(frameworks.versions("keras"))
    if "torch" in sys.modules:
        versions["pytorch"] = sys.modules["torch"].__version__
    names_shown = {"python": "Python", "numpy": "NumPy", "scratch_nn": "scratch_nn",
                   "keras": "Keras", "tensorflow": "TensorFlow", "pytorch": "PyTorch"}
    limit = frameworks.thread_limit()
    threads = (f"every framework limited to {limit} (`--threads {limit}`)" if limit
               else "each framework's own choice")
    return [
        f"Measured: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, `{command}`",
        f"Machine: {frameworks.cpu()}, {frameworks.machine()}, {platform.release()}",
        "Versions: " + ", ".join(f"{names_shown.get(k, k)} {v}" for k, v in versions.items()),
        f"Threads: {threads}; NumPy's BLAS: {frameworks.blas_threads()}",
        f"Thread and BLAS environment (recorded, not changed): {frameworks.thread_environment()}",
        f"Load average (1 min) before / after: {load_before} / {loadavg()}",
    ]


def loadavg():
    """The 1-minute load average, or ``"n/a"`` where the system has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return "n/a"


def _table(title, batch_sizes, body):
    cols = " | ".join(f"bs {bs}" for bs in batch_sizes)
    rule = "|---" * (len(batch_sizes) + 1) + "|"
    return ["", title, "", f"| | {cols} |", rule,
            *(f"| {label} | {' | '.join(cells)} |" for label, cells in body)]


def _seconds(row):
    if row["median_s"] == "":
        return "skipped"
    if row["epochs_timed"] == 1:
        return f"{row['median_s']:.3g}"
    return f"{row['median_s']:.3f} ({row['min_s']:.3f}-{row['max_s']:.3f})"


def _percent(accuracy):
    return "-" if accuracy == "" else f"{100 * accuracy:.2f}%"


def markdown(rows, batch_sizes, samples, test_samples, options, header):
    """The tables: seconds per epoch, ratios to scratch_nn, test accuracy, threads, a summary."""
    by = {(row["batch_size"], row["backend"]): row for row in rows}
    every = list(dict.fromkeys(row["backend"] for row in rows))
    names = [name for name in every if name in BACKENDS]
    first = names[0]
    body = [(by[(batch_sizes[0], name)]["label"], [_seconds(by[(bs, name)]) for bs in batch_sizes])
            for name in names]
    body.append((f"roofline ({FLOPS_PER_SAMPLE * samples / 1e9:.2f} GFLOP at the GEMM rate)",
                 [f"{by[(bs, first)]['roofline_s']:.3f}" for bs in batch_sizes]))
    body.append((f"GEMM rate, float32 {frameworks.GEMM_SIZE}^3 (GFLOP/s)",
                 [f"{by[(bs, first)]['gemm_gflops']:.1f}" for bs in batch_sizes]))
    lines = [*header, *_table(
        f"Seconds per epoch ({samples} samples), median of {options.epochs} epochs after "
        f"{options.warmup} warm-up epoch(s), (min-max); backends timed in turn:", batch_sizes, body)]
    timed = "scratch_nn" in names and all(by[(bs, "scratch_nn")]["median_s"] for bs in batch_sizes)
    if timed:
        body = [(f"{by[(batch_sizes[0], name)]['label']} / scratch_nn",
                 [str(by[(bs, name)]["vs_scratch_nn"] or "-") for bs in batch_sizes])
                for name in names if name != "scratch_nn"]
        body.append(("scratch_nn / roofline",
                     [str(by[(bs, "scratch_nn")]["vs_roofline"]) for bs in batch_sizes]))
        lines += _table("How many times longer than scratch_nn an epoch takes (median over "
                        "median), and scratch_nn over the roofline:", batch_sizes, body)
    scored = [name for name in every
              if any(by[(bs, name)]["test_accuracy"] != "" for bs in batch_sizes)]
    if scored:
        body = [(by[(batch_sizes[0], name)]["label"],
                 [_percent(by[(bs, name)]["test_accuracy"]) for bs in batch_sizes])
                for name in scored]
        lines += _table(
            f"Test accuracy on {test_samples} MNIST test images after "
            f"{options.warmup + options.epochs} epochs, every backend from the same initial "
            "weights (the untimed rows measure the noise: scratch_nn from those weights with "
            "other shuffle orders):", batch_sizes, body)
        lines += ["", *accuracy_lines(by, scored, batch_sizes)]
    if timed:
        lines += ["", *summary_lines(by, names, batch_sizes)]
    lines += ["", *thread_lines(by, names, batch_sizes)]
    notes = {by[(bs, name)]["note"]: by[(bs, name)]["label"]
             for name in names for bs in batch_sizes if by[(bs, name)]["note"]}
    lines += [f"- {label}: {note}" for note, label in notes.items()]
    return "\n".join(lines) + "\n"


def accuracy_lines(by, scored, batch_sizes):
    """Per batch size: the backend farthest from scratch_nn's accuracy, and scratch_nn's own spread.

    The spread is max - min of scratch_nn's accuracy over its timed run and
    the noise runs (other shuffle orders, same weights and epochs).
    """
    lines = []
    for bs in batch_sizes:
        accuracy = {name: by[(bs, name)]["test_accuracy"] for name in scored
                    if by[(bs, name)]["test_accuracy"] != ""}
        if "scratch_nn" not in accuracy:
            continue
        ours = accuracy["scratch_nn"]
        others = {name: value for name, value in accuracy.items() if name in BACKENDS}
        farthest = max(others, key=lambda name: abs(others[name] - ours))
        spread = [value for name, value in accuracy.items() if name not in BACKENDS] + [ours]
        lines.append(
            f"- bs {bs}: largest difference from scratch_nn "
            f"{100 * abs(others[farthest] - ours):.2f} points ({by[(bs, farthest)]['label']}); "
            f"scratch_nn over {len(spread)} shuffle orders spans "
            f"{100 * (max(spread) - min(spread)):.2f} points")
    return lines


def summary_lines(by, names, batch_sizes):
    """Per batch size: the fastest backend that trains, and scratch_nn over the plain NumPy loop.

    ``matmuls`` trains nothing and ``naive`` is the slow reference, so
    neither competes for "fastest". scratch_nn / plain loop is what the
    library's structure costs over the same arithmetic.
    """
    lines = []
    for bs in batch_sizes:
        racing = {name: by[(bs, name)]["median_s"] for name in names
                  if name not in ("matmuls", "naive") and by[(bs, name)]["median_s"] != ""}
        fastest = min(racing, key=racing.get)
        line = f"- bs {bs}: fastest {by[(bs, fastest)]['label']}"
        loop = by.get((bs, "numpy_loop"))
        if loop and loop["median_s"] != "":
            line += (f"; scratch_nn / plain NumPy loop "
                     f"{by[(bs, 'scratch_nn')]['median_s'] / loop['median_s']:.3f}")
        lines.append(line)
    return lines


def thread_lines(by, names, batch_sizes):
    """The threads every backend ran on (one line per distinct setting), as the CSV records per row."""
    labels = {}
    for name in names:
        for bs in batch_sizes:
            if by[(bs, name)]["threads"]:
                labels.setdefault(by[(bs, name)]["threads"], []).append(by[(bs, name)]["label"])
    return [f"- threads, {', '.join(dict.fromkeys(shown))}: {threads}"
            for threads, shown in labels.items()]


def plot(rows, batch_sizes, path):
    """Grouped bars, one group per batch size, min-max as error bars, the roofline as a tick."""
    from experiments import plots  # matplotlib loads only when a chart is drawn

    plt = plots.plt

    timed = [row for row in rows if row["median_s"] != ""]
    names = list(dict.fromkeys(row["backend"] for row in timed if row["backend"] != "naive"))
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for k, name in enumerate(names):
        got = {row["batch_size"]: row for row in timed if row["backend"] == name}
        xs = [i + (k - (len(names) - 1) / 2) * width for i, bs in enumerate(batch_sizes) if bs in got]
        med = [got[bs]["median_s"] for bs in batch_sizes if bs in got]
        err = [[got[bs]["median_s"] - got[bs]["min_s"] for bs in batch_sizes if bs in got],
               [got[bs]["max_s"] - got[bs]["median_s"] for bs in batch_sizes if bs in got]]
        ax.bar(xs, med, width, yerr=err, capsize=2, label=got[next(iter(got))]["label"])
    for i, bs in enumerate(batch_sizes):
        roof = next(row["roofline_s"] for row in rows if row["batch_size"] == bs)
        ax.hlines(roof, i - 0.45, i + 0.45, colors="black", linestyles="dashed",
                  label="roofline" if i == 0 else None)
    ax.set_xticks(range(len(batch_sizes)), [f"batch {bs}" for bs in batch_sizes])
    ax.set_ylabel("seconds per epoch (median, min-max)")
    ax.set_title("One MNIST epoch, 784-128-10 MLP, Adam, float32")
    ax.legend(fontsize=8)
    plots.save(fig, path, dpi=120)


def write_docs(path, tables):
    """Put ``tables`` between the bench markers of the page at ``path``, keeping the rest (atomic).

    A page that does not exist yet is created holding only the tables; a page
    without both markers is left alone and raises ``ValueError``.
    """
    block = f"{DOCS_BEGIN}\n{tables.strip()}\n{DOCS_END}"
    if not os.path.exists(path):
        store.write_atomic(path, f"# Benchmark\n\n{block}\n")
        return
    with open(path) as f:
        text = f.read()
    begin, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if begin < 0 or end < begin:
        raise ValueError(f"--docs {path}: the page has no bench markers ({DOCS_BEGIN!r} ... "
                         f"{DOCS_END!r}); add them where the tables go")
    store.write_atomic(path, text[:begin] + block + text[end + len(DOCS_END):])
