"""Check 2, learning rate: where does the user's rate sit on a learning-rate range test?

The range test (Leslie Smith, "Cyclical Learning Rates for Training Neural
Networks", 2017, section 3.3; fastai's ``lr_find``) trains a copy of the model
for ``N`` steps while raising the rate exponentially::

    lr_k = lr_lo * (lr_hi / lr_lo) ** (k / (N - 1)),   k = 0 .. N-1

and records the batch loss ``L_k``. The loss is flat while the rate is too
small to move the weights, falls fastest over the useful range, reaches a
minimum at ``lr_best``, then climbs as steps overshoot; the test stops once
the loss exceeds 4x its running minimum or stops being finite. The curve is
smoothed with a centred moving average (no lag, unlike an EMA). The
suggestion is ``lr_best / 3``: below the minimum, where the loss still falls
fast but a step does not overshoot. (fastai's rule is "minimum / 10"; measured
on full MNIST in the ``lr_range_test`` experiment, /10 gave Adam 5.4e-4, which
needed 2.6 epochs to 95% against 1.5 at Keras's default 1e-3, so the
suggestion sits a third of the minimum instead: ``SUGGESTION_DIVISOR``.)
The check runs ``SWEEPS`` = 3 range tests, each on its own batch order, and
reads the one whose minimum is the median: one sweep's minimum moves about 3x
with the batch order (0.017 to 0.054 for the healthy Adam on 3,000 MNIST
images), enough to carry a rate across a band below and change the verdict.

Verdict for the user's rate ``u`` (``lr_up`` = the rate at which the smoothed
loss climbs back above its starting value, or where the test stopped):

    u >= lr_up                  PROBLEM  too high: the loss rises (diverges)
    u >  lr_best                WARN     too high: past the minimum, unstable
    u <  suggestion / 30        PROBLEM  too low (progress per step ~ lr
                                         while lr is small: 30x more steps)
    u <  suggestion / b         WARN     too low; b = 3 for SGD, 10 for the
                                         adaptive optimizers (Adam, RMSprop...)
    otherwise                   OK

The band ``b`` differs by optimizer because the range test's suggestion is
worth different things to them, measured in the study's three-seed
``lr_range_test`` experiment: SGD at the suggestion (0.11) reaches 97% in
13.4 epochs where Keras's default 0.01 never does in 50, while Adam at its
suggestion (0.0077) is no faster than at 1e-3. For SGD a rate 3x below the
suggestion is already slow (the seed's Example 1 with ``x / 255``: SGD 0.01,
8x below the suggested 0.081, stops at 95.2% in 10 epochs). For Adam a rate
up to 10x below the suggestion is OK. On the healthy setup (pixels / 255,
Adam(1e-3), batch 128, all of MNIST, seed 0) the range test suggested 0.0034
on scratch_nn and 0.0049 on Keras; a probe from the initial weights measured
them 2x (1.8x to 2.1x) and 2.5x (2.3x to 2.7x) sooner to about 93% held-out
accuracy, yet trained to 97% Adam(0.0034) was only 1.2x sooner (1.12 s
against 1.29 s), and the study's three-seed ``lr_range_test`` experiment
found the range test's Adam suggestion no faster than 1e-3 in the median. A
larger rate wins early in training, where a short probe looks, more than
at the target. (With the bar at 3x, the doctor warned on that healthy
setup.)

A verdict other than OK is then put to the test on what the user cares
about (a rate above ``lr_best`` whose probe's loss goes NaN or infinite on
every seed, where the suggestion's does not, is a PROBLEM whatever the
held-out level: a diverging run has no level to be timed to): a probe
(`experiments.doctor.probe`) trains copies from the same weights at ``u``
and at the suggestion and times both to a held-out accuracy
level over probe seeds. Only a suggestion that gets there sooner on every
seed, by more than the seed noise, and by at least ``probe.MATERIAL_GAIN``,
is recommended; otherwise the check says OK and reports what it measured
(a smaller gain as a note: "could be 1.3x sooner"). A rate in the WARN band
(3x to 30x below the suggestion, or above the loss minimum without rising)
whose probe reached the held-out level on every seed learns, only more
slowly: the suggestion is then a speed matter, advice only when it saves at
least ``probe.MIN_SAVED_SECONDS`` of the program's whole training
(`probe.only_speed`). A rate more than 30x below the suggestion whose probe
reached the held-out level on every seed is read the same way, in the WARN
band: "each step barely moves the weights" is the range test's reading, and
a setting that learns on every seed refutes it (Adam's default 1e-3 on a
small MLP over generated blobs, 40x below a suggestion of 0.04, reached
the level on all three seeds). (The range test reads training loss over a
few hundred steps, where a larger rate always looks better at first: on the
healthy Adam 1e-3 it suggests several times the rate, which the study's
``lr_range_test`` experiment found no faster to the target.)
"""

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from experiments.doctor import probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult
from experiments.doctor.setup import Setup, chance_loss, nominal_step_seconds

