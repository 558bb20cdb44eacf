"""Check 1, input scale: are the features near unit scale, and is test data scaled like train?

Glorot and He initializers choose the kernel's variance so that a layer keeps
the variance of its input when that input has unit scale
(``Var(z) ~ fan_in * Var(w) * E[x^2]``). Inputs with root mean square ``r``
therefore give first-layer pre-activations ``r`` times too large: raw MNIST
pixels (0..255, ``r ~ 87``) saturate the softmax from the first step and make
the first kernel's gradient ``r`` times larger than the others, so no single
learning rate suits every layer. ``x / 255`` gives ``r ~ 0.34``.

Thresholds on ``r = sqrt(mean(x^2))``:
    r > 10 or max|x| > 50   PROBLEM (an order of magnitude off)
    r > 3 or r < 0.01       WARN
Train/test mismatch: ``r_test / r_train`` outside ``[1/2, 2]`` is looked at,
because the trained model sees inputs at test time unlike any it trained on;
this is what the seed's Example 3 does (``normalize(x_train, axis=1)`` and
``x_test`` left raw). The signature of ``keras.utils.normalize(x, axis=1)`` on
images is also recognized: every 28-pixel column has L2 norm 0 or 1.

Each fix is measured before it is recommended (`experiments.doctor.probe`).
A scale that is off: copies train from the same weights on the inputs as
given and on the inputs as the fix prepares them (``x / 255`` for pixel-like
inputs: whole numbers in [0, 255] reaching above 50 and spanning over half
of that range, `pixel_like`; any other data is
standardized per feature with the training mean and std,
``(x - mean_j) / std_j``), and the fix is recommended only if it reaches a
held-out level of the task's metric sooner on the median probe seed by at
least ``probe.MATERIAL_GAIN`` (a smaller gain is a note); in the PROBLEM band
(an order of magnitude off, a defect by the variance argument above) by any
median gain over 1 (``probe.DEFECT_GAIN``): Adam on raw pixels measured
``x / 255`` 1.0x to 3.4x sooner over seeds, median 1.5x, so a bar at 1.5x made
the verdict follow the seed.
In the WARN band (RMS 3 to 10: off, not broken), a fix that only speeds up a
setting that already learns is advice only when it saves at least
``probe.MIN_SAVED_SECONDS`` of the whole training (`probe.only_speed`).
When it does not, and the user's rate is far from what a range test on the
rescaled inputs suggests, the two fixes together are probed (compound
causes: raw pixels under a tiny rate need both; see `learning_rate.with_rate`).

A mismatch: a copy trains on the inputs as given, and its metric and loss on
the held-out training data are compared with those on the test data as
given. The mismatch is a PROBLEM when the test metric is more than
``MISMATCH_DROP`` lower (four standard errors of an accuracy near 0.9 on the
2,000 samples scored), or when the test loss is over ``MISMATCH_LOSS`` times
the held-out loss: damage that shows in the loss and the probabilities is
damage even where the arg-max survives (a ReLU network is nearly
scale-equivariant, so the seed's Example 3, train in [0, 1] and test left at
0-255, keeps 95.6% test accuracy at a test loss of 68.8). Its fix is one
preprocessing for both splits, fitted on the training data; for MNIST pixels
the study's three-seed ``preprocessing`` experiment measured standardization
with the raw training pixels' mean and std the fastest to 97% on both
backends (3.4 epochs, against 5.4 for ``x / 255`` and 10.8 for
``normalize``). The check cannot probe it (it sees only the arrays as given,
x_train already transformed).
"""

import numpy as np

from experiments.doctor import learning_rate, probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import nominal_step_seconds

#: Rows used for the statistics; enough for 3 significant digits on MNIST.
SAMPLE_ROWS = 10_000
R_PROBLEM, MAX_PROBLEM, R_WARN_HIGH, R_WARN_LOW = 10.0, 50.0, 3.0, 0.01
MISMATCH_RATIO = 2.0
MISMATCH_DROP = 0.02
MISMATCH_LOSS = 2.0
#: Share of the 8-bit range whole-number data must span to be read as pixels (`pixel_like`).
PIXEL_SPAN = 0.5


