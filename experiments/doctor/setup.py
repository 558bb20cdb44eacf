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

from experiments.doctor import data_order
from experiments.doctor import task as tasks
from scratch_nn import activations, data, losses
from scratch_nn.layers import Input
from scratch_nn.models import Sequential


class TargetsError(ValueError):
    """The targets do not fit the model's output and loss (``fit`` would raise)."""


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
        facts: the model's loss, output activation and width
            (`experiments.doctor.task.ModelFacts`).
        task: the task read from ``y``, the loss and the output layer
            (`experiments.doctor.task.Task`); the probes' metric.
        targets: the targets exactly as given, by split (``"train"`` holds
            those ``fit`` trains on, after any validation split).
        validation_source: ``"validation_data"``, ``"validation_split"`` or ``None``.
        split_shift: ``(unseen, shift)`` of a validation split
            (`experiments.doctor.data_order.split_shift`), ``(0, 0)`` otherwise.
        trainable: ``True``: the probes can train copies of the model.

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
        self.test = None
        self._splits = {}
        describe_data(self, tasks.model_facts(model), x, y, validation_data, validation_split,
                      test_data)
        x_all, y_all = self.prepare(x, y, "x", "y")
        self._all = (x_all, y_all)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("diagnose: validation_data must be a tuple (x_val, y_val)")
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
            self.test = self.prepare(*test_data, "test_data[0]", "test_data[1]")

    def prepare(self, x, y, x_name, y_name):
        """``x`` and ``y`` checked and converted as ``fit`` would (model dtype, label form)."""
        x = data.check_inputs(x, self.input_shape, self.model.dtype, x_name)
        try:
            y = data.check_targets(y, x.shape[0], self.model.output_shape, self.model.loss,
                                   self.model.dtype, y_name)
        except ValueError as err:
            raise TargetsError(f"diagnose: {err}") from err
        return x, y

    trainable = True

    @property
    def unrepresentative_split(self):
        """Whether a ``validation_split`` cut sorted data (`experiments.doctor.data_order`)."""
        return data_order.unrepresentative(self.split_shift)

    @property
    def n(self):
        """Number of training samples (after any validation split)."""
        return self.x.shape[0]

    def clone(self, learning_rate=None, metrics=None, loss=None, output_activation=None,
              hidden_activation=None, replaced=("sigmoid", "tanh")):
        """A compiled copy of the model with the user's current weights and a fresh optimizer.

        Args:
            learning_rate: the copy's learning rate (the user's by default).
            metrics: metrics to compile the copy with (none by default).
            loss: a loss name replacing the user's (a probe of a loss fix).
            output_activation: an activation name replacing the output
                layer's (a probe of an output fix).
            hidden_activation: an activation name replacing every activation
                named in ``replaced`` before the output layer's.
            replaced: the hidden activations ``hidden_activation`` replaces
                (sigmoid and tanh by default: a deep squashing stack).
        """
        layers = copy.deepcopy(self.model.layers)
        twin = Sequential([Input(self.input_shape), *layers], name=f"{self.model.name}_probe")
        twin.set_weights(self.model.get_weights())
        with_activation = [layer for layer in twin.layers if hasattr(layer, "activation")]
        if output_activation is not None:
            with_activation[-1].activation = activations.get(output_activation)
        if hidden_activation is not None:
            for layer in with_activation[:-1]:
                if getattr(layer.activation, "name", None) in replaced:
                    layer.activation = activations.get(hidden_activation)
        twin.compile(optimizer=fresh_optimizer(self.model.optimizer, learning_rate),
                     loss=copy.deepcopy(self.model.loss) if loss is None else losses.get(loss),
                     metrics=metrics)
        return twin

    def rescaled(self, scale, shift=0.0):
        """A shallow copy whose training and validation inputs are ``(x - shift) * scale``.

        For a check that must measure the setup as one fix leaves it (a range
        test on rescaled inputs); the model and everything else are shared.
        """
        def transform(a):
            return None if a is None else ((a - shift) * scale).astype(a.dtype)
        twin = copy.copy(self)
        twin.x, twin.x_val = transform(self.x), transform(self.x_val)
        twin._all = (transform(self._all[0]), self._all[1])
        twin._splits = {}
        return twin

    def split(self, holdout, samples):
        """``(x_train, y_train, x_held, y_held)``: the probes' training pool and held-out data.

        The user's validation data when there is some (``samples`` rows of
        it drawn at random), else a random ``holdout`` share of the training
        samples, which the probes then do not train on. The draw is seeded by
        the setup's seed and independent of the data's order: data sorted by
        class, or by time, gives a held-out set like the rest (the last rows
        of class-sorted data are a single class). A ``validation_split`` that
        cut sorted data (`experiments.doctor.data_order`) is replaced by a
        random share of all the samples, as shuffling first would give.
        Computed once per ``holdout`` (the held-out rows in a random order,
        ``samples`` of them returned as a view), so the probes and the
        generalization check share one copy of the training pool.
        """
        if holdout not in self._splits:
            rng = np.random.default_rng([self.seed, 7])
            if self.x_val is not None and not self.unrepresentative_split:
                # The validation rows in a random order: any first rows are a random sample.
                held = rng.permutation(self.x_val.shape[0])
                self._splits[holdout] = (self.x, self.y, self.x_val[held], self.y_val[held])
            else:
                x, y = self._all if self.unrepresentative_split else (self.x, self.y)
                order = rng.permutation(len(x))
                cut = max(1, int(len(x) * (1 - holdout)))
                train, held = np.sort(order[:cut]), order[cut:]
                self._splits[holdout] = (x[train], y[train], x[held], y[held])
        x, y, x_held, y_held = self._splits[holdout]
        return x, y, x_held[:samples], y_held[:samples]

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
            "task": self.task.describe(),
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "training samples": self.n,
            "validation samples": 0 if self.x_val is None else self.x_val.shape[0],
        }


