"""The shared probe: does a fix reach a held-out level of the task's metric sooner than the setting as given?

Every fix the doctor recommends is tried before it is recommended. Two
:class:`Variant` s of the setup, the current setting and the fix, each train a
copy of the model from the user's current weights (`Setup.clone`) for up to
``K`` steps on the same batch order, and every ``M`` steps the copy's task
metric on held-out data is measured (accuracy for classification, ``R^2``
for regression: `experiments.doctor.task`; a fix that changes the loss is
compared on this metric, not on the loss): the user's validation data or
split, else a random ``HOLDOUT`` of the training samples, drawn
independently of their order (`Setup.split`), which the probe then does not
train on. Over ``PROBE_SEEDS`` probe seeds ``s`` (each its own batch order and
its own initial weights, the same for both variants: seed 0 trains from the
user's weights, every other seed from weights re-drawn with the model's own
initializers, `redraw`):

    cost_v,s = steps_v,s(L) * t_v      steps to the check from which on the run's
                                       metric stays >= L, times seconds per step
                                       (1 when the fix leaves the step time alone:
                                       cost in steps)
    L        = max(LEVEL_SHARE * min_v,s final_v,s, floor)

``L`` is just below the metric that both variants hold on every seed at the
end of their probes, and at least the task's floor (`Task.floor`: for 10
balanced classes ``2 / classes``, twice chance; for a binary task halfway
from chance to perfect; an ``R^2`` of 0.1 for regression), so a setting that
learns nothing sets no level a constant guess meets: the question is which of
the two gets there first, not which one ends higher. A run reaches ``L`` when
it stays there, not when one check passes it: raw 0-255 pixels under SGD jump
between 12% and 32% held-out accuracy from check to check, and timing their
first pass of 20% timed a lucky check (`Curve.steps_to`). A run that never
settles at ``L`` (or diverges, which scores 0 from then on, below every
task's floor) costs ``inf``. The gain on seed ``s`` is
``g_s = cost_current,s / cost_fix,s``. The fix **helps** when

    median_s g_s > MIN_GAIN

and is **recommended** (the check says WARN or PROBLEM) when

    median_s g_s >= bar,   bar = MATERIAL_GAIN

or, for the fix of a defect a static reading already shows (inputs an order
of magnitude off the unit scale), ``bar = DEFECT_GAIN``: any median gain
over 1.

The median of three seeds is the middle one, so a single seed, however noisy,
can neither make a recommendation nor veto one. (The rule used to require
the fix's slowest seed to beat the current setting's fastest, and one lucky
seed of raw pixels vetoed ``x / 255`` at 12.5x on the other two: the doctor
then called raw pixels OK.) When the three seeds straddle the bar
(``min g_s < bar <= max g_s``) the median of three still falls on either side
of it from run to run, so four more seeds are probed and the verdict reads
the median of seven (`Comparison.split`); the check's note says when the
seeds disagree (`Comparison.verdict`).

A gain between ``MIN_GAIN`` and ``MATERIAL_GAIN`` is real on the probe but
small, and a short probe from the initial weights overstates what it is
worth over a whole run: on the healthy setup (pixels / 255, Adam(1e-3),
batch 128, all of MNIST) the range test's Adam(0.0034) was 2x sooner on the
probe and trained to 97% only 1.2x sooner, well inside what seed and machine
noise move a run. The check then stays OK and says what it measured
(`Comparison.verdict`). When the current setting never reaches ``L`` (``L`` is
then the floor), its cost is only known to exceed its probe, and the gain is
a lower bound.

The seeds redraw the initial weights as well as the batch order because
the verdict must be a property of the setup, not of one draw of its weights:
on 3,000 MNIST images under Adam, ``x / 255`` measured 1.0x, 1.0x and 1.25x
over three batch orders from one draw of the weights and 2.5x, 4.5x and 4.2x
from another, so a probe that kept the user's draw on every seed turned the
input-scale verdict with the seed of the weights. Seed 0 keeps the user's
own weights (a model the user initialized some other way is still among the
evidence); seeds 1 and 2 re-draw every kernel and bias with the layer's own
initializer (a ``zeros`` kernel stays zeros, a tiny ``RandomNormal`` stays
tiny), seeded by the setup's seed and the probe seed.

What a probe measures does not depend on the machine: the number of seeds is
fixed, probe lengths are planned from a reference step cost
(`setup.nominal_step_seconds`), never from the clock, nothing is cut short by
the clock, and `experiments.doctor.diagnose` runs every probe on one BLAS
thread.
"""