def statistics(x):
    """Mean, std, min, max and RMS of the first ``SAMPLE_ROWS`` rows of ``x`` (float64)."""
    x = np.asarray(x[:SAMPLE_ROWS], dtype=np.float64)
    return {"mean": float(x.mean()), "std": float(x.std()), "min": float(x.min()),
            "max": float(x.max()), "rms": float(np.sqrt(np.mean(x * x)))}


def column_normalized(x):
    """Whether ``x`` looks like ``normalize(x, axis=1)`` of images: each column's norm is 0 or 1."""
    x = np.asarray(x[:SAMPLE_ROWS], dtype=np.float64)
    if x.ndim != 3:
        return False
    norms = np.linalg.norm(x, axis=1)
    return bool(np.mean((np.abs(norms - 1) < 1e-3) | (norms == 0)) > 0.99 and norms.max() > 0)


def check(setup, seconds):
    """Input-scale check of ``setup``'s raw arrays; probes train to confirm a fix."""
    stats = {name: statistics(x) for name, x in setup.raw.items()}
    train = stats["train"]
    r = train["rms"]
    peak = max(abs(train["min"]), abs(train["max"]))
    findings, details = [], []
    fix, change, mismatch = None, None, False
    normalized = column_normalized(setup.raw["train"])
    if normalized:
        details.append("x_train looks like `normalize(x, axis=1)`: every image column has L2 norm "
                       "0 or 1. That is not pixel scaling; it rescales each column by its own norm.")
    pixels = pixel_like(setup.raw["train"], train)
    if r > R_PROBLEM or peak > MAX_PROBLEM:
        findings.append(PROBLEM)
        details.append(f"Features have RMS {r:.3g} and range [{train['min']:.3g}, "
                       f"{train['max']:.3g}]: about {r:.0f}x the unit scale the initializers "
                       "assume" + (" (raw 0-255 pixels?)." if pixels else "."))
    elif r > R_WARN_HIGH or r < R_WARN_LOW:
        findings.append(WARN)
        details.append(f"Features have RMS {r:.3g}, outside [{R_WARN_LOW}, {R_WARN_HIGH}].")
    if findings:
        if pixels:
            fix, change = ("scale the inputs: `x_train = x_train / 255.0` and the same for "
                           "x_test."), {"preprocessing": "scale"}
            variant = probe.Variant("inputs / 255", scale=1 / 255)
        else:
            fix, change = ("standardize each feature with the training statistics: "
                           "`m, s = x_train.mean(axis=0), x_train.std(axis=0) + 1e-7`, then "
                           "`(x - m) / s` on train, validation and test alike."), \
                {"preprocessing": "standardize"}
            mean, std = feature_statistics(setup.raw["train"])
            variant = probe.Variant("inputs standardized", scale=1 / std, shift=mean)
    for name in ("validation", "test"):
        if name not in stats:
            continue
        ratio = stats[name]["rms"] / r if r > 0 else np.inf
        if not 1 / MISMATCH_RATIO <= ratio <= MISMATCH_RATIO:
            mismatch = True
            details.append(f"{name} inputs have RMS {stats[name]['rms']:.3g}, {ratio:.3g}x the "
                           f"training inputs' {r:.3g}: train and {name} were preprocessed "
                           "differently (mismatch).")
    evidence = {f"{name}_{k}": v for name, s in stats.items() for k, v in s.items()}
    evidence["train_column_normalized"] = normalized
    gain, gain_text = None, ""
    summary_ok = ", near unit scale."
    if not getattr(setup, "trainable", True):
        if mismatch:
            findings.append(WARN)
            fix = ("apply the same preprocessing, fitted on the training data, to every split.")
            change = {"preprocessing": "standardize"}
        status = worst(findings)
        summary = (f"Inputs: RMS {r:.3g}, range [{train['min']:.3g}, {train['max']:.3g}]"
                   f"{summary_ok}" if status == OK else details[-1] if mismatch else
                   f"Input scale: features have RMS {r:.3g}, far from the unit scale.")
        return CheckResult("input_scale", "Input scale", status, summary, evidence, details,
                           fix, None, "not probed (probes skipped, see the report's header)"
                           if fix else "", change)
    step = nominal_step_seconds(setup.model, setup.batch_size)
    if mismatch:
        steps = probe.plan_steps(0.4 * seconds, 1, step, hi=300)
        measured = _mismatch_probe(setup, steps)
        (held, held_loss), (tested, test_loss) = measured
        task = setup.task
        evidence.update({"mismatch_probe_steps": steps, "held_out_metric": held,
                         "test_metric_as_given": tested, "held_out_loss": held_loss,
                         "test_loss_as_given": test_loss, "metric": task.metric})
        details.append(f"A copy trained {steps} steps on the inputs as given scores "
                       f"{task.format(held)} (loss {held_loss:.3g}) on held-out training data "
                       f"and {task.format(tested)} (loss {test_loss:.3g}) on the test data as "
                       "given.")
        worse_loss = not test_loss <= MISMATCH_LOSS * held_loss
        if held - tested > MISMATCH_DROP or worse_loss:
            findings.append(PROBLEM)
            fix = ("apply the same preprocessing to train and test; "
                   + ("`normalize` was applied to x_train only. " if normalized else "")
                   + "Fit it on the training data and apply it to each split: "
                   "`m, s = x_train.mean(axis=0), x_train.std(axis=0) + 1e-7`, then "
                   "`(x - m) / s` on each" + (" (or `/ 255.0` on each)." if pixels else "."))
            change = {"preprocessing": "standardize"}
            # The fix rescales the training inputs too, unless they are standardized already.
            mean, std = feature_statistics(setup.raw["train"])
            fixed = float(np.sqrt(np.mean(((setup.raw["train"][:SAMPLE_ROWS] - mean) / std) ** 2)))
            evidence["train_rms_after_fix"] = fixed
            evidence["fix_rescales_training"] = not 1 / MISMATCH_RATIO <= fixed / r <= MISMATCH_RATIO
            gain_text = (f"on the test data a short probe scores {task.format(tested)} at loss "
                         f"{test_loss:.3g}; on inputs preprocessed like the training inputs "
                         f"{task.format(held)} at loss {held_loss:.3g}")
            if worse_loss and held - tested <= MISMATCH_DROP:
                details.append(f"The {task.metric} held, but the test loss is "
                               f"{test_loss / max(held_loss, 1e-12):.3g}x the held-out loss: "
                               "the predictions' confidence is wrong on the test inputs.")
        else:
            mismatch = False
            summary_ok = "; the test inputs differ in scale but scored as well."
            details.append(f"The test {task.metric} is no more than {MISMATCH_DROP:.2g} lower "
                           f"and the test loss under {MISMATCH_LOSS:g}x the held-out loss, so "
                           "the mismatch is not flagged.")
    elif findings:
        steps = probe.plan_steps(0.9 * seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
        # An order of magnitude off (PROBLEM band) is a defect by the variance
        # argument above; the probe need only show the fix is faster at all
        # (DEFECT_GAIN). A scale merely off (WARN band) must earn advice
        # (MATERIAL_GAIN).
        bar = probe.DEFECT_GAIN if PROBLEM in findings else probe.MATERIAL_GAIN
        comparison = probe.compare(setup, probe.Variant("inputs as given"), variant, steps,
                                   bar=bar)
        evidence.update(comparison.evidence())
        details.append(comparison.describe())
        if not comparison.recommended:
            combined = learning_rate.with_rate(setup, variant, 0.9 * seconds, step, bar=bar)
            if combined is not None:
                suggestion, comparison = combined
                evidence.update({"combined_" + k: v for k, v in comparison.evidence().items()})
                details.append("Rescaled alone is no faster; with the rate the range test "
                               f"suggests on rescaled inputs ({suggestion:.2g}): "
                               + comparison.describe())
                if comparison.recommended:
                    name = type(setup.model.optimizer).__name__
                    fix = (fix + f" Together with `{name}(learning_rate={suggestion:.2g})`: "
                           "either alone is no faster (compound causes).")
                    change = {**change, "learning_rate": float(f"{suggestion:.2g}")}
        if worst(findings) == WARN and probe.only_speed(setup, comparison):
            findings, fix, change = [], None, None
            summary_ok = (f"; rescaling was {comparison.gain:.2g}x sooner, but would save under "
                          f"{probe.MIN_SAVED_SECONDS:g} s of the whole training (a note).")
            details.append(f"The inputs are off the unit scale but not broken (WARN band), and "
                           f"the setting as given learns: the whole training takes about "
                           f"{probe.training_seconds(setup):.2g} s on the reference machine, so "
                           "a speed-up is a note, not advice.")
        elif comparison.recommended:
            gain, gain_text = comparison.gain, comparison.gain_text()
        else:
            findings, fix, change = [], None, None
            summary_ok = (f"; rescaling could be {comparison.gain:.2g}x sooner, under the "
                          f"{probe.MATERIAL_GAIN:g}x bar for advice." if comparison.helps else
                          "; rescaling measured no faster.")
            details.append(comparison.verdict())
    status = worst(findings)
    if status == OK:
        summary = f"Inputs: RMS {r:.3g}, range [{train['min']:.3g}, {train['max']:.3g}]{summary_ok}"
    elif mismatch:
        summary = "Train/test preprocessing mismatch: test inputs are on a different scale."
    else:
        summary = f"Input scale: features have RMS {r:.3g}, far from the unit scale."
    return CheckResult("input_scale", "Input scale", status, summary, evidence, details, fix,
                       gain, gain_text, change)


def pixel_like(x, stats):
    """Whether ``x`` looks like raw 8-bit pixels: whole numbers in [0, 255] spanning most of it.

    ``/ 255`` is the right rescaling only for data that uses the 8-bit range:
    whole numbers in [0, 255] whose values span more than ``PIXEL_SPAN`` of
    it (``max - min > 127``; an image has dark and bright pixels). Whole
    numbers confined to a narrow band (codes between 65 and 70, ages 18 to
    90) are features, not pixels: divided by 255 they become a near-constant
    (codes 65-70 map to 0.25-0.27), which keeps every difference between the
    samples as small as before, so they are standardized instead.
    """
    sample = np.asarray(x[:SAMPLE_ROWS])
    whole = sample.dtype.kind in "biu" or bool(np.array_equal(sample, np.round(sample)))
    return (whole and stats["min"] >= 0 and 50 < stats["max"] <= 255
            and stats["max"] - stats["min"] > PIXEL_SPAN * 255)


def feature_statistics(x):
    """Per-feature mean and std of ``x`` over its first ``SAMPLE_ROWS`` rows (std 0 -> 1)."""
    sample = np.asarray(x[:SAMPLE_ROWS], dtype=np.float64)
    mean, std = sample.mean(axis=0), sample.std(axis=0)
    return mean, np.where(std > 1e-12, std, 1.0)


def _mismatch_probe(setup, steps):
    """``((held-out metric, loss), (test metric, loss))`` of a copy trained ``steps`` steps."""
    x, y, x_held, y_held = probe.held_out(setup)
    model = probe.train(setup, probe.Variant("as given"), steps, steps, 0,
                        (x, y, x_held, y_held)).model
    x_test, y_test = setup.test if setup.test is not None else (setup.x_val, setup.y_val)
    x_test, y_test = x_test[:probe.HELD_OUT_SAMPLES], y_test[:probe.HELD_OUT_SAMPLES]

    def measure(xs, ys):
        with np.errstate(all="ignore"):
            loss = float(np.mean(model.loss.per_sample(ys, model.forward(xs, training=False))))
        return probe.score(setup, model, xs, ys), loss
    return measure(x_held, y_held), measure(x_test, y_test)
