"""The benchmark's backends: one class per way of training the same MLP.

Every backend that trains starts from `initial_weights` (scratch_nn's model
at seed 0) and is timed one epoch at a time by `experiments.bench.measure`.
The model is `SETTING`, built by `experiments.builders.build` like every
run of the study: Flatten, Dense(128, relu), Dense(10, softmax), Glorot
uniform kernels, zero biases, Adam 1e-3, sparse categorical cross-entropy,
accuracy.
"""

import functools
import time

import numpy as np

import scratch_nn
from experiments import backends as frameworks
from experiments import builders, order, settings
from scratch_nn import blas
from scratch_nn.data import batches

#: The benchmark's model and optimizer, as one run of the study would train them.
SETTING = settings.BASE.replace(label="bench", validation_split=0.0)
#: Layer widths: the flattened image, the hidden layer, the classes.
SIZES = (784, *SETTING.hidden, 10)
LEARNING_RATE = builders.learning_rate(SETTING)
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


class Skip(Exception):
    """A backend that cannot run here (not installed...); the message goes in the table."""


def build(K, backend, seed, weights=None, **compile_options):
    """`SETTING` compiled on backend module ``K`` (``backend``: ``"scratch"`` or ``"keras"``).

    ``seed`` seeds the framework (initial weights, then the shuffles);
    ``weights`` then replaces the initial weights when given;
    ``compile_options`` (``jit_compile``, ``steps_per_execution``) reach Keras only.
    """
    setting = SETTING.replace(compile_options=compile_options)
    with frameworks.floatx(K, setting.dtype):
        K.utils.set_random_seed(seed)
        model = builders.build(K, setting, backend)
    if weights is not None:
        model.set_weights(weights)
    return model


def initial_weights():
    """The weights every backend starts from: scratch_nn's model at seed 0 (``get_weights`` order).

    Built once per process: building reseeds scratch_nn's global generator,
    which a backend that already started draws its sample orders from.
    """
    return [weight.copy() for weight in _initial_weights()]


@functools.lru_cache(maxsize=1)
def _initial_weights():
    return tuple(build(scratch_nn, "scratch", seed=0).get_weights())


def _flat(x):
    """Images ``(n, 28, 28)`` as rows ``(n, 784)`` (a view)."""
    return x.reshape(len(x), -1)


class Backend:
    """One way of training the model. ``start`` builds it and runs the warm-up; ``epoch`` times one.

    Args:
        x: training images, float32 ``(n, 28, 28)``; y: their labels ``(n,)``.
        batch_size: samples per step.
    """

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

    def threads(self):
        """The threads this backend computes on, as recorded beside its timings."""
        return f"BLAS {frameworks.blas_threads()}"


def _epoch_timer(callback_class):
    """A callback (subclass of the framework's own) that times ``on_epoch_begin`` -> ``on_epoch_end``."""

    class EpochTimer(callback_class):
        seconds = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self._start

    return EpochTimer()


class FitBackend(Backend):
    """``model.fit(..., epochs=1)`` on a model kept across calls (scratch_nn or Keras).

    ``shuffle_seed`` seeds the framework before training: the weights are
    :func:`initial_weights` whatever it is, the sample order is not.
    """

    backend = "scratch"

    def __init__(self, x, y, batch_size, shuffle_seed=0, **compile_options):
        super().__init__(x, y, batch_size)
        self.shuffle_seed = shuffle_seed
        self.compile_options = compile_options

    def start(self, warmup):
        try:
            K, _ = frameworks.load(self.backend)
        except ImportError as error:
            raise Skip(f"{self.backend} is not installed ({error})") from None
        weights = initial_weights()
        self.K = K
        self.model = build(K, self.backend, self.shuffle_seed, weights, **self.compile_options)
        self.timer = _epoch_timer(K.callbacks.Callback)
        if self.backend == "scratch":  # each fit(epochs=1) call walks a new permutation
            order.seed_scratch_fit(scratch_nn, self.shuffle_seed)
        self.calls = 0
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

    backend = "keras"

    def epoch(self):
        """One ``fit`` epoch in the order scratch_nn's ``fit`` call number ``calls`` walks.

        A seeded Keras ``fit(shuffle=True)`` would repeat one order in every call
        (`experiments.order`); instead the order is drawn as scratch_nn draws it,
        and a ``tf.data`` pipeline gathers the batches by it, as Keras's array
        adapter gathers by its own shuffled indices. The dataset is built before
        ``fit``, outside the timed epoch.
        """
        orders = order.one_epoch_permutations(self.shuffle_seed, len(self.x), self.calls + 1)
        self.calls += 1
        dataset, epoch_order = order.keras_dataset(self.K, self.x, self.y, self.batch_size,
                                                   orders[-1:])
        self.model.fit(dataset, epochs=1, verbose=0, callbacks=[epoch_order, self.timer])
        return self.timer.seconds

    def threads(self):
        return f"TensorFlow {frameworks.tensorflow_threads()}"