import inspect
import math
from dataclasses import dataclass, field

import numpy as np

from experiments.doctor.setup import full_batches, nominal_step_seconds
from scratch_nn import initializers

HOLDOUT = 0.2
#: Held-out samples scored at each check (the first ones of the held-out set).
HELD_OUT_SAMPLES = 2000
#: Checks of held-out accuracy per probe run.
CHECKS = 24
#: Probe seeds per comparison: odd, so that the median is one seed's gain.
PROBE_SEEDS = 3
#: Probe seeds added when the first ``PROBE_SEEDS`` disagree about a fix
#: (`Comparison.split`): the median of 7 seeds is the verdict then.
EXTRA_SEEDS = 4
#: The least median gain a fix must show to help at all (ties and 10% wobbles are no gain).
MIN_GAIN = 1.2
#: The least median gain that earns a recommendation (a WARN or PROBLEM); a
#: smaller gain that still helps is reported as a note (see the module doc).
MATERIAL_GAIN = 1.5
#: The bar for a fix of a defect a static reading already shows (inputs an
#: order of magnitude off the unit scale): any median gain over 1. A bar near
#: the gains such a fix measures (Adam on raw pixels: 1.0x to 3.4x over
#: seeds, median 1.5x) would make the verdict follow the seed.
DEFECT_GAIN = 1.0
#: How far above the current setting's best final metric the fix's worst one
#: must end to "hold higher" (`Comparison.holds_higher`).
HOLD_MARGIN = 0.05
#: ``L`` as a share of the accuracy both variants reach.
LEVEL_SHARE = 0.99
#: Seconds a speed fix must save over the program's whole training, on the
#: reference machine, to be advice (`saved_seconds`).
MIN_SAVED_SECONDS = 1.0
#: The fewest training and held-out samples a probe can judge a fix on.
MIN_TRAIN, MIN_HELD_OUT = 100, 30
#: A setting learns on the probe when its median seed's best held-out metric is
#: at least this share of the way from chance to 100% (55% on 10 classes).
LEARNS_SHARE = 0.5


@dataclass(frozen=True)
class Variant:
    """One way to train the setup in a probe: the setting as given, or with one fix.

    Args:
        name: what the variant is, for the report (``"learning_rate=0.01"``).
        learning_rate: the copy's rate (``None``: the user's).
        batch_size: the copy's batch size (``None``: the user's).
        scale, shift: inputs become ``(x - shift) * scale``, train and held out alike
            (numbers, or arrays of one value per feature).
        initializer: re-draw every kernel with this initializer (biases to 0).
        step_seconds: seconds one step costs; ``None`` counts cost in steps.
        output_activation, loss: names replacing the output layer's
            activation and the loss (``None``: the user's).
        hidden_activation: a name replacing every hidden activation named in
            ``replaced`` (sigmoid and tanh unless told).
        replaced: the hidden activations ``hidden_activation`` replaces.
        target_scale, target_shift: regression targets become
            ``(y - target_shift) * target_scale``, train and held out alike
            (``R^2`` does not change under it, so both variants compare).
    """

    name: str
    learning_rate: float | None = None
    batch_size: int | None = None
    scale: object = 1.0
    shift: object = 0.0
    initializer: str | None = None
    step_seconds: float | None = None
    output_activation: str | None = None
    loss: str | None = None
    hidden_activation: str | None = None
    replaced: tuple = ("sigmoid", "tanh")
    target_scale: float = 1.0
    target_shift: float = 0.0