LR_LO, LR_HI = 1e-6, 10.0
#: the suggestion is the rate at the smoothed loss minimum divided by this (see above)
SUGGESTION_DIVISOR = 3.0
STOP_FACTOR = 4.0
MIN_STEPS, MAX_STEPS = 60, 300
TOO_LOW_PROBLEM = 30.0
#: how far below the suggestion a rate may sit and be OK (see above): SGD, and every other optimizer
TOO_LOW_WARN_SGD, TOO_LOW_WARN = 3.0, 10.0
#: Range tests per check, each on its own batch order; the one with the median minimum counts.
SWEEPS = 3
#: The loss must fall to this fraction of its start, and of the chance loss
#: ``ln(classes)`` (a uniform guess), somewhere in the sweep, or the test
#: cannot say anything about the rate. (From raw pixels the loss starts near
#: 150; falling to 2.3 is no learning, only the logits shrinking to a guess.)
CONCLUSIVE = 0.9


@dataclass
class RangeTest:
    """The result of a learning-rate range test.

    Attributes:
        rates, losses: the rate and batch loss at each step run.
        smoothed: the centred moving average of ``losses``.
        best: ``lr_best``, the rate at the smoothed minimum.
        suggestion: ``best / SUGGESTION_DIVISOR``.
        rises_at: the rate where the smoothed loss climbs back above its start
            or the test stopped (``None`` if neither happened by ``LR_HI``).
        conclusive: whether the smoothed loss ever fell below ``CONCLUSIVE`` x its
            start and x the chance loss.
    """

    rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    best: float
    suggestion: float
    rises_at: float | None
    conclusive: bool


def smooth(values, window):
    """Centred moving average of odd ``window``, edges padded with the end values."""
    half = window // 2
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])])
    return np.convolve(padded, np.ones(window) / window, mode="valid")


