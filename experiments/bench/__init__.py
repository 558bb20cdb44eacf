"""How many seconds does one MNIST epoch take, and how far is that from the matrix-multiply limit?

``python -m experiments.bench`` (or ``make bench``) trains the same
784-128-10 ReLU/softmax MLP (`experiments.bench.backends.SETTING`: Adam 1e-3,
float32, sparse categorical cross-entropy, accuracy tracked, shuffled every
epoch) on the MNIST training set with every backend and prints seconds per
epoch at batch sizes 32, 128 and 512:

- ``scratch_nn``: ``Sequential.fit``;
- ``keras``, ``keras_jit``, ``keras_spe``, ``keras_jit_spe``: Keras 3 ``fit``
  by default, with ``jit_compile=True`` (XLA), with ``steps_per_execution``
  (several steps per call into the compiled function), and with both;
- ``torch``: PyTorch eager, the usual hand-written loop (skipped with a note
  when torch is not installed: it is optional, never a dependency);
- ``numpy_loop``: the plain NumPy loop of :mod:`experiments.plain_loop`, the
  same arithmetic as ``scratch_nn`` with no library around it;
- ``matmuls``: only the epoch's matrix products, on arrays allocated once;
  what a perfect library could not avoid at this batch size;
- ``naive``: the per-sample Python loop of :mod:`experiments.naive_loop`
  (plain SGD), timed on a slice of the data and scaled to the epoch.

Each backend first runs a warm-up epoch; then the timed epochs go round the
backends in turn (`experiments.bench.measure`). An epoch's time runs from
``on_epoch_begin`` to ``on_epoch_end`` (Keras and scratch_nn), leaving out
what ``fit`` does once per call. Reported: the median epoch with its min and
max, beside the GEMM rate measured in the same rounds (the roofline) and the
threads every framework ran on.

Accuracy is checked on the same runs: every backend that trains starts from
the same initial weights (scratch_nn's, seed 0; PyTorch gets the kernels
transposed), and after its warm-up and timed epochs it is scored on the MNIST
test images (as many as the training samples, at most 10,000). scratch_nn and
the four Keras configurations also walk the same new sample order in every
epoch (`experiments.order`: a seeded Keras ``fit`` alone would repeat one order,
``tests/test_keras_shuffle.py``), so between them only float rounding is left;
PyTorch and the plain loop shuffle with their own generators. The noise that
accuracy differences should stay within is measured too: scratch_nn trained as
many epochs from the same weights with four other shuffle seeds, untimed.

The package: ``backends`` (one class per way of training), ``measure``
(rounds, GEMM rate, CSV rows), ``report`` (tables, chart, docs page),
``__main__`` (the command line). `run` is the whole benchmark.
"""

import os

import scratch_nn
from experiments import data, store
from experiments.bench import backends, measure, report

#: Batch sizes timed by default.
BATCH_SIZES = (32, 128, 512)
#: At most this many MNIST test images score every backend.
TEST_SAMPLES = 10000


def load_data(samples):
    """``((x, y), (x_test, y_test))``: the first ``samples`` MNIST training images and as many test images.

    Through `experiments.data` as every experiment: images float32
    ``(n, 28, 28)`` scaled to [0, 1] (the setting's ``"scale"``
    preprocessing), labels uint8; ``min(samples, TEST_SAMPLES)`` test images.
    """
    x, y, x_test, y_test = data.load(samples, min(samples, TEST_SAMPLES))
    x, x_test = data.preprocess(scratch_nn, backends.SETTING.preprocessing, x, x_test,
                                backends.SETTING.dtype)
    return (x, y), (x_test, y_test)


def run(options, command="python -m experiments.bench", log=print):
    """Measure every backend at every batch size; write the CSV, chart and tables; return the rows.

    Args:
        options: the command line's namespace (`experiments.bench.__main__.parse_args`).
        command: the command line, recorded with the tables.
        log: a function taking one progress line.

    Writes ``bench.csv``, ``bench.md`` and ``bench.png`` to ``options.out``, and
    the tables into ``options.docs`` (between its markers) when that is set.
    """
    (x, y), test = load_data(options.samples)
    samples = x.shape[0]
    names = [name for name in backends.BACKENDS if name in options.backends]
    load_before = report.loadavg()
    rows = []
    for batch_size in options.batch_sizes:
        measured = measure.measure(batch_size, names, ((x, y), test), options, log)
        rows += measure.rows_for(batch_size, names, measured, samples,
                                 options.steps_per_execution)
    header = report.header_lines(names, command, load_before)
    table = report.markdown(rows, options.batch_sizes, samples, test[0].shape[0], options, header)
    store.write_csv(os.path.join(options.out, "bench.csv"), measure.CSV_COLUMNS, rows)
    store.write_atomic(os.path.join(options.out, "bench.md"), table)
    report.plot(rows, options.batch_sizes, os.path.join(options.out, "bench.png"))
    written = f"wrote bench.csv, bench.md and bench.png to {options.out}"
    if options.docs:
        report.write_docs(options.docs, table)
        written += f", and the tables into {options.docs}"
    print(table)
    log(written)
    return rows