@dataclass
class Curve:
    """Held-out metric of one probe run at each check (``steps[i]`` steps trained).

    ``accuracy`` holds the task's metric (accuracy, or ``R^2`` for
    regression); ``model`` is the trained copy, as the run left it;
    ``diverged`` whether its loss stopped being finite (which ended the run).
    """

    steps: list
    accuracy: list
    model: object = None
    diverged: bool = False

    def steps_to(self, level):
        """Steps to the check from which on the accuracy stays >= ``level`` (``inf`` if none).

        That is the check after the last one below ``level``. A curve that
        passes ``level`` on one check and falls back on the next has not
        reached it: an erratic run's first pass is a lucky check, and timing
        it made the probe's verdict depend on the seed and the BLAS threads.
        """
        reached = math.inf
        for steps, accuracy in zip(reversed(self.steps), reversed(self.accuracy)):
            if accuracy < level:
                break
            reached = steps
        return reached

    @property
    def best(self):
        """Best held-out metric of the run (``-inf`` for a run without a check)."""
        return max(self.accuracy, default=-math.inf)

    @property
    def final(self):
        """Held-out metric at the last check (0 for a run that diverged)."""
        return self.accuracy[-1] if self.accuracy else 0.0


def held_out(setup):
    """``(x_train, y_train, x_held, y_held)``: the probes' training pool and held-out data
    (`Setup.split`: order-independent)."""
    return setup.split(HOLDOUT, HELD_OUT_SAMPLES)


def enough_data(setup):
    """Whether the setup has samples enough for a probe (``MIN_TRAIN``, ``MIN_HELD_OUT``).

    With fewer, the held-out metric moves in steps of a few percent per
    sample and a probe cannot tell a fix from noise: checks then give no
    probed advice (early stopping advised on 4 samples is advice on noise).
    """
    x, _, x_held, _ = held_out(setup)
    return x.shape[0] >= MIN_TRAIN and x_held.shape[0] >= MIN_HELD_OUT


def too_few(setup):
    """The sample counts, in words, against what a probe needs."""
    x, _, x_held, _ = held_out(setup)
    return (f"{x.shape[0]} to train on and {x_held.shape[0]} held out; a probe needs "
            f"{MIN_TRAIN} and {MIN_HELD_OUT}")


def score(setup, model, x, y, from_logits=None):
    """The task's held-out metric of ``model`` on ``(x, y)`` (`Task.score`)."""
    with np.errstate(all="ignore"):
        return setup.task.score(model.forward(x, training=False), y, from_logits)


def reinitialize(model, name, seed):
    """Re-draw every kernel of ``model`` with initializer ``name`` (a seeded copy), biases to 0."""
    cls = type(initializers.get(name))
    seeded = "seed" in inspect.signature(cls).parameters
    for index, layer in enumerate(model.layers):
        params = getattr(layer, "params", {})
        if "kernel" in params:
            draw = cls(seed=1000 * seed + index) if seeded else cls()
            params["kernel"][...] = draw(params["kernel"].shape, params["kernel"].dtype)
            if "bias" in params:
                params["bias"][...] = 0


def redraw(model, seed):
    """Re-draw every kernel and bias of ``model`` with its layer's own initializers.

    Each initializer that takes a ``seed`` gets ``seed`` plus the layer's
    index and the weight's (a copy from its config), so a draw repeats for a
    given ``seed``; the others (``zeros``, ``Constant``) are deterministic.
    """
    for index, layer in enumerate(model.layers):
        params = getattr(layer, "params", {})
        for offset, (name, attribute) in enumerate((("kernel", "kernel_initializer"),
                                                    ("bias", "bias_initializer"))):
            initializer = getattr(layer, attribute, None)
            if name not in params or initializer is None:
                continue
            config = initializer.get_config()
            if "seed" in config:
                initializer = type(initializer).from_config(
                    {**config, "seed": seed + 2 * index + offset})
            params[name][...] = initializer(params[name].shape, params[name].dtype)


