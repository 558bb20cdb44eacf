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
    """

    peak: float
    epochs: int
    warmup: int = 0
    final: float = 0.0

    def __call__(self, epoch, lr=None):
        if epoch < self.warmup:
            return self.peak * (epoch + 1) / (self.warmup + 1)
        t = (epoch - self.warmup) / max(self.epochs - self.warmup, 1)
        return self.final + (self.peak - self.final) * (1 + math.cos(math.pi * t)) / 2


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
            epochs counted on across calls (``initial_epoch``).
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
    validation_split: float = 0.0
    early_stopping: dict | None = None
    compile_options: dict = field(default_factory=dict)
    backend: str | None = None

    def replace(self, **changes):
        """A copy with some fields changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)

    @property
    def epochs(self):
        """Epochs over all ``fit`` calls."""
        return sum(epochs for epochs, _ in self.phases)

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


#: The speedrun recipe (chosen on the validation split: docs/SPEEDRUN.md, "How the recipe was chosen").
RECIPE = Recipe(
    label="speedrun",
    preprocessing="standardize",
    hidden=(256,),
    dropout=0.1,
    optimizer=("Adam", {"learning_rate": 3e-3}),
    schedule={"warmup": 1, "final": 0.0},
    phases=((6, 256),),
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


#: Labels of the comparison rows: the recipe on compiled Keras, the seed's examples.
JIT = "{}, Keras jit_compile + steps_per_execution"
EXAMPLE = "seed Example {} as written"


def comparisons(recipe=RECIPE):
    """The rows the speedrun is compared with, after its ablation."""
    jit = recipe.replace(label=JIT.format(recipe.label),
                         compile_options={"jit_compile": True, "steps_per_execution": 32},
                         backend="keras")
    examples = [from_setting(EXAMPLE.format(number), seed_examples.AS_WRITTEN[number])
                for number in (1, 2)]
    return [jit, QUICKSTART, *examples]


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
