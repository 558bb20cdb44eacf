"""What one run trains (`Setting`) and how much the study may spend (`Budget`).

A `Setting` is plain data: the experiment modules list them, the runner turns
one into a model and a ``fit`` call on either backend, and its fields (with the
backend, seed and budget) are hashed into the key that names the saved run.
Experiments derive their settings from `BASE` with `dataclasses.replace`, so
each one changes a single cause at a time.
"""

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Setting:
    """One training configuration, as a Keras user would write it.

    Args:
        label: the name shown in tables and legends (unique in an experiment).
        group: the series this setting belongs to in the key plot ("SGD", "Adam").
        x: its coordinate in a key line plot (learning rate, batch size...).
        preprocessing: a name in `experiments.data.PREPROCESSING`.
        hidden: widths of the hidden Dense layers.
        activation: activation of the hidden layers (the output is softmax).
        dropout: Dropout rate after each hidden layer (0: no Dropout layer).
        l2: factor of an ``l2`` kernel regularizer on every Dense layer.
        initializer: kernel initializer of every Dense layer: a name, or
            ``(class name, kwargs)`` such as ``("RandomNormal", {"stddev": 0.01})``.
        optimizer: a name as passed to ``compile`` (``"sgd"``) or
            ``(class name, kwargs)`` such as ``("SGD", {"learning_rate": 0.1})``.
        batch_size, epochs, validation_split: as in ``model.fit``. With no
            validation split, the test set is evaluated after every epoch
            instead, to measure the run (it never feeds back into training).
        early_stopping: kwargs of ``EarlyStopping``, or None for none.
        backend: pins the run to one implementation (``"naive"``, ``"scratch"``
            or ``"keras"``) whatever backends the study runs; None: every backend.
        dtype: the float type (``floatx``) the model is built in.
        compile_options: extra ``compile`` kwargs, Keras only
            (``jit_compile``, ``steps_per_execution``).
    """

    label: str
    group: str = ""
    x: float | None = None
    preprocessing: str = "scale"
    hidden: tuple = (128,)
    activation: str = "relu"
    dropout: float = 0.0
    l2: float | None = None
    initializer: object = "glorot_uniform"
    optimizer: object = ("Adam", {"learning_rate": 1e-3})
    batch_size: int = 128
    epochs: int = 10
    validation_split: float = 0.2
    early_stopping: dict | None = None
    backend: str | None = None
    dtype: str = "float32"
    compile_options: dict = field(default_factory=dict)

    def replace(self, **changes):
        """A copy with some fields changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)


#: The reference setting every experiment varies from: the seed's Example 2,
#: corrected (pixels scaled to [0, 1]), without early stopping.
BASE = Setting(label="base")


@dataclass(frozen=True)
class Budget:
    """How much of the study to run.

    Args:
        seeds: repeats of every setting (seeds 0 .. seeds-1).
        first_seed: skip the seeds below this one (``--first-seed``: two
            processes share a study's seeds without training one run twice).
        max_epochs: cap on every setting's epochs (None: as the setting says).
        train_size, test_size: first samples of MNIST's training and test sets
            to use (None: all 60,000 / 10,000).
        target: validation accuracy that "reached" means.
        grid_ends: keep only the two ends of every grid (settings with an
            ``x``, in groups of more than three), to smoke-test a sweep quickly.
        settle_s: rest before a NumPy run that follows a Keras run
            (`experiments.backends.settle`).
    """

    seeds: int = 3
    first_seed: int = 0
    max_epochs: int | None = None
    train_size: int | None = None
    test_size: int | None = None
    target: float = 0.97
    grid_ends: bool = False
    settle_s: float = 0.5

    def __post_init__(self):
        if not 0 <= self.first_seed < self.seeds:
            raise ValueError(f"first_seed: expected 0 <= first_seed < seeds ({self.seeds}), got {self.first_seed}")

    def settings(self, settings):
        """The ``settings`` of an experiment that this budget runs, in their order."""
        if not self.grid_ends:
            return list(settings)
        grids = {}
        for setting in settings:
            if setting.x is not None:
                grids.setdefault(setting.group, []).append(setting)
        inner = {id(s) for grid in grids.values() if len(grid) > 3 for s in grid[1:-1]}
        return [setting for setting in settings if id(setting) not in inner]

    def epochs(self, setting):
        """The number of epochs ``setting`` runs under this budget."""
        if self.max_epochs is None:
            return setting.epochs
        return min(setting.epochs, self.max_epochs)


#: The full study (``make study``).
FULL = Budget()
#: ``make run``: all of MNIST, but one seed and at most three epochs, so the
#: target is lowered to 95% (most settings need more epochs to reach 97%).
DEFAULT = Budget(seeds=1, max_epochs=3, target=0.95)
#: ``--quick``: a small subset, two epochs and the ends of each grid, for smoke tests.
QUICK = Budget(seeds=1, max_epochs=2, train_size=1000, test_size=500, grid_ends=True, settle_s=0.0)


@dataclass(frozen=True)
class KeyPlot:
    """How an experiment's key figure shows its answer.

    Args:
        metrics: measures (names in `experiments.measures.METRICS`), one panel each.
        kind: ``"bar"`` (one bar per setting and backend) or ``"line"``
            (metric against each setting's ``x``, one line per group and backend).
        xlabel: the x axis title of a line plot.
        logx, logy: log scales.
    """

    metrics: tuple = ("seconds_to_target",)
    kind: str = "bar"
    xlabel: str = ""
    logx: bool = False
    logy: bool = False