def train(setup, variant, steps, every, seed, arrays=None):
    """Train a copy of ``setup`` as ``variant`` for ``steps`` steps; its :class:`Curve`.

    The held-out metric (`score`) is measured every ``every`` steps; batches
    are drawn from a permutation per epoch seeded by the setup's seed and the
    probe seed ``seed`` (the same for every variant), and for ``seed > 0`` the
    copy starts from weights re-drawn with the model's own initializers
    (`redraw`, seeded the same way). A loss that stops being
    finite ends the run, marked ``diverged``, with a last check at metric 0
    (below every task's floor): a diverged model has learned nothing it keeps.
    """
    x, y, x_held, y_held = arrays or held_out(setup)
    model = setup.clone(learning_rate=variant.learning_rate, loss=variant.loss,
                        output_activation=variant.output_activation,
                        hidden_activation=variant.hidden_activation,
                        replaced=variant.replaced)
    if seed > 0:
        redraw(model, 1_000_000 * (setup.seed % 1000) + 1000 * seed)
    if variant.initializer is not None:
        reinitialize(model, variant.initializer, seed)
    rescale = bool(np.any(np.asarray(variant.scale) != 1) or np.any(variant.shift))
    if rescale:
        x_held = ((x_held - variant.shift) * variant.scale).astype(x_held.dtype)
    if variant.target_scale != 1 or variant.target_shift:
        y = ((y - variant.target_shift) * variant.target_scale).astype(y.dtype)
        y_held = ((y_held - variant.target_shift) * variant.target_scale).astype(y_held.dtype)
    logits = False if variant.loss is not None or variant.output_activation is not None else None
    batch = min(variant.batch_size or setup.batch_size, x.shape[0])
    batches = full_batches(x, y, batch, np.random.default_rng([setup.seed, 10_000 + seed]))
    curve = Curve([], [], model)
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            xb, yb = next(batches)
            if rescale:
                xb = ((xb - variant.shift) * variant.scale).astype(xb.dtype)
            loss = float(model.train_step(xb, yb)[0])
            if not math.isfinite(loss):
                curve.diverged = True
                curve.steps.append(step)
                curve.accuracy.append(0.0)
                return curve
            if step % every == 0 or step == steps:
                curve.steps.append(step)
                curve.accuracy.append(score(setup, model, x_held, y_held, logits))
    return curve


