"""How many seconds does one MNIST epoch take, and how far is that from the matrix-multiply limit?

``python -m experiments.bench`` (or ``make bench``) trains the same
784-128-10 ReLU/softmax MLP (Adam 1e-3, float32, sparse categorical
cross-entropy, accuracy tracked, shuffled every epoch) on the MNIST training
set with every backend and prints seconds per epoch at batch sizes 32, 128
and 512:

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

Each backend first runs a warm-up epoch (graph tracing, XLA compilation,
caches); then the timed epochs go round the backends in turn, A B C A B C,
so that a machine that slows down or speeds up hits all of them alike. An
epoch's time runs from ``on_epoch_begin`` to ``on_epoch_end`` (Keras and
scratch_nn), leaving out what ``fit`` does once per call. Reported: the
median epoch with its min and max.

The roofline is the epoch's arithmetic divided by the machine's
matrix-multiply rate, measured in the same run (a 1024x1024x1024 float32
``np.matmul``, once per round, median). One sample costs, forward and
backward, with no gradient for the input::

    forward   2 (784*128 + 128*10)   = 203,264 FLOPs
    dkernel   2 (784*128 + 128*10)   = 203,264 FLOPs
    dhidden   2 (10*128)             =   2,560 FLOPs
    total                              409,088 FLOPs  (24.55 GFLOP per 60,000 samples)

Accuracy is checked on the same runs: every backend that trains starts from
the same initial weights (scratch_nn's, seed 0; PyTorch gets the kernels
transposed), and after its warm-up and timed epochs it is scored on the MNIST
test images (as many as the training samples, at most 10,000). What is left
to tell them apart is the order of the samples (each backend shuffles with
its own generator; a seeded Keras ``fit`` repeats one order every epoch, see
``tests/test_keras_shuffle.py``) and float rounding. The noise that
such differences should stay within is measured too: scratch_nn trained as
many epochs from the same weights with four other shuffle seeds, untimed.

Writes ``bench.csv``, ``bench.png`` and ``bench.md`` (the tables, with the
machine and versions) to ``--out`` (``results/bench``). ``--quick`` is a
seconds-long smoke run on a slice of the data.
"""

import argparse
import collections
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

import scratch_nn
from experiments import store
from scratch_nn import blas

BATCH_SIZES = (32, 128, 512)
SIZES = (784, 128, 10)
LEARNING_RATE = 1e-3
FLOPS_PER_SAMPLE = 2 * (784 * 128 + 128 * 10) * 2 + 2 * 10 * 128
GEMM_N = 1024
TEST_SAMPLES = 10000
#: Shuffle seeds of the untimed scratch_nn runs that measure the accuracy's noise.
NOISE_SEEDS = (1, 2, 3, 4)
#: Every backend, in display order; ``naive`` runs once, outside the rotation.
BACKENDS = ("scratch_nn", "keras", "keras_jit", "keras_spe", "keras_jit_spe", "torch",
            "numpy_loop", "matmuls", "naive")
LABELS = {
    "scratch_nn": "scratch_nn fit",
    "keras": "Keras fit, default",
    "keras_jit": "Keras, jit_compile=True",
    "keras_spe": "Keras, steps_per_execution={spe}",
    "keras_jit_spe": "Keras, both",
    "torch": "PyTorch eager",
    "numpy_loop": "plain NumPy loop, same maths",
    "matmuls": "matrix products only",
    "naive": "naive per-sample loop (SGD)",
}
CSV_COLUMNS = ("batch_size", "backend", "label", "median_s", "min_s", "max_s", "epochs_timed",
               "samples", "vs_scratch_nn", "vs_roofline", "gemm_gflops", "roofline_s",
               "test_accuracy", "note")
#: The CSV rows of the untimed noise runs: only their accuracy is filled in.
NOISE_LABEL = "scratch_nn fit, shuffle seed {seed} (untimed)"


class Skip(Exception):
    """A backend that cannot run here (not installed...); the message goes in the table."""