def describe_data(target, facts, x, y, validation_data, validation_split, test_data):
    """Set the data attributes a static check reads on ``target`` (a `Setup` or a `StaticSetup`).

    ``raw``, ``targets``, ``facts``, ``task``, ``validation_source``,
    ``validation_split`` and ``split_shift``, from the arrays as given (no
    conversion to the model's dtype or label form).
    """
    y = np.asarray(y)
    target.facts = facts
    target.task = tasks.detect(facts, y)
    target.raw, target.targets = {"train": x}, {"train": y}
    target.validation_split = validation_split
    target.split_shift = (0.0, 0.0)
    target.validation_source = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("diagnose: validation_data must be a tuple (x_val, y_val)")
        target.validation_source = "validation_data"
        target.raw["validation"] = validation_data[0]
        target.targets["validation"] = np.asarray(validation_data[1])
    elif validation_split:
        target.validation_source = "validation_split"
        cut = math.floor(len(y) * (1.0 - validation_split))
        target.targets["train"], target.targets["validation"] = y[:cut], y[cut:]
        target.split_shift = data_order.split_shift(target.task, y[:cut], y[cut:])
    if test_data is not None:
        if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
            raise ValueError("diagnose: test_data must be a tuple (x_test, y_test)")
        target.raw["test"] = test_data[0]
        target.targets["test"] = np.asarray(test_data[1])


class StaticSetup:
    """What the checks that train nothing read, for a model the probes cannot train.

    Used when the setup cannot be probed: the Keras model's scratch_nn twin
    cannot be built, or the labels do not fit the model's output (the user's
    ``fit`` would raise). Has the data attributes of a `Setup`
    (`describe_data`) and ``trainable = False``.

    Args:
        facts: the model's `experiments.doctor.task.ModelFacts`.
        reason: why the probes cannot run, for the report.
        (the rest as `Setup`)
    """

    trainable = False

    def __init__(self, facts, x, y, reason, batch_size=None, epochs=1, validation_data=None,
                 validation_split=0.0, test_data=None, keras_model=None):
        describe_data(self, facts, x, y, validation_data, validation_split, test_data)
        self.x, self.y = x, self.targets["train"]
        self.n = len(self.y)
        self.reason = reason
        self.keras_model = keras_model
        self.batch_size, self.epochs = batch_size or 32, epochs

    @property
    def unrepresentative_split(self):
        """Whether a ``validation_split`` cut sorted data (`experiments.doctor.data_order`)."""
        return data_order.unrepresentative(self.split_shift)

    def describe(self):
        """The setup in a few words per item, for the report's header."""
        return {"model": ("Keras " if self.keras_model is not None else "scratch_nn ")
                + f"(output {self.facts.activation}, {self.facts.units} units)",
                "loss": self.facts.loss, "task": self.task.describe(),
                "batch_size": self.batch_size, "epochs": self.epochs,
                "training samples": len(self.targets["train"]),
                "probes": f"skipped: {self.reason}"}


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