@dataclass
class Comparison:
    """The current setting against a fix, over probe seeds (see the module doc).

    Attributes:
        current, fix: the two variants.
        level: the held-out metric ``L`` both are timed to.
        current_cost, fix_cost: cost to ``L`` per seed (``inf``: not reached).
        current_best, fix_best: best held-out metric per seed.
        steps: probe length of each variant.
        unit: ``"steps"`` or ``"s"``.
        held_out: number of held-out samples scored.
        metric: the metric's name (``"accuracy"``, ``"R^2"``).
        diverged: per seed, whether the current setting's and the fix's loss
            went NaN/inf: ``(current flags, fix flags)``.
        curves: each variant's name and held-out task metric (``metric``) per
            seed, ``x`` in ``unit``: ``{"current": {"name": ..., "runs": [{"x":
            [...], "metric": [...]}, ...]}, "fix": {...}}`` (what the
            doctor's figure draws).
        bar: the least median gain that earns a recommendation: ``MATERIAL_GAIN``
            for a setting that is merely off, ``DEFECT_GAIN`` where a static
            reading already shows a defect and the probe only has to show that
            the standard fix is faster at all (`compare`).
    """

    current: Variant
    fix: Variant
    level: float
    current_cost: list
    fix_cost: list
    current_best: list
    fix_best: list
    steps: tuple
    unit: str
    held_out: int
    metric: str = "accuracy"
    diverged: tuple = ((), ())
    curves: dict = field(default_factory=dict)
    bar: float = MATERIAL_GAIN

    @property
    def only_current_diverges(self):
        """Whether the current setting's loss went NaN/inf on every seed and the fix's on none."""
        current, fix = self.diverged
        return bool(current) and all(current) and not any(fix)

    def _level_text(self, value=None):
        value = self.level if value is None else value
        return (f"{value:.1%} held-out accuracy" if self.metric == "accuracy" else
                f"held-out {self.metric} {value:.3g}")

    @property
    def gains(self):
        """Per seed ``cost_current / cost_fix``: an unreached current counts as its probe
        length, an unreached fix gains 0, neither reached 1."""
        out = []
        for mine, theirs in zip(self.current_cost, self.fix_cost):
            if math.isinf(mine) and math.isinf(theirs):
                out.append(1.0)
                continue
            mine = self._probe_cost(0) if math.isinf(mine) else mine
            out.append(0.0 if math.isinf(theirs) else mine / theirs)
        return out

    def _probe_cost(self, which):
        variant = (self.current, self.fix)[which]
        return self.steps[which] * (variant.step_seconds or 1.0)

    @property
    def noise(self):
        """Seed spread of the current setting's cost, ``max / min`` (1 with one seed)."""
        finite = [c for c in self.current_cost if math.isfinite(c)]
        if len(finite) < 2 or len(finite) < len(self.current_cost):
            return 1.0
        return max(finite) / min(finite)

    @property
    def current_reached(self):
        """Whether the current setting reached ``L`` on every seed."""
        return all(math.isfinite(c) for c in self.current_cost)

    @property
    def only_fix_reaches(self):
        """Whether the fix settled at ``L`` on every seed and the current setting on none.

        ``L`` is at most ``LEVEL_SHARE`` of every run's final metric unless the
        task's floor is higher, so a current setting that never settles at ``L``
        ends below the floor on every seed: it learned next to nothing, and
        its gain (the probe length over the fix's cost) is only a lower bound.
        """
        return (bool(self.current_cost) and not any(map(math.isfinite, self.current_cost))
                and all(map(math.isfinite, self.fix_cost)))

    @property
    def split(self):
        """Whether the seeds disagree about the fix: ``min g_s < bar <= max g_s``.

        The median of three gains that straddle the bar falls on either side
        of it from one run (doctor seed, weights, batch orders) to the next,
        so `compare` adds ``EXTRA_SEEDS`` seeds before the verdict reads the
        median: its spread over runs shrinks by about ``sqrt(3 / 7)``.
        """
        gains = self.gains
        return bool(gains) and min(gains) < self.bar <= max(gains)

    @property
    def helps(self):
        """Whether the fix is sooner by more than ``MIN_GAIN`` on the median seed, or
        reached ``L`` where the current setting never did (`only_fix_reaches`)."""
        return self.gain > MIN_GAIN or self.only_fix_reaches

    @property
    def recommended(self):
        """Whether the fix is worth a WARN or PROBLEM: `only_fix_reaches`, or a
        median gain ``g >= bar`` and ``g > min(bar, MIN_GAIN)`` (with ``bar``
        under ``MIN_GAIN``: any gain over ``bar``)."""
        if self.only_fix_reaches:
            return True
        return self.gain >= self.bar and self.gain > min(self.bar, MIN_GAIN)

    @property
    def finals(self):
        """``(current, fix)``: each variant's held-out metric at its last check, per seed."""
        return tuple([run["metric"][-1] if run["metric"] else 0.0
                      for run in self.curves.get(which, {}).get("runs", [])]
                     for which in ("current", "fix"))

    @property
    def holds_higher(self):
        """Whether the fix ends above the current setting on every seed: ``min fix final >
        max current final + HOLD_MARGIN`` (the two ranges over seeds do not overlap).

        For a fix of a broken setup (an output/loss pair that cannot fit the
        task) rather than a speed-up: a setting that learns and then decays
        (a relu output under cross-entropy) reaches ``L`` as soon as its fix,
        since ``L`` is set by the lowest final metric, yet ends worse.
        """
        current, fix = self.finals
        return bool(current and fix) and min(fix) > max(current) + HOLD_MARGIN

    def verdict(self):
        """Why a fix that is not recommended is not, in one sentence (``""`` when it is).

        A fix that helps by less than ``MATERIAL_GAIN`` gets the gain it
        measured ("could be 1.3x sooner..."); one that was materially sooner on
        some seed but not on the median one, that the evidence is borderline;
        one that does not help, a plain no.
        """
        if self.recommended:
            return ""
        if max(self.gains, default=0.0) >= self.bar:
            return (f"{self.fix.name} was {max(self.gains):.2g}x sooner on the luckiest of "
                    f"{len(self.gains)} probe seeds but {self.gain:.2g}x on the median one: "
                    "borderline evidence, so it is a note, not advice.")
        if self.helps:
            return (f"{self.fix.name} could be {self.gain_text()}, less than the "
                    f"{self.bar:g}x a fix must gain to be recommended, so it is a note, "
                    "not advice.")
        return (f"{self.fix.name} did not reach the held-out level sooner beyond the probe's "
                "seed noise, so it is not recommended.")

    @property
    def gain(self):
        """Median gain over seeds (1 when no seed ran)."""
        return float(np.median(self.gains)) if self.gains else 1.0

    def gain_text(self):
        """The gain with its spread and what it was measured on, in words."""
        gains = self.gains
        bound = "" if self.current_reached else "at least "
        spread = (f", {min(gains):.2g}x to {max(gains):.2g}x over {len(gains)} probe seeds"
                  if len(gains) > 1 else ", one probe seed")
        return (f"{bound}{self.gain:.2g}x sooner to {self._level_text()}{spread} "
                f"(seed noise of the current setting {self.noise:.2g}x; {self.held_out} held-out "
                "samples)")

    def describe(self):
        """One sentence: both variants' cost to ``L`` and best accuracy."""
        def costs(values):
            return ", ".join("not reached" if math.isinf(v) else f"{v:.3g}" for v in values)
        def best(values):
            value = max(values)
            return f"{value:.1%}" if self.metric == "accuracy" else f"{value:.3g}"
        return (f"To {self._level_text()} ({self.unit}, per probe seed): "
                f"{self.current.name} {costs(self.current_cost)} (best "
                f"{best(self.current_best)} in {self.steps[0]} steps); {self.fix.name} "
                f"{costs(self.fix_cost)} (best {best(self.fix_best)} in {self.steps[1]} steps).")

    def evidence(self):
        """The comparison as JSON-ready numbers."""
        return {"probe_level": self.level, "probe_unit": self.unit, "probe_steps": list(self.steps),
                "probe_current_cost": self.current_cost, "probe_fix_cost": self.fix_cost,
                "probe_current_best": self.current_best, "probe_fix_best": self.fix_best,
                "probe_gains": self.gains, "probe_noise": self.noise,
                "probe_helps": self.helps, "probe_recommended": self.recommended,
                "probe_metric": self.metric, "probe_curves": self.curves}