# -- the backends ------------------------------------------------------------
class Backend:
    """One way of training the model. ``start`` builds it and runs the warm-up; ``epoch`` times one."""

    note = ""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def start(self, warmup):
        for _ in range(warmup):
            self.epoch()

    def epoch(self):
        raise NotImplementedError

    def accuracy(self, x, y):
        """Fraction of ``x`` classified as ``y`` by the trained model; here ``None``: nothing trains."""


def _epoch_timer(callback_class):
    """A callback (subclass of the framework's own) that times ``on_epoch_begin`` -> ``on_epoch_end``."""

    class EpochTimer(callback_class):
        seconds = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self._start

    return EpochTimer()


def _mlp(K, seed, weights=None, **compile_options):
    """The benchmark's model, with the same calls on scratch_nn and Keras.

    ``seed`` seeds the framework (initial weights, then the shuffles);
    ``weights`` then replaces the initial weights when given.
    """
    K.utils.set_random_seed(seed)
    model = K.Sequential([K.Input((SIZES[0],)), K.layers.Dense(SIZES[1], activation="relu"),
                          K.layers.Dense(SIZES[2], activation="softmax")])
    model.compile(optimizer=K.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  **compile_options)
    if weights is not None:
        model.set_weights(weights)
    return model


def initial_weights():
    """The weights every backend starts from: scratch_nn's model at seed 0 (``get_weights`` order)."""
    return _mlp(scratch_nn, seed=0).get_weights()


class FitBackend(Backend):
    """``model.fit(..., epochs=1)`` on a model kept across calls (scratch_nn or Keras).

    ``shuffle_seed`` seeds the framework before training: the weights are
    :func:`initial_weights` whatever it is, the sample order is not.
    """

    module = "scratch_nn"

    def __init__(self, x, y, batch_size, shuffle_seed=0, **compile_options):
        super().__init__(x, y, batch_size)
        self.shuffle_seed = shuffle_seed
        self.compile_options = compile_options

    def start(self, warmup):
        if self.module == "keras":
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            K = __import__(self.module)
        except ImportError as error:
            raise Skip(f"{self.module} is not installed ({error})") from None
        self.model = _mlp(K, self.shuffle_seed, initial_weights(), **self.compile_options)
        self.timer = _epoch_timer(K.callbacks.Callback)
        super().start(warmup)

    def epoch(self):
        self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, verbose=0,
                       callbacks=[self.timer])
        return self.timer.seconds

    def accuracy(self, x, y):
        logs = self.model.evaluate(x, y, batch_size=1000, verbose=0, return_dict=True)
        return float(logs["accuracy"])


class KerasBackend(FitBackend):
    """Keras 3 ``fit``; ``compile_options`` are ``jit_compile`` and ``steps_per_execution``."""

    module = "keras"


class TorchBackend(Backend):
    """PyTorch eager: the loop a PyTorch user writes, loss and accuracy summed as Keras logs them."""

    def start(self, warmup):
        try:
            import torch
        except ImportError:
            raise Skip("torch is not installed (optional: pip install torch==2.13.0)") from None
        self.torch = torch
        torch.manual_seed(0)
        self.model = torch.nn.Sequential(torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(),
                                         torch.nn.Linear(SIZES[1], SIZES[2]))
        kernel1, bias1, kernel2, bias2 = initial_weights()
        with torch.no_grad():  # torch keeps a Linear's weight as (out, in): Keras's kernel transposed
            for layer, kernel, bias in ((self.model[0], kernel1, bias1),
                                        (self.model[2], kernel2, bias2)):
                layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.T)))
                layer.bias.copy_(torch.from_numpy(bias))
        # Keras's epsilon, so the optimizers do the same work.
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE, eps=1e-7)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.xt = torch.from_numpy(self.x)
        self.yt = torch.from_numpy(self.y.astype(np.int64))
        self.note = f"torch.get_num_threads() = {torch.get_num_threads()}"
        super().start(warmup)

    def epoch(self):
        torch, n, bs = self.torch, self.xt.shape[0], self.batch_size
        start = time.perf_counter()
        order = torch.randperm(n)
        loss_sum, hits = torch.zeros(()), torch.zeros((), dtype=torch.int64)
        for first in range(0, n, bs):
            idx = order[first:first + bs]
            xb, yb = self.xt[idx], self.yt[idx]
            logits = self.model(xb)
            loss = self.loss_fn(logits, yb)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            with torch.no_grad():
                loss_sum += loss * len(idx)
                hits += (logits.argmax(dim=1) == yb).sum()
        float(loss_sum), int(hits)
        return time.perf_counter() - start

    def accuracy(self, x, y):
        torch = self.torch
        with torch.no_grad():
            predicted = self.model(torch.from_numpy(x)).argmax(dim=1).numpy()
        return float(np.mean(predicted == y))


