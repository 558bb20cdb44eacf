"""The speedrun's recipe as data, its ablation, and the recipes it is compared with.

A `Recipe` is what one speedrun row trains: the model and ``compile`` call (as
an `experiments.settings.Setting` builds them, through `experiments.builders`)
plus what a Keras user adds around ``fit``: a per-epoch learning-rate schedule
(`WarmupCosine`, given to ``callbacks.LearningRateScheduler``, which both
backends have) and ``phases``, one ``fit`` call per ``(epochs, batch_size)``
pair, so the batch size can grow across calls (a batch-size ramp).

`RECIPE` was chosen on a validation split carved from the training set (the
search is `experiments.speedrun.search`, its results in ``docs/SPEEDRUN.md``);
the test set only scores it. `ablation` sets one lever at a time back to its
default; `comparisons` are the reference points the speedrun is measured against.
"""

import dataclasses
import math
from dataclasses import dataclass, field

from experiments import seed_examples
from experiments.settings import Setting

#: Where a `Recipe`'s schedule lives (`Recipe.schedule_in`).
SCHEDULE_PLACES = ("callback", "optimizer")
#: The decay shapes `WarmupCosine` knows.
DECAYS = ("cosine", "linear")


@dataclass(frozen=True)
class WarmupCosine:
    """Per-epoch learning rate: linear warm-up to ``peak``, then cosine decay.

    For epoch ``e`` (0-based) of ``epochs``, ``w = warmup`` epochs of warm-up::

        lr(e) = peak * (e + 1) / (w + 1)                         e < w
        lr(e) = final + (peak - final) * (1 + cos(pi * t)) / 2    e >= w,
                t = (e - w) / (epochs - w)

    so the first decaying epoch runs at ``peak`` and the last one above
    ``final``. A callable ``(epoch, lr) -> lr`` for
    ``callbacks.LearningRateScheduler`` (the same function for both backends;
    Keras's is ``keras/src/callbacks/learning_rate_scheduler.py``).

    With ``decay="linear"`` the decay is a straight line instead,
    ``lr(e) = final + (peak - final) (1 - t)``.
    """

    peak: float
    epochs: int
    warmup: int = 0
    final: float = 0.0
    decay: str = "cosine"

    def __post_init__(self):
        if self.decay not in DECAYS:
            raise ValueError(f"WarmupCosine: decay must be one of {DECAYS}, received {self.decay!r}")

    def __call__(self, epoch, lr=None):
        if epoch < self.warmup:
            return self.peak * (epoch + 1) / (self.warmup + 1)
        t = (epoch - self.warmup) / max(self.epochs - self.warmup, 1)
        shape = (1 + math.cos(math.pi * t)) / 2 if self.decay == "cosine" else 1 - t
        return self.final + (self.peak - self.final) * shape