def learns(best, chance):
    """Whether a variant learned on the probe: ``median(best) >= c + LEARNS_SHARE (1 - c)``.

    Args:
        best: the variant's best held-out metric per probe seed.
        chance: ``c``, the metric of a model that learned nothing
            (`Task.chance`: ``1 / k`` or the commonest class's share; 0 for
            a regression's ``R^2``).

    A speed fix (a larger batch) compared on a setting that learns nothing
    times chance crossings: raw 0-255 pixels under SGD peaked at 25% to 38% on
    MNIST while the larger batch learned on one seed and not the next, so the
    batch-size check reads this first (`experiments.doctor.speed`).
    """
    return float(np.median(best)) >= chance + LEARNS_SHARE * (1 - chance) if best else False


def training_seconds(setup):
    """Seconds the program's own training takes on the reference machine.

        T = epochs * ceil(n / b) * nominal_step_seconds(model, b)

    with ``n`` the training samples and ``b`` the user's batch size: the
    whole of what ``fit`` will run, at the reference step cost
    (`setup.nominal_step_seconds`), never a step timed now, so the figure
    is the same under any load.
    """
    batch = min(setup.batch_size, setup.n)
    return setup.epochs * math.ceil(setup.n / batch) * nominal_step_seconds(setup.model, batch)


def saved_seconds(setup, comparison):
    """Seconds a speed fix saves over the program's whole training: ``T (1 - 1 / gain)``.

    A speed fix (a larger batch, a higher rate for a rate that is merely low)
    is worth advice when it saves real time, not only a ratio: the probe's
    gain is a ratio of times to a held-out level, and a program whose whole
    training (`training_seconds`) takes a quarter of a second gains nothing
    a user would notice from being 2.5x faster, while the warning sends them
    to change a setting that works (batch 10 on 10,000 samples for two
    epochs, SGD at 0.01 on 17 samples). A fix is advice only when it saves at
    least ``MIN_SAVED_SECONDS`` on the reference machine, which the probes
    plan with; slower machines and Keras's heavier steps save more, so the
    bar errs towards silence only for training that is short anywhere.
    """
    gain = comparison.gain
    return training_seconds(setup) * (1 - 1 / gain) if gain > 0 else 0.0