class NumpyLoopBackend(Backend):
    """`experiments.plain_loop.PlainMLP`, started from the scratch_nn model's initial weights."""

    def start(self, warmup):
        from experiments.plain_loop import PlainMLP

        self.model = PlainMLP(initial_weights(), LEARNING_RATE)
        self.rng = np.random.default_rng(0)
        super().start(warmup)

    def epoch(self):
        start = time.perf_counter()
        self.model.epoch(self.x, self.y, self.batch_size, self.rng)
        return time.perf_counter() - start

    def accuracy(self, x, y):
        return self.model.accuracy(x, y)


class MatmulBackend(Backend):
    """The five matrix products of every step; nothing else.

    Forward ``h = x W1``, ``z = h W2``; backward ``dW2 = h^T dz``,
    ``dh = dz W2^T``, ``dW1 = x^T dh`` (no input gradient), into arrays
    allocated once, after `scratch_nn.blas.warm_up` as a model would. The
    input rows are read in order, so this is the floor of an epoch at this
    batch size with NumPy's matmul, before any other work.
    """

    def start(self, warmup):
        rng = np.random.default_rng(0)
        f32 = np.float32
        self.w1 = rng.standard_normal(SIZES[:2]).astype(f32)
        self.w2 = rng.standard_normal(SIZES[1:]).astype(f32)
        self.dw1, self.dw2 = np.empty_like(self.w1), np.empty_like(self.w2)
        self.h = np.empty((self.batch_size, SIZES[1]), f32)
        self.z = np.empty((self.batch_size, SIZES[2]), f32)
        self.dh = np.empty_like(self.h)
        blas.warm_up()
        super().start(warmup)

    def epoch(self):
        x, bs = self.x, self.batch_size
        start = time.perf_counter()
        for first in range(0, x.shape[0], bs):
            xb = x[first:first + bs]
            m = xb.shape[0]
            h, z, dh = self.h[:m], self.z[:m], self.dh[:m]
            np.matmul(xb, self.w1, out=h)
            np.matmul(h, self.w2, out=z)
            np.matmul(h.T, z, out=self.dw2)
            np.matmul(z, self.w2.T, out=dh)
            np.matmul(xb.T, dh, out=self.dw1)
        return time.perf_counter() - start


class NaiveBackend(Backend):
    """The per-sample loop of `experiments.naive_loop`, timed on a slice and scaled to the epoch."""

    def __init__(self, x, y, batch_size, samples):
        super().__init__(x, y, batch_size)
        self.samples = min(samples, x.shape[0])

    def start(self, warmup):
        try:
            from experiments.naive_loop import NaiveMLP
        except ImportError as error:
            raise Skip(f"experiments.naive_loop is missing ({error})") from None
        self.model = NaiveMLP(SIZES, learning_rate=0.01, seed=0)
        self.note = (f"plain SGD; {self.samples} samples timed, scaled to "
                     f"{self.x.shape[0]}")
        self.model.fit(self.x[:self.batch_size], self.y[:self.batch_size],
                       batch_size=self.batch_size)

    def epoch(self):
        start = time.perf_counter()
        self.model.fit(self.x[:self.samples], self.y[:self.samples], batch_size=self.batch_size)
        return (time.perf_counter() - start) * self.x.shape[0] / self.samples


