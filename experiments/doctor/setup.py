"""The training setup under diagnosis, and the copies the probes train instead of it.

A :class:`Setup` holds what a user passes to ``fit``: the compiled model, the
training arrays, the batch size and epochs, validation data, and (optionally)
the test data the model will be evaluated on. Every probe trains a
:meth:`Setup.clone`: the layers deep-copied into a new ``Sequential``, the
user's weights copied in with ``set_weights``, a fresh optimizer of the same
class and hyperparameters, and a copy of the loss. The user's model, its
weights and its optimizer state are never touched.
"""

import copy
import inspect
import math
import time

import numpy as np

from scratch_nn import data
from scratch_nn.layers import Input
from scratch_nn.models import Sequential


def fresh_optimizer(optimizer, learning_rate=None):
    """A new optimizer of ``optimizer``'s class and hyperparameters, with no state.

    Every constructor argument is read back from the attribute of the same
    name (``momentum``, ``beta_1``...). The learning rate is the optimizer's
    current one (a schedule is read at its current step) unless
    ``learning_rate`` is given.
    """
    cls = type(optimizer)
    kwargs = {}
    for name in inspect.signature(cls.__init__).parameters:
        if name not in ("self", "learning_rate", "name") and hasattr(optimizer, name):
            kwargs[name] = getattr(optimizer, name)
    rate = optimizer.learning_rate if learning_rate is None else learning_rate
    return cls(learning_rate=float(rate), **kwargs)


def chance_loss(model):
    """``ln(classes)``, the cross-entropy of a uniform guess; ``nan`` for other losses.

    A loss at or above it means the model has learned nothing about the input.
    """
    classes = model.output_shape[-1]
    if getattr(model.loss, "fuses_softmax", False) and classes > 1:
        return math.log(classes)
    return float("nan")


def layer_outputs(model, x):
    """Inference-mode output of every layer of ``model`` for ``x``: a list of arrays."""
    outputs = []
    for layer in model.layers:
        x = layer.forward(x, training=False)
        outputs.append(x)
    return outputs


def relu_units(model):
    """Indices of the layers whose output is a ReLU (a Dense or an Activation with relu)."""
    return [i for i, layer in enumerate(model.layers)
            if getattr(getattr(layer, "activation", None), "name", None) == "relu"]


class Setup:
    """A training setup, checked up front; the probes read it and never change it.

    Args:
        model: a compiled, built scratch_nn ``Sequential`` (for a Keras model,
            its scratch_nn twin; the Keras model itself is ``keras_model``).
        x, y: training inputs and targets as given to ``fit``.
        batch_size, epochs: as given to ``fit`` (``None`` batch size is 32).
        validation_data: ``(x_val, y_val)`` or ``None``.
        validation_split: fraction of ``x`` held out (the last samples, as
            Keras), used when ``validation_data`` is ``None``.
        test_data: ``(x_test, y_test)`` the trained model will be evaluated
            on, or ``None``; only its preprocessing is compared with ``x``'s.
        seed: seed of the probes' batch order.
        keras_model: the user's Keras model when one was passed.

    Attributes:
        x, y, x_val, y_val: the training and validation arrays as ``fit``
            converts them (``x_val`` is ``None`` without validation data).
        test: ``(x_test, y_test)`` converted the same way, or ``None``.
        raw: the inputs exactly as given, by split (``"train"``, ...).

    Raises:
        ValueError: the model is not compiled or built, or the arrays do not
            fit it (the message says which and how).
    """

    def __init__(self, model, x, y, batch_size=None, epochs=1, validation_data=None,
                 validation_split=0.0, test_data=None, seed=0, keras_model=None):
        if not getattr(model, "compiled", False) or model.optimizer is None:
            raise ValueError("diagnose: compile the model first (model.compile(optimizer, loss))")
        if not model.built:
            raise ValueError("diagnose: the model has no input shape; start it with Input(shape)")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"diagnose: epochs must be an integer >= 1, received {epochs!r}")
        self.model = model
        self.keras_model = keras_model
        self.input_shape = tuple(model.layers[0].input_shape)
        self.batch_size = data.check_batch_size(batch_size)
        self.epochs = int(epochs)
        self.seed = seed
        self.raw = {"train": x}
        self.test = None
        x_all, y_all = self.prepare(x, y, "x", "y")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("diagnose: validation_data must be a tuple (x_val, y_val)")
            self.raw["validation"] = validation_data[0]
            self.x, self.y = x_all, y_all
            self.x_val, self.y_val = self.prepare(*validation_data, "validation_data[0]",
                                                  "validation_data[1]")
        elif validation_split:
            (self.x, self.y), (self.x_val, self.y_val) = data.split_validation(
                x_all, y_all, validation_split)
        else:
            self.x, self.y = x_all, y_all
            self.x_val = self.y_val = None
        if test_data is not None:
            if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
                raise ValueError("diagnose: test_data must be a tuple (x_test, y_test)")
            self.raw["test"] = test_data[0]
            self.test = self.prepare(*test_data, "test_data[0]", "test_data[1]")

    def prepare(self, x, y, x_name, y_name):
        """``x`` and ``y`` checked and converted as ``fit`` would (model dtype, label form)."""
        x = data.check_inputs(x, self.input_shape, self.model.dtype, x_name)
        y = data.check_targets(y, x.shape[0], self.model.output_shape, self.model.loss.name,
                               self.model.dtype, y_name)
        return x, y

    @property
    def n(self):
        """Number of training samples (after any validation split)."""
        return self.x.shape[0]

    def clone(self, learning_rate=None, metrics=None):
        """A compiled copy of the model with the user's current weights and a fresh optimizer.

        Args:
            learning_rate: the copy's learning rate (the user's by default).
            metrics: metrics to compile the copy with (none by default).
        """
        layers = copy.deepcopy(self.model.layers)
        twin = Sequential([Input(self.input_shape), *layers], name=f"{self.model.name}_probe")
        twin.set_weights(self.model.get_weights())
        twin.compile(optimizer=fresh_optimizer(self.model.optimizer, learning_rate),
                     loss=copy.deepcopy(self.model.loss), metrics=metrics)
        return twin

    def batches(self, batch_size=None, seed_offset=0):
        """Endless ``(x_batch, y_batch)`` pairs, each epoch a fresh permutation (as ``fit``)."""
        batch_size = min(batch_size or self.batch_size, self.n)
        return full_batches(self.x, self.y, batch_size, np.random.default_rng(self.seed + seed_offset))

    def sample(self, size, seed_offset=0):
        """A fixed random sample of ``size`` training pairs (all of them when fewer)."""
        rng = np.random.default_rng(self.seed + seed_offset)
        idx = rng.permutation(self.n)[:size]
        return self.x[idx], self.y[idx]

    def describe(self):
        """The setup in a few words per item, for the report's header."""
        model = self.model
        layers = ", ".join(_layer_words(layer) for layer in model.layers)
        optimizer = model.optimizer
        return {
            "model": ("Keras " if self.keras_model is not None else "scratch_nn ") + f"[{layers}]",
            "parameters": model.count_params(),
            "optimizer": f"{type(optimizer).__name__}(learning_rate={optimizer.learning_rate:g})",
            "loss": model.loss.name,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "training samples": self.n,
            "validation samples": 0 if self.x_val is None else self.x_val.shape[0],
        }