def only_speed(setup, comparison):
    """Whether a recommended fix is only a speed-up too small to be advice.

    True when the setting as given reached the held-out level on every probe
    seed (so the fix makes a setting that learns faster, not one that learns
    at all) and the fix saves under ``MIN_SAVED_SECONDS`` of the program's
    whole training (`saved_seconds`). The checks read it for findings in
    their WARN bands, where the setting is off but not broken (inputs or
    targets with RMS 3 to 10, a rate 3x to 30x below the suggestion).
    """
    return (comparison.recommended and comparison.current_reached
            and saved_seconds(setup, comparison) < MIN_SAVED_SECONDS)


def plan_steps(seconds, runs, step_seconds, lo=200, hi=600):
    """Probe length in steps so that ``runs`` runs (plus checks) fit in ``seconds``.

    ``step_seconds`` is the reference cost (`setup.nominal_step_seconds`), not a
    step timed now, so the plan is the same on every machine and under any load.
    Never fewer than ``lo``: a shorter probe cannot tell an erratic setting
    from a good one (raw pixels under SGD pass 20% held-out accuracy by chance
    within a few dozen steps), so the budget is overrun instead.
    """
    return int(np.clip(seconds / (2 * runs * max(step_seconds, 1e-6)), lo, hi))


def compare(setup, current, fix, steps, seeds=PROBE_SEEDS, bar=MATERIAL_GAIN):
    """Probe ``current`` and ``fix`` over ``seeds`` probe seeds; a :class:`Comparison`.

    Args:
        steps: probe length of ``current``; ``fix`` trains for the same
            cost (``steps * t_current / t_fix`` steps when both carry
            ``step_seconds``), so both get the same time.
        seeds: probe seeds, all run whatever the clock says (an odd number:
            the verdict reads the median seed); ``EXTRA_SEEDS`` more when
            they straddle ``bar`` (`Comparison.split`).
        bar: the median gain that earns a recommendation (`Comparison.bar`).
    """
    arrays = held_out(setup)
    fix_steps = steps
    if current.step_seconds and fix.step_seconds:
        fix_steps = max(1, round(steps * current.step_seconds / fix.step_seconds))
    curves = []

    def run(count):
        for seed in range(len(curves), count):
            curves.append((train(setup, current, steps, max(1, steps // CHECKS), seed, arrays),
                           train(setup, fix, fix_steps, max(1, fix_steps // CHECKS), seed, arrays)))
        return _comparison(setup, current, fix, steps, fix_steps, arrays, curves, bar)

    comparison = run(seeds)
    if comparison.split:
        comparison = run(seeds + EXTRA_SEEDS)
    return comparison


def _comparison(setup, current, fix, steps, fix_steps, arrays, curves, bar):
    """The :class:`Comparison` of the probe runs ``curves`` (pairs of current, fix)."""
    lowest = min(c.final for pair in curves for c in pair)
    floor = setup.task.floor(arrays[3])
    level = max(LEVEL_SHARE * lowest if lowest > 0 else lowest, floor)
    unit = "s" if current.step_seconds and fix.step_seconds else "steps"

    def cost(curve, variant):
        return curve.steps_to(level) * (variant.step_seconds if unit == "s" else 1.0)

    def drawn(curve, variant):
        per_step = variant.step_seconds if unit == "s" else 1.0
        return {"x": [s * per_step for s in curve.steps], "metric": list(curve.accuracy)}

    return Comparison(current, fix, level,
                      [cost(c, current) for c, _ in curves], [cost(f, fix) for _, f in curves],
                      [c.best for c, _ in curves], [f.best for _, f in curves],
                      (steps, fix_steps), unit, arrays[3].shape[0], setup.task.metric,
                      ([c.diverged for c, _ in curves], [f.diverged for _, f in curves]),
                      {"current": {"name": current.name,
                                   "runs": [drawn(c, current) for c, _ in curves]},
                       "fix": {"name": fix.name, "runs": [drawn(f, fix) for _, f in curves]}},
                      bar)
