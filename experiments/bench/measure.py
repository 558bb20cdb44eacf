"""Timing the backends: warm-ups, rounds in turn, the GEMM rate, and the CSV rows.

The roofline is the epoch's arithmetic divided by the machine's
matrix-multiply rate, measured in the same run (a 1024x1024x1024 float32
``np.matmul``, once per round, median). One sample costs, forward and
backward, with no gradient for the input::

    forward   2 (784*128 + 128*10)   = 203,264 FLOPs
    dkernel   2 (784*128 + 128*10)   = 203,264 FLOPs
    dhidden   2 (10*128)             =   2,560 FLOPs
    total                              409,088 FLOPs  (24.55 GFLOP per 60,000 samples)
"""

import collections
import statistics
import time

from experiments import backends as frameworks
from experiments.bench.backends import LABELS, SIZES, FitBackend, Skip, make_backend

_DENSE = SIZES[0] * SIZES[1] + SIZES[1] * SIZES[2]
FLOPS_PER_SAMPLE = 2 * _DENSE * 2 + 2 * SIZES[2] * SIZES[1]
#: Shuffle seeds of the untimed scratch_nn runs that measure the accuracy's noise.
NOISE_SEEDS = (1, 2, 3, 4)
CSV_COLUMNS = ("batch_size", "backend", "label", "median_s", "min_s", "max_s", "epochs_timed",
               "samples", "vs_scratch_nn", "vs_roofline", "gemm_gflops", "roofline_s",
               "threads", "test_accuracy", "note")
#: The CSV rows of the untimed noise runs: only their accuracy is filled in.
NOISE_LABEL = "scratch_nn fit, shuffle seed {seed} (untimed)"


Measured = collections.namedtuple("Measured", "times notes threads gemm accuracy noise")
Measured.__doc__ = """What `measure` found at one batch size.

``times``: epoch seconds per backend; ``notes``: a note per backend (why it
was skipped...); ``threads``: the threads each backend ran on;
``gemm``: the GEMM rates, one per round; ``accuracy``: test accuracy per
backend after all its epochs (``None`` for one that does not train);
``noise``: scratch_nn's test accuracy per shuffle seed of `NOISE_SEEDS`,
from the same weights and as many epochs.
"""


def measure(batch_size, names, data, options, log):
    """Warm up every backend, time ``options.epochs`` rounds of one epoch each in turn, then score them.

    Each backend first runs ``options.warmup`` untimed epochs (graph tracing,
    XLA compilation, caches); then the timed epochs go round the backends in
    turn, A B C A B C, each after ``options.pause`` seconds of rest, so that a
    machine that slows down or speeds up hits all of them alike.

    Args:
        data: ``((x, y), (x_test, y_test))``, images float32 ``(n, 28, 28)``.
        options: the command line's namespace (``epochs``, ``warmup``, ``pause``,
            ``steps_per_execution``, ``naive_samples``).
        log: a function taking one progress line.

    Returns:
        a :class:`Measured`.
    """
    (x, y), (x_test, y_test) = data
    backends, times, notes = {}, {}, {}
    for name in names:
        backend = make_backend(name, x, y, batch_size, options.steps_per_execution,
                               options.naive_samples)
        log(f"  bs {batch_size}: warming up {name}")
        try:
            backend.start(options.warmup)
        except Skip as reason:
            notes[name] = str(reason)
            log(f"  bs {batch_size}: {name} skipped: {reason}")
            continue
        backends[name], times[name] = backend, []
    gemm = []
    rotation = [name for name in backends if name != "naive"]
    for round_ in range(options.epochs):
        gemm.append(frameworks.gemm_gflops())
        for name in rotation:
            # TensorFlow's and PyTorch's worker threads spin for a while after their
            # last op; timed straight after them, NumPy's BLAS threads would share
            # the cores with that spinning.
            time.sleep(options.pause)
            times[name].append(backends[name].epoch())
        log(f"  bs {batch_size}, round {round_ + 1}/{options.epochs}: "
            + ", ".join(f"{name} {times[name][-1]:.3f}s" for name in rotation)
            + f"; GEMM {gemm[-1]:.1f} GFLOP/s")
    if "naive" in backends:
        time.sleep(options.pause)
        times["naive"].append(backends["naive"].epoch())
    for name, backend in backends.items():
        notes[name] = backend.note
    threads = {name: backend.threads() for name, backend in backends.items()}
    accuracy = {name: backend.accuracy(x_test, y_test) for name, backend in backends.items()}
    noise = {}
    if "scratch_nn" in backends:
        for seed in NOISE_SEEDS:
            log(f"  bs {batch_size}: scratch_nn with shuffle seed {seed}, untimed")
            backend = FitBackend(x, y, batch_size, shuffle_seed=seed)
            backend.start(options.warmup + options.epochs)
            noise[seed] = backend.accuracy(x_test, y_test)
    return Measured(times, notes, threads, gemm, accuracy, noise)


def rows_for(batch_size, names, measured, samples, spe):
    """CSV rows for one batch size: medians, ranges, ratios, threads and accuracy; then the noise runs."""
    times, notes, gemm = measured.times, measured.notes, measured.gemm
    rate = statistics.median(gemm) if gemm else float("nan")
    roofline = FLOPS_PER_SAMPLE * samples / (rate * 1e9)
    scratch = statistics.median(times["scratch_nn"]) if times.get("scratch_nn") else None
    rows = []
    for name in names:
        seconds = times.get(name)
        row = {"batch_size": batch_size, "backend": name, "label": LABELS[name].format(spe=spe),
               "samples": samples, "gemm_gflops": round(rate, 1), "roofline_s": round(roofline, 4),
               "threads": measured.threads.get(name, ""), "note": notes.get(name, "")}
        if seconds:
            median = statistics.median(seconds)
            row.update(median_s=round(median, 4), min_s=round(min(seconds), 4),
                       max_s=round(max(seconds), 4), epochs_timed=len(seconds),
                       vs_scratch_nn=round(median / scratch, 2) if scratch else "",
                       vs_roofline=round(median / roofline, 2))
        if measured.accuracy.get(name) is not None:
            row["test_accuracy"] = round(measured.accuracy[name], 4)
        rows.append({column: row.get(column, "") for column in CSV_COLUMNS})
    for seed, accuracy in measured.noise.items():
        row = {"batch_size": batch_size, "backend": f"scratch_nn_seed{seed}",
               "label": NOISE_LABEL.format(seed=seed), "samples": samples,
               "test_accuracy": round(accuracy, 4)}
        rows.append({column: row.get(column, "") for column in CSV_COLUMNS})
    return rows