def range_test(setup, steps, lr_lo=LR_LO, lr_hi=LR_HI, seed=0, variant=None):
    """Run a range test on a copy of ``setup``'s model (see the module doc).

    The rate climbs from ``lr_lo`` to ``lr_hi`` in ``steps`` steps, whatever
    the clock says: a sweep cut short by a busy machine's slow steps would be
    coarser, and could move its minimum and the verdict. ``seed`` picks the
    batch order. ``variant`` (a `probe.Variant`) swaps the copy's output
    activation, loss and hidden activations for the variant's, to find the
    rate that suits a fix (rescaled inputs come from `Setup.rescaled`).
    """
    if variant is None:
        model = setup.clone(learning_rate=lr_lo)
    else:
        model = setup.clone(learning_rate=lr_lo, loss=variant.loss,
                            output_activation=variant.output_activation,
                            hidden_activation=variant.hidden_activation,
                            replaced=variant.replaced)
    batches = setup.batches(seed_offset=1 + 10 * seed)
    rates, losses, ema, low, stopped = [], [], None, math.inf, False
    for k in range(steps):
        rate = lr_lo * (lr_hi / lr_lo) ** (k / (steps - 1))
        model.optimizer.learning_rate = float(rate)
        with np.errstate(all="ignore"):
            loss = float(model.train_step(*next(batches))[0])
        if not math.isfinite(loss):
            stopped = True
            break
        rates.append(rate)
        losses.append(loss)
        ema = loss if ema is None else 0.9 * ema + 0.1 * loss
        low = min(low, ema)
        if ema > STOP_FACTOR * low:
            stopped = True
            break
    rates = np.array(rates if rates else [lr_lo])
    losses = np.array(losses if losses else [math.nan])
    smoothed = smooth(losses, max(3, (len(losses) // 20) | 1))
    best_index = int(np.nanargmin(smoothed)) if np.isfinite(smoothed).any() else 0
    above = np.nonzero(smoothed[best_index:] > smoothed[0])[0]
    if above.size:
        rises_at = float(rates[best_index + above[0]])
    elif stopped:
        rises_at = float(rates[-1])
    else:
        rises_at = None
    best = float(rates[best_index])
    floor = CONCLUSIVE * min(smoothed[0], np.nan_to_num(chance_loss(model), nan=np.inf))
    return RangeTest(rates, losses, smoothed, best, best / SUGGESTION_DIVISOR, rises_at,
                     bool(smoothed[best_index] < floor))


def suggest_learning_rate(model, x, y, batch_size=32, steps=200, seed=0):
    """The range test's suggested learning rate for ``model`` on ``(x, y)``.

    For the experiments: train a model at this rate and at the default to
    check that the suggestion reaches the target in no more epochs. The
    model is copied; its weights and optimizer are not changed.

    Args:
        model: a compiled scratch_nn ``Sequential`` (its optimizer's class is used).
        x, y: training data, as for ``fit``.
        steps: length of the sweep from 1e-6 to 10.
    """
    return range_test(Setup(model, x, y, batch_size=batch_size, seed=seed), steps).suggestion


def median_range_test(setup, steps, lr_lo=LR_LO, lr_hi=LR_HI, variant=None):
    """``(median test, all tests)`` of ``SWEEPS`` range tests, each its own batch order.

    One sweep's minimum moves ~3x with its batch order (0.017 to 0.054 for the
    healthy Adam on 3,000 images), enough to cross the band: the sweep with
    the median ``best`` rate decides. ``variant``: as `range_test`.
    """
    tests = sorted((range_test(setup, steps, lr_lo, lr_hi, seed, variant)
                    for seed in range(SWEEPS)), key=lambda t: t.best)
    return tests[len(tests) // 2], tests


def with_rate(setup, variant, seconds, step, bar=probe.MATERIAL_GAIN):
    """``(rate, Comparison)`` of a fix together with a rate suited to it, or ``None``.

    Compound causes: a fix that changes what the rate acts on (inputs
    rescaled, another output and loss) can leave the user's rate far from
    what suits the fixed setup, so the fix alone measures no faster while
    the fix and a suited rate together do: raw pixels under SGD at 1e-4 need
    both scaling and a higher rate; a softmax and cross-entropy in place of
    a linear output under MSE change the gradient's scale, so the user's
    rate can suit one and not the other. The median of ``SWEEPS`` range tests on
    the setup as the fix leaves it (``MIN_STEPS`` steps each: a fixed plan,
    never the clock) gives the rate that suits it; when the user's rate is
    outside its useful band (``lr_best / 30`` to ``lr_best``), the fix with
    the suggestion is probed against the setting as given over ``seconds``
    at the reference step cost ``step`` (like every probe, at its least
    length even when the check's share of the budget is spent). ``None``
    when the rate suits the fixed setup or its range test is inconclusive.
    ``bar`` is the median gain the pair must show (`probe.Comparison.bar`: the
    caller's, since the pair fixes the caller's finding).
    """
    rate = float(setup.model.optimizer.learning_rate)
    rescaled = bool(np.any(np.asarray(variant.scale) != 1) or np.any(variant.shift))
    fixed = setup.rescaled(variant.scale, variant.shift) if rescaled else setup
    test, _ = median_range_test(fixed, MIN_STEPS, variant=variant)
    if not test.conclusive or test.best / TOO_LOW_PROBLEM <= rate <= test.best:
        return None
    steps = probe.plan_steps(seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
    combined = dataclasses.replace(variant, name=f"{variant.name} + learning_rate="
                                   f"{test.suggestion:.2g}", learning_rate=test.suggestion)
    return test.suggestion, probe.compare(setup, probe.Variant("as given"), combined, steps,
                                          bar=bar)


def check(setup, seconds):
    """Range test, then the suggestion against the user's rate on held-out accuracy (a probe)."""
    rate = float(setup.model.optimizer.learning_rate)
    name = type(setup.model.optimizer).__name__
    step = nominal_step_seconds(setup.model, setup.batch_size)
    # Half the time for the sweeps, half for the probe.
    steps = int(np.clip(0.5 * seconds / (SWEEPS * step), MIN_STEPS, MAX_STEPS))
    lo, hi = min(LR_LO, rate / 10), max(LR_HI, rate * 10)
    test, tests = median_range_test(setup, steps, lo, hi)
    evidence = {"lr_at_min_loss_per_sweep": [t.best for t in tests], "your_rate": rate,
                "sweep": [lo, hi], "sweep_steps": len(test.losses),
                "start_loss": float(test.smoothed[0]), "min_loss": float(np.min(test.smoothed)),
                "lr_at_min_loss": test.best, "suggested_rate": test.suggestion,
                "loss_rises_at": test.rises_at}
    if not test.conclusive:
        return CheckResult(
            "learning_rate", "Learning rate", WARN,
            f"Range test inconclusive: at no rate from {lo:g} to {hi:g} did the loss fall "
            f"below {CONCLUSIVE:g}x its start ({test.smoothed[0]:.3g}) and the chance loss "
            f"(lowest {test.smoothed.min():.3g}), so something other than the rate blocks "
            "learning; fix what blocks it (input scale, initialization, dead units: see those "
            "checks), then run the doctor again.",
            evidence, [])
    range_text = f"{test.best / 30:.2g} to {test.best / 3:.2g}"
    details = [f"Range test over {len(test.losses)} steps: smoothed loss {test.smoothed[0]:.3g} "
               f"at {lo:g}, minimum {np.min(test.smoothed):.3g} at {test.best:.2g}"
               + (f", back above the start at {test.rises_at:.2g}." if test.rises_at else ".")]
    if test.rises_at is not None and rate >= test.rises_at:
        status, verdict = PROBLEM, "too high: the loss rises at this rate (diverging)"
    elif rate > test.best:
        status, verdict = WARN, "too high: above the rate of minimum loss, steps overshoot"
    elif rate < test.suggestion / TOO_LOW_PROBLEM:
        status, verdict = PROBLEM, (f"too low: {test.suggestion / rate:.0f}x below the "
                                    "suggestion, each step barely moves the weights")
    elif rate < test.suggestion / (TOO_LOW_WARN_SGD if name == "SGD" else TOO_LOW_WARN):
        status, verdict = WARN, f"too low: {test.suggestion / rate:.1f}x below the suggestion"
    else:
        return CheckResult(
            "learning_rate", "Learning rate", OK,
            f"{name} learning rate {rate:g} is within the useful range of the range test "
            f"({range_text}; suggestion {test.suggestion:.2g}).", evidence, details)
    probe_steps = probe.plan_steps(0.45 * seconds, 2 * probe.PROBE_SEEDS, step)
    comparison = probe.compare(
        setup, probe.Variant(f"your rate {rate:g}"),
        probe.Variant(f"the suggested {test.suggestion:.2g}", learning_rate=test.suggestion),
        probe_steps)
    evidence.update(comparison.evidence())
    details.append(comparison.describe())
    diverges = status == PROBLEM and rate > test.best and comparison.only_current_diverges
    if status == PROBLEM and rate < test.best and comparison.current_reached:
        # "Too low" means each step barely moves the weights; a rate that reached the
        # held-out level on every probe seed demonstrably moves them: off, not broken.
        status, verdict = WARN, (f"low: {test.suggestion / rate:.0f}x below the suggestion, "
                                 "though it reached the held-out level on every probe seed")
    if diverges:
        details.append("Your rate's loss became NaN or infinite on every probe seed and the "
                       "suggestion's did not: a diverging rate is a problem whatever the "
                       "held-out level says.")
    if status == WARN and probe.only_speed(setup, comparison):
        evidence["saved_seconds_over_training"] = probe.saved_seconds(setup, comparison)
        details.append(f"The suggestion was {comparison.gain:.2g}x sooner to the held-out level, "
                       f"but the whole training takes about {probe.training_seconds(setup):.2g} s "
                       f"on the reference machine, so it would save under "
                       f"{probe.MIN_SAVED_SECONDS:g} s: a note, not advice.")
        return CheckResult(
            "learning_rate", "Learning rate", OK,
            f"{name} learning rate {rate:g} is {verdict}; the suggestion {test.suggestion:.2g} "
            f"would save under {probe.MIN_SAVED_SECONDS:g} s of the whole training (a note).",
            evidence, details)
    if not comparison.recommended and not diverges:
        details.append(f"The range test called the rate {verdict}; on held-out accuracy: "
                       + comparison.verdict())
        measured = (f"could be {comparison.gain:.2g}x sooner to the held-out accuracy level, "
                    f"under the {probe.MATERIAL_GAIN:g}x a change must gain to be advised"
                    if comparison.helps else
                    "was no faster to the held-out accuracy level than your rate")
        return CheckResult(
            "learning_rate", "Learning rate", OK,
            f"{name} learning rate {rate:g}: the range test's suggestion {test.suggestion:.2g} "
            f"{measured}.", evidence, details)
    return CheckResult(
        "learning_rate", "Learning rate", status,
        f"{name} learning rate {rate:g} is {verdict}; suggested {test.suggestion:.2g} "
        f"(useful range {range_text}).",
        evidence, details, f"`{name}(learning_rate={test.suggestion:.2g})`.",
        comparison.gain, comparison.gain_text() if comparison.recommended else
        "your rate diverged (NaN loss) on every probe seed, the suggestion on none",
        {"learning_rate": float(f"{test.suggestion:.2g}")})