def _layer_words(layer):
    kind = type(layer).__name__
    if hasattr(layer, "units"):
        activation = getattr(layer.activation, "name", "linear")
        return f"{kind}({layer.units}, {activation})"
    if hasattr(layer, "rate"):
        return f"{kind}({layer.rate:g})"
    return kind


def full_batches(x, y, batch_size, rng):
    """Endless ``(x_batch, y_batch)`` pairs of ``batch_size`` rows, each epoch a fresh permutation.

    The batches come from `scratch_nn.data.batches` (the loop ``fit`` walks),
    in the order ``rng.permutation(n)`` per epoch; each epoch's last, partial
    batch is skipped, so that every probe step has the same size. A batch is
    valid until the next one is drawn (it lives in a reused buffer).
    """
    while True:
        for xb, yb in data.batches(x, y, batch_size, order=rng.permutation(len(x))):
            if len(xb) == batch_size:
                yield xb, yb


def flops_per_sample(model):
    """Training FLOPs per sample of the Dense layers: ``6 in units``, ``4`` for the first."""
    total, first = 0, True
    for layer in model.layers:
        if "kernel" in getattr(layer, "params", {}):
            fan_in, units = layer.params["kernel"].shape
            total += (4 if first else 6) * fan_in * units
            first = False
    return total


#: The reference step cost every probe plans its length with: the development
#: machine's fitted step on one BLAS thread, quiet (138 us fixed per step and 5 us
#: per sample of the 784-128-10 MLP's 0.41 MFLOP, 80 GFLOP/s).
NOMINAL_STEP_OVERHEAD, NOMINAL_FLOPS = 150e-6, 80e9


def nominal_step_seconds(model, batch_size):
    """Seconds a training step of ``model`` at ``batch_size`` costs on the reference machine.

        t = NOMINAL_STEP_OVERHEAD + flops_per_sample(model) * batch_size / NOMINAL_FLOPS

    Probe lengths are planned with this, never with a step timed now: a plan
    made from the clock gave a loaded machine shorter probes, fewer samples
    and coarser sweeps, and another verdict (the generalization check on
    Example 2 and the learning-rate check on Example 3 moved between OK and
    WARN with the load). A slower machine takes longer over the same plan.
    """
    return NOMINAL_STEP_OVERHEAD + flops_per_sample(model) * batch_size / NOMINAL_FLOPS


def time_steps(model, batches, seconds, max_steps, warmup=2):
    """Seconds per ``train_step``: the fastest of up to ``max_steps`` steps or ``seconds``.

    The first ``warmup`` steps are run and not timed (first-touch memory,
    optimizer slots being built), as ``fit``'s own timing excludes step one.
    The minimum, as ``timeit`` advises for measuring the step itself: other
    processes and threads waiting for a busy core only ever add time, so the
    fastest step is what the machine's load changes least. (The batch-size
    check measures with it; probes plan with `nominal_step_seconds`.)
    """
    for _ in range(warmup):
        model.train_step(*next(batches))
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < max_steps and (len(times) < 3 or time.perf_counter() < deadline):
        xb, yb = next(batches)
        start = time.perf_counter()
        model.train_step(xb, yb)
        times.append(time.perf_counter() - start)
    return float(np.min(times))