class TorchBackend(Backend):
    """PyTorch eager: the loop a PyTorch user writes, loss and accuracy summed as Keras logs them."""

    def start(self, warmup):
        try:
            import torch
        except ImportError:
            raise Skip("torch is not installed (optional: pip install torch==2.13.0)") from None
        self.torch = torch
        limit = frameworks.thread_limit()
        if limit is not None:
            torch.set_num_threads(limit)
            try:  # possible only once, before torch's first parallel op
                torch.set_num_interop_threads(limit)
            except RuntimeError:
                pass
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
        self.x_flat, self.y_long = _flat(self.x), self.y.astype(np.int64)
        self.rng = np.random.default_rng(0)
        super().start(warmup)

    def epoch(self):
        torch, n = self.torch, self.x_flat.shape[0]
        start = time.perf_counter()
        order = self.rng.permutation(n)
        loss_sum, hits = torch.zeros(()), torch.zeros((), dtype=torch.int64)
        # The batches are gathered by scratch_nn's own loop into reused NumPy buffers;
        # torch.from_numpy shares their memory, and each step's backward ends before
        # the next batch overwrites them.
        for xb_array, yb_array in batches(self.x_flat, self.y_long, self.batch_size, order=order):
            xb, yb = torch.from_numpy(xb_array), torch.from_numpy(yb_array)
            logits = self.model(xb)
            loss = self.loss_fn(logits, yb)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            with torch.no_grad():
                loss_sum += loss * len(yb)
                hits += (logits.argmax(dim=1) == yb).sum()
        float(loss_sum), int(hits)
        return time.perf_counter() - start

    def accuracy(self, x, y):
        torch = self.torch
        with torch.no_grad():
            predicted = self.model(torch.from_numpy(_flat(x))).argmax(dim=1).numpy()
        return float(np.mean(predicted == y))

    def threads(self):
        return (f"PyTorch {self.torch.get_num_threads()} "
                f"(inter-op {self.torch.get_num_interop_threads()})")


class NumpyLoopBackend(Backend):
    """`experiments.plain_loop.PlainMLP`, started from the scratch_nn model's initial weights."""

    def start(self, warmup):
        from experiments.plain_loop import PlainMLP

        self.model = PlainMLP(initial_weights(), LEARNING_RATE)
        self.rows = _flat(self.x)
        self.rng = np.random.default_rng(0)
        super().start(warmup)

    def epoch(self):
        start = time.perf_counter()
        self.model.epoch(self.rows, self.y, self.batch_size, self.rng)
        return time.perf_counter() - start

    def accuracy(self, x, y):
        return self.model.accuracy(_flat(x), y)


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
        self.rows = _flat(self.x)
        self.w1 = rng.standard_normal(SIZES[:2]).astype(f32)
        self.w2 = rng.standard_normal(SIZES[1:]).astype(f32)
        self.dw1, self.dw2 = np.empty_like(self.w1), np.empty_like(self.w2)
        self.h = np.empty((self.batch_size, SIZES[1]), f32)
        self.z = np.empty((self.batch_size, SIZES[2]), f32)
        self.dh = np.empty_like(self.h)
        blas.warm_up()
        super().start(warmup)

    def epoch(self):
        x, bs = self.rows, self.batch_size
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


def make_backend(name, x, y, batch_size, steps_per_execution, naive_samples):
    """The backend ``name`` for one batch size."""
    if name == "scratch_nn":
        return FitBackend(x, y, batch_size)
    if name.startswith("keras"):
        spe = steps_per_execution if name.endswith("spe") else 1
        return KerasBackend(x, y, batch_size, jit_compile="jit" in name, steps_per_execution=spe)
    if name == "torch":
        return TorchBackend(x, y, batch_size)
    if name == "numpy_loop":
        return NumpyLoopBackend(x, y, batch_size)
    if name == "matmuls":
        return MatmulBackend(x, y, batch_size)
    if name == "naive":
        return NaiveBackend(x, y, batch_size, naive_samples)
    raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