def make_backend(name, x, y, batch_size, args):
    """The backend ``name`` for one batch size."""
    if name == "scratch_nn":
        return FitBackend(x, y, batch_size)
    if name.startswith("keras"):
        spe = args.steps_per_execution if name.endswith("spe") else 1
        return KerasBackend(x, y, batch_size, jit_compile="jit" in name, steps_per_execution=spe)
    if name == "torch":
        return TorchBackend(x, y, batch_size)
    if name == "numpy_loop":
        return NumpyLoopBackend(x, y, batch_size)
    if name == "matmuls":
        return MatmulBackend(x, y, batch_size)
    if name == "naive":
        return NaiveBackend(x, y, batch_size, args.naive_samples)
    raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")


# -- measuring ---------------------------------------------------------------
def gemm_gflops(n=GEMM_N, repeats=3):
    """Float32 ``n x n x n`` matmul rate in GFLOP/s: the best of ``repeats`` timed products."""
    a = np.ones((n, n), np.float32)
    b = np.ones((n, n), np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)
    best = min(_timed(np.matmul, a, b, out=out) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


Measured = collections.namedtuple("Measured", "times notes gemm accuracy noise")
Measured.__doc__ = """What `measure` found at one batch size.

``times``: epoch seconds per backend; ``notes``: a note per backend (why it
was skipped, threads...); ``gemm``: the GEMM rates, one per round;
``accuracy``: test accuracy per backend after all its epochs (``None`` for
one that does not train); ``noise``: scratch_nn's test accuracy per
shuffle seed of `NOISE_SEEDS`, from the same weights and as many epochs.
"""


def measure(batch_size, names, data, args, log):
    """Warm up every backend, time ``args.epochs`` rounds of one epoch each in turn, then score them.

    Args:
        data: ``((x, y), (x_test, y_test))``.

    Returns:
        a :class:`Measured`.
    """
    (x, y), (x_test, y_test) = data
    backends, times, notes = {}, {}, {}
    for name in names:
        backend = make_backend(name, x, y, batch_size, args)
        log(f"  bs {batch_size}: warming up {name}")
        try:
            backend.start(args.warmup)
        except Skip as reason:
            notes[name] = str(reason)
            log(f"  bs {batch_size}: {name} skipped: {reason}")
            continue
        backends[name], times[name] = backend, []
    gemm = []
    rotation = [name for name in backends if name != "naive"]
    for round_ in range(args.epochs):
        gemm.append(gemm_gflops())
        for name in rotation:
            # TensorFlow's and PyTorch's worker threads spin for a while after their
            # last op; timed straight after them, NumPy's BLAS threads would share
            # the cores with that spinning.
            time.sleep(args.pause)
            times[name].append(backends[name].epoch())
        log(f"  bs {batch_size}, round {round_ + 1}/{args.epochs}: "
            + ", ".join(f"{name} {times[name][-1]:.3f}s" for name in rotation))
    if "naive" in backends:
        time.sleep(args.pause)
        times["naive"].append(backends["naive"].epoch())
    for name, backend in backends.items():
        notes[name] = backend.note
    accuracy = {name: backend.accuracy(x_test, y_test) for name, backend in backends.items()}
    noise = {}
    if "scratch_nn" in backends:
        for seed in NOISE_SEEDS:
            log(f"  bs {batch_size}: scratch_nn with shuffle seed {seed}, untimed")
            backend = FitBackend(x, y, batch_size, shuffle_seed=seed)
            backend.start(args.warmup + args.epochs)
            noise[seed] = backend.accuracy(x_test, y_test)
    return Measured(times, notes, gemm, accuracy, noise)


def rows_for(batch_size, names, measured, samples, spe):
    """CSV rows for one batch size: medians, ranges, ratios and accuracy; then the noise runs."""
    times, notes, gemm = measured.times, measured.notes, measured.gemm
    rate = statistics.median(gemm) if gemm else float("nan")
    roofline = FLOPS_PER_SAMPLE * samples / (rate * 1e9)
    scratch = statistics.median(times["scratch_nn"]) if times.get("scratch_nn") else None
    rows = []
    for name in names:
        seconds = times.get(name)
        row = {"batch_size": batch_size, "backend": name, "label": LABELS[name].format(spe=spe),
               "samples": samples, "gemm_gflops": round(rate, 1), "roofline_s": round(roofline, 4),
               "note": notes.get(name, "")}
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


# -- reporting ---------------------------------------------------------------
def machine_lines(names):
    """What ran it: CPU, cores, load, BLAS and the versions of every framework used."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    blas_info = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    if blas_info:
        versions[-1] += f" ({blas_info.get('name', '?')} {blas_info.get('version', '')})".rstrip()
    if any(name.startswith("keras") for name in names) and "keras" in sys.modules:
        import tensorflow as tf

        versions += [f"Keras {sys.modules['keras'].__version__}", f"TensorFlow {tf.__version__}"]
    if "torch" in sys.modules:
        versions.append(f"PyTorch {sys.modules['torch'].__version__}")
    env = ", ".join(f"{key}={os.environ[key]}" for key in sorted(os.environ)
                    if key.startswith(("OPENBLAS_", "OMP_", "MKL_", "TF_NUM_"))) or "none set"
    return [f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
            f"Versions: {', '.join(versions)}",
            f"Threads and BLAS environment: {env}"]


def markdown(rows, batch_sizes, samples, args, header):
    """The tables for the README: seconds per epoch, scratch_nn's ratios, then test accuracy."""
    by = {(row["batch_size"], row["backend"]): row for row in rows}
    every = list(dict.fromkeys(row["backend"] for row in rows))
    names = [name for name in every if name in BACKENDS]
    first = names[0]

    def table(title, body):
        cols = " | ".join(f"bs {bs}" for bs in batch_sizes)
        rule = "|---" * (len(batch_sizes) + 1) + "|"
        return ["", title, "", f"| | {cols} |", rule,
                *(f"| {label} | {' | '.join(cells)} |" for label, cells in body)]

    def seconds(row):
        if row["median_s"] == "":
            return "skipped"
        if row["epochs_timed"] == 1:
            return f"{row['median_s']:.3g}"
        return f"{row['median_s']:.3f} ({row['min_s']:.3f}-{row['max_s']:.3f})"

    body = [(by[(batch_sizes[0], name)]["label"], [seconds(by[(bs, name)]) for bs in batch_sizes])
            for name in names]
    body.append((f"roofline ({FLOPS_PER_SAMPLE * samples / 1e9:.2f} GFLOP at the GEMM rate)",
                 [f"{by[(bs, first)]['roofline_s']:.3f}" for bs in batch_sizes]))
    body.append((f"GEMM rate, float32 {GEMM_N}^3 (GFLOP/s)",
                 [f"{by[(bs, first)]['gemm_gflops']:.1f}" for bs in batch_sizes]))
    lines = [*header, *table(
        f"Seconds per epoch ({samples} samples), median of {args.epochs} epochs after "
        f"{args.warmup} warm-up epoch(s), (min-max); backends timed in turn:", body)]
    if "scratch_nn" in names and all(by[(bs, "scratch_nn")]["median_s"] for bs in batch_sizes):
        body = [(f"{by[(batch_sizes[0], name)]['label']} / scratch_nn",
                 [str(by[(bs, name)]["vs_scratch_nn"] or "-") for bs in batch_sizes])
                for name in names if name != "scratch_nn"]
        body.append(("scratch_nn / roofline",
                     [str(by[(bs, "scratch_nn")]["vs_roofline"]) for bs in batch_sizes]))
        lines += table("How many times longer than scratch_nn an epoch takes (median over "
                       "median), and scratch_nn over the roofline:", body)
    scored = [name for name in every
              if any(by[(bs, name)]["test_accuracy"] != "" for bs in batch_sizes)]
    if scored:
        body = [(by[(batch_sizes[0], name)]["label"],
                 [_percent(by[(bs, name)]["test_accuracy"]) for bs in batch_sizes])
                for name in scored]
        lines += table(
            f"Test accuracy on {min(samples, TEST_SAMPLES)} MNIST test images after "
            f"{args.warmup + args.epochs} epochs, every backend from the same initial weights "
            "(the untimed rows measure the noise: scratch_nn from those weights with other "
            "shuffle orders):", body)
        lines += ["", *accuracy_lines(by, scored, batch_sizes)]
    notes = {by[(bs, name)]["note"]: by[(bs, name)]["label"]
             for name in names for bs in batch_sizes if by[(bs, name)]["note"]}
    if notes:
        lines += ["", *(f"- {label}: {note}" for note, label in notes.items())]
    return "\n".join(lines) + "\n"


def _percent(accuracy):
    return "-" if accuracy == "" else f"{100 * accuracy:.2f}%"


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


def load_mnist(samples):
    """``((x, y), (x_test, y_test))``: the first ``samples`` MNIST training images and as many test images.

    Images are float32 ``(n, 784)`` in [0, 1], labels uint8; there are
    ``min(samples, TEST_SAMPLES)`` test images.
    """
    from scratch_nn.datasets import mnist

    # As .ci/run does: the project's shared copy, when nothing else is set.
    shared = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist")
    if "MNIST_DATA_DIR" not in os.environ and os.path.isdir(shared):
        os.environ["MNIST_DATA_DIR"] = os.path.abspath(shared)
    splits = mnist.load_data()

    def prepare(images, labels, n):
        images = (images[:n].reshape(-1, SIZES[0]) / np.float32(255)).astype(np.float32)
        return np.ascontiguousarray(images), np.ascontiguousarray(labels[:n])

    return prepare(*splits[0], samples), prepare(*splits[1], min(samples, TEST_SAMPLES))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m experiments.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=list(BATCH_SIZES))
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per backend")
    parser.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    parser.add_argument("--samples", type=int, default=60000, help="training samples per epoch")
    parser.add_argument("--naive-samples", type=int, default=2000,
                        help="samples the naive loop is timed on")
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds of rest before each timed epoch (spinning threads settle)")
    parser.add_argument("--threads", type=int, default=None,
                        help="run with every framework limited to this many threads (NumPy's "
                             "BLAS, TensorFlow, PyTorch); default: each framework's own choice")
    parser.add_argument("--out", default=os.path.join("results", "bench"))
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2048 samples, 2 timed epochs, naive on 64")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.epochs, args.naive_samples = min(args.samples, 2048), 2, 64
        args.pause = min(args.pause, 0.05)
    if args.epochs < 1 or args.warmup < 0 or args.samples < 1:
        parser.error("--epochs must be >= 1, --warmup >= 0, --samples >= 1")
    return args