@dataclass(frozen=True)
class Recipe:
    """One speedrun row: model, optimizer, schedule and ``fit`` calls.

    Args:
        label: the row's name in tables and figures.
        preprocessing: a name in `experiments.data.PREPROCESSING`, applied the
            same way for both backends.
        hidden: widths of the hidden Dense layers (ReLU).
        dropout: Dropout rate after each hidden layer (0: none).
        optimizer: ``(class name, kwargs)`` or a name, as `Setting.optimizer`.
        schedule: ``{"warmup": epochs, "final": rate}`` for a `WarmupCosine`
            from the optimizer's learning rate, or None (a constant rate).
        phases: ``((epochs, batch_size), ...)``, one ``fit`` call each,
            epochs counted on across calls (``initial_epoch``). A third
            element ``fraction < 1`` subsamples: each epoch of that phase
            trains on a fresh random ``fraction`` of the training images
            (one ``fit`` call per epoch; `experiments.speedrun.train.fit`).
        label_smoothing: ``s > 0`` trains on one-hot targets with
            ``CategoricalCrossentropy(label_smoothing=s)`` (targets
            ``t (1 - s) + s / 10``); Keras's sparse loss has no smoothing.
        schedule_in: where the schedule lives: ``"callback"``
            (``LearningRateScheduler`` sets the rate at each epoch's start)
            or ``"optimizer"`` (the same per-epoch rates as a
            ``PiecewiseConstantDecay`` of the optimizer's step, which Keras
            evaluates inside its compiled train step).
        validation_split, early_stopping: as in `Setting` (the seed's Example 2).
        compile_options: extra ``compile`` kwargs, Keras only.
        backend: pin the row to one backend (None: every backend run).
    """

    label: str
    preprocessing: str = "scale"
    hidden: tuple = (128,)
    dropout: float = 0.0
    optimizer: object = ("Adam", {"learning_rate": 1e-3})
    schedule: dict | None = None
    phases: tuple = ((5, 32),)
    label_smoothing: float = 0.0
    schedule_in: str = "callback"
    validation_split: float = 0.0
    early_stopping: dict | None = None
    compile_options: dict = field(default_factory=dict)
    backend: str | None = None

    def replace(self, **changes):
        """A copy with some fields changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)

    def __post_init__(self):
        if self.schedule_in not in SCHEDULE_PLACES:
            raise ValueError(f"Recipe: schedule_in must be one of {SCHEDULE_PLACES}, "
                             f"received {self.schedule_in!r}")
        for phase in self.phases:
            if len(phase) not in (2, 3) or (len(phase) == 3 and not 0 < phase[2] <= 1):
                raise ValueError(f"Recipe: each phase must be (epochs, batch_size) or (epochs, batch_size, "
                                 f"fraction) with 0 < fraction <= 1, received {phase!r}")

    @property
    def epochs(self):
        """Epochs over all ``fit`` calls."""
        return sum(phase[0] for phase in self.phases)

    def epoch_plan(self):
        """``[(batch_size, fraction), ...]``, one per epoch, in order."""
        return [(phase[1], phase[2] if len(phase) == 3 else 1.0)
                for phase in self.phases for _ in range(phase[0])]

    def epoch_steps(self, n_train):
        """Optimizer steps of each epoch on ``n_train`` images: ``ceil(floor(fraction n) / batch)``."""
        return [math.ceil(int(fraction * n_train) / batch) for batch, fraction in self.epoch_plan()]

    def epoch_rates(self):
        """The learning rate of each epoch (the schedule's, or the optimizer's constant)."""
        schedule = self.learning_rate_schedule()
        if schedule is None:
            return [self.optimizer[1]["learning_rate"]] * self.epochs
        return [schedule(epoch) for epoch in range(self.epochs)]

    def step_schedule(self, n_train):
        """``(boundaries, values)`` of a ``PiecewiseConstantDecay`` giving each step its epoch's rate.

        The optimizer evaluates its schedule at ``step = iterations`` (0 for
        the first update; ``keras/src/optimizers/base_optimizer.py``), and
        ``PiecewiseConstantDecay`` gives ``values[i]`` for
        ``boundaries[i-1] < step <= boundaries[i]``, so epoch ``e`` ends at
        ``boundaries[e] = S_0 + ... + S_e - 1`` with ``S_e`` its steps.
        """
        boundaries, total = [], 0
        for steps in self.epoch_steps(n_train)[:-1]:
            total += steps
            boundaries.append(total - 1)
        return boundaries, [float(rate) for rate in self.epoch_rates()]

    def setting(self):
        """The `Setting` that `experiments.builders.build` turns into the compiled model."""
        return Setting(label=self.label, preprocessing=self.preprocessing, hidden=tuple(self.hidden),
                       dropout=self.dropout, optimizer=self.optimizer, batch_size=self.phases[0][1],
                       epochs=self.epochs, validation_split=self.validation_split,
                       early_stopping=self.early_stopping, compile_options=dict(self.compile_options))

    def learning_rate_schedule(self):
        """The `WarmupCosine` of this recipe, or None for a constant rate."""
        if self.schedule is None:
            return None
        peak = self.optimizer[1]["learning_rate"]
        return WarmupCosine(peak=peak, epochs=self.epochs, **self.schedule)


def from_setting(label, setting, backend=None):
    """A `Recipe` training exactly what ``setting`` trains (one ``fit`` call, no schedule)."""
    return Recipe(label=label, preprocessing=setting.preprocessing, hidden=tuple(setting.hidden),
                  dropout=setting.dropout, optimizer=setting.optimizer,
                  phases=((setting.epochs, setting.batch_size),),
                  validation_split=setting.validation_split, early_stopping=setting.early_stopping,
                  compile_options=dict(setting.compile_options), backend=backend)


#: The speedrun recipe: the cheapest candidate of the search that cleared the target plus its margin
#: on the validation split (docs/SPEEDRUN.md, "How the recipe was chosen").
RECIPE = Recipe(
    label="speedrun",
    preprocessing="standardize",
    hidden=(160,),
    optimizer=("Adam", {"learning_rate": 3e-3}),
    schedule={"warmup": 1, "final": 0.0},
    phases=((6, 256),),
    label_smoothing=0.1,
)

#: Each lever and its default: Keras's where Keras has one (Adam's rate 1e-3,
#: ``fit``'s batch size 32, a constant rate, no Dropout), the TensorFlow
#: quickstart's where it has none (pixels / 255, one hidden layer of 128).
LEVERS = {
    "preprocessing": ("x / 255", {"preprocessing": "scale"}),
    "width/depth": ("one hidden layer of 128", {"hidden": (128,)}),
    "learning rate": ("Adam's 1e-3", {"optimizer": ("Adam", {"learning_rate": 1e-3})}),
    "schedule": ("a constant rate", {"schedule": None}),
    "batch size": ("32 in one fit call", None),
    "dropout": ("none", {"dropout": 0.0}),
    "label smoothing": ("none", {"label_smoothing": 0.0}),
}


def _default(recipe, lever):
    """``recipe`` with ``lever`` set back to its default."""
    name, changes = LEVERS[lever]
    if lever == "batch size":
        changes = {"phases": ((recipe.epochs, 32),)}
    if lever == "learning rate" and isinstance(recipe.optimizer, tuple):
        # Only the rate goes back: the optimizer's other arguments stay.
        changes = {"optimizer": (recipe.optimizer[0], {**recipe.optimizer[1], "learning_rate": 1e-3})}
    return recipe.replace(label=f"without {lever} ({name})", **changes)


def ablation(recipe=RECIPE):
    """``recipe``, then one row per lever it changes, that lever set back to its default.

    A lever the recipe leaves at its default has no row (it would be the recipe again).
    """
    rows = [recipe]
    for lever in LEVERS:
        row = _default(recipe, lever)
        if dataclasses.replace(row, label=recipe.label) != recipe:
            rows.append(row)
    return rows


#: The TensorFlow "quickstart for beginners": 784-128-Dropout(0.2)-10, Adam, batch 32, 5 epochs.
QUICKSTART = Recipe(label="TensorFlow quickstart (Keras)", preprocessing="scale", hidden=(128,),
                    dropout=0.2, optimizer="adam", phases=((5, 32),), backend="keras")


#: Label of the seed's examples as rows.
EXAMPLE = "seed Example {} as written"

#: Keras configurations of a recipe, name -> (where the schedule lives, ``jit_compile``,
#: ``steps_per_execution``): what a careful Keras user can set for the same recipe. The schedule
#: in a ``LearningRateScheduler`` callback, or in the optimizer as a ``PiecewiseConstantDecay`` of
#: the step (evaluated inside the compiled train step). Why the last one was slow:
#: `experiments.speedrun.keras_configs`.
KERAS_CONFIGS = {
    "default fit": ("callback", False, 1),
    "schedule in the optimizer": ("optimizer", False, 1),
    "schedule in the optimizer, steps_per_execution=32": ("optimizer", False, 32),
    "schedule in the optimizer, jit_compile": ("optimizer", True, 1),
    "schedule in the optimizer, jit_compile, steps_per_execution=32": ("optimizer", True, 32),
    "callback, jit_compile, steps_per_execution=32": ("callback", True, 32),
}
#: The tuned configurations the scored run times against default ``fit`` (the fastest is kept).
TIMED = ("schedule in the optimizer", "schedule in the optimizer, steps_per_execution=32",
         "schedule in the optimizer, jit_compile, steps_per_execution=32")


def keras_row(recipe, name):
    """``recipe`` on Keras in configuration ``name`` of `KERAS_CONFIGS` (label ``<recipe>, Keras <name>``)."""
    if name not in KERAS_CONFIGS:
        raise ValueError(f"unknown Keras configuration {name!r}; choose from {list(KERAS_CONFIGS)}")
    schedule_in, jit, steps = KERAS_CONFIGS[name]
    options = {}
    if jit:
        options["jit_compile"] = True
    if steps != 1:
        options["steps_per_execution"] = steps
    return recipe.replace(label=f"{recipe.label}, Keras {name}", schedule_in=schedule_in,
                          compile_options=options, backend="keras")


def comparisons(recipe=RECIPE):
    """The rows the speedrun is compared with, after its ablation: Keras configurations, quickstart, seed."""
    tuned = [keras_row(recipe, name) for name in KERAS_CONFIGS if name != "default fit"]
    examples = [from_setting(EXAMPLE.format(number), seed_examples.AS_WRITTEN[number])
                for number in (1, 2)]
    return [*tuned, QUICKSTART, *examples]


def rows(recipe=RECIPE):
    """Every row of a speedrun: the ablation, then the comparisons."""
    return ablation(recipe) + comparisons(recipe)


def by_label(label, recipe=RECIPE):
    """The row of `rows` called ``label``."""
    for row in rows(recipe):
        if row.label == label:
            return row
    raise ValueError(f"unknown speedrun row {label!r}; choose from {[r.label for r in rows(recipe)]}")


def to_json(recipe):
    """``recipe`` as a JSON-ready dict (to hand it to a fresh process)."""
    return dataclasses.asdict(recipe)


def from_json(data):
    """The `Recipe` that `to_json` gave ``data`` for (lists back to tuples)."""
    data = dict(data)
    data["hidden"] = tuple(data["hidden"])
    data["phases"] = tuple(tuple(phase) for phase in data["phases"])
    if isinstance(data["optimizer"], list):
        data["optimizer"] = tuple(data["optimizer"])
    return Recipe(**data)