#: Thread-count variables, read by each library when it loads (so set before any import).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.threads and any(os.environ.get(k) != str(args.threads) for k in THREAD_VARIABLES):
        # NumPy is already loaded with its BLAS threads: the limit needs a fresh process.
        env = {**os.environ, **{k: str(args.threads) for k in THREAD_VARIABLES}}
        subprocess.run([sys.executable, "-m", "experiments.bench", *argv], env=env, check=True)
        return None

    def log(message):
        print(message, file=sys.stderr, flush=True)

    data = load_mnist(args.samples)
    samples = data[0][0].shape[0]
    names = [name for name in BACKENDS if name in args.backends]
    load_before = _loadavg()
    rows = []
    for batch_size in args.batch_sizes:
        measured = measure(batch_size, names, data, args, log)
        rows += rows_for(batch_size, names, measured, samples, args.steps_per_execution)
    header = machine_lines(names)
    header.append(f"Load average (1 min) before / after: {load_before} / {_loadavg()}")
    store.write_csv(os.path.join(args.out, "bench.csv"), CSV_COLUMNS, rows)
    table = markdown(rows, args.batch_sizes, samples, args, header)
    store.write_atomic(os.path.join(args.out, "bench.md"), table)
    plot(rows, args.batch_sizes, os.path.join(args.out, "bench.png"))
    print(table)
    log(f"wrote bench.csv, bench.md and bench.png to {args.out}")
    return rows


def _loadavg():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return "n/a"


if __name__ == "__main__":
    main()
