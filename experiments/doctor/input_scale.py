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
Train/test mismatch: ``r_test / r_train`` outside ``[1/2, 2]`` is a PROBLEM,
because the trained model sees inputs at test time unlike any it trained on;
this is what the seed's Example 3 does (``normalize(x_train, axis=1)`` and
``x_test`` left raw). The signature of ``keras.utils.normalize(x, axis=1)`` on
images is also recognized: every 28-pixel column has L2 norm 0 or 1.

Each fix is measured before it is recommended (`experiments.doctor.probe`).
A scale that is off: copies train from the same weights on the inputs as
given and on the inputs as the fix prepares them (``x / 255`` for pixel-like
inputs in [0, 255], else standardized with the training mean and std), and
the fix is recommended only if it reaches a held-out accuracy level sooner
on every probe seed, beyond their noise, by at least ``probe.MATERIAL_GAIN``
(a smaller gain is a note). A mismatch: a copy trains on the
inputs as given, and its accuracy on the held-out training data is compared
with its accuracy on the test data as given; the mismatch is a PROBLEM when
the test accuracy is more than ``MISMATCH_DROP`` lower (four standard errors
of an accuracy near 0.9 on the 2,000 samples scored). Its fix is one
preprocessing for both splits, and the one advised is standardization with the
raw training pixels' mean and std: the check cannot probe it (it sees only the
arrays as given, x_train already transformed), and the study's three-seed
``preprocessing`` experiment measured it the fastest to 97% on both backends
(3.4 epochs, against 5.4 for ``x / 255`` and 10.8 for ``normalize``).
"""

import numpy as np

from experiments.doctor import probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import nominal_step_seconds

#: Rows used for the statistics; enough for 3 significant digits on MNIST.
SAMPLE_ROWS = 10_000
R_PROBLEM, MAX_PROBLEM, R_WARN_HIGH, R_WARN_LOW = 10.0, 50.0, 3.0, 0.01
MISMATCH_RATIO = 2.0
MISMATCH_DROP = 0.02


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
    pixels = train["min"] >= 0 and 50 < train["max"] <= 255
    if r > R_PROBLEM or peak > MAX_PROBLEM:
        findings.append(PROBLEM)
        details.append(f"Features have RMS {r:.3g} and range [{train['min']:.3g}, "
                       f"{train['max']:.3g}]: about {r:.0f}x the unit scale the initializers "
                       "assume (raw 0-255 pixels?).")
    elif r > R_WARN_HIGH or r < R_WARN_LOW:
        findings.append(WARN)
        details.append(f"Features have RMS {r:.3g}, outside [{R_WARN_LOW}, {R_WARN_HIGH}].")
    if findings:
        if pixels:
            fix, change = ("scale the inputs: `x_train = x_train / 255.0` and the same for "
                           "x_test."), {"preprocessing": "scale"}
            variant = probe.Variant("inputs / 255", scale=1 / 255)
        else:
            fix, change = ("standardize: `x = (x - x_train.mean()) / x_train.std()` on train "
                           "and test alike."), {"preprocessing": "standardize"}
            variant = probe.Variant("inputs standardized", scale=1 / max(train["std"], 1e-12),
                                    shift=train["mean"])
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
    step = nominal_step_seconds(setup.model, setup.batch_size)
    if mismatch:
        steps = probe.plan_steps(0.4 * seconds, 1, step, hi=300)
        held, drop = _mismatch_drop(setup, steps)
        evidence.update({"mismatch_probe_steps": steps, "held_out_accuracy": held,
                         "test_accuracy_as_given": held - drop})
        details.append(f"A copy trained {steps} steps on the inputs as given scores "
                       f"{held:.1%} on held-out training data and {held - drop:.1%} on the test "
                       "data as given.")
        if drop > MISMATCH_DROP:
            findings.append(PROBLEM)
            fix = ("apply the same preprocessing to train and test; "
                   + ("`normalize` was applied to x_train only. " if normalized else "")
                   + "Standardize both from the raw pixels with the training set's statistics: "
                   "`m, s = x_train.mean(), x_train.std()`, then `(x - m) / s` on each.")
            change = {"preprocessing": "standardize"}
            gain_text = (f"test accuracy of a short probe {held - drop:.1%} -> {held:.1%} (its "
                         "held-out accuracy on inputs preprocessed like the training inputs)")
        else:
            mismatch = False
            summary_ok = "; the test inputs differ in scale but scored as well."
            details.append("The test accuracy is no more than "
                           f"{MISMATCH_DROP:.0%} lower, so the mismatch is not flagged.")
    elif findings:
        steps = probe.plan_steps(0.9 * seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
        comparison = probe.compare(setup, probe.Variant("inputs as given"), variant, steps)
        evidence.update(comparison.evidence())
        details.append(comparison.describe())
        if comparison.recommended:
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


def _mismatch_drop(setup, steps):
    """``(held-out accuracy, held-out minus test accuracy)`` of a copy trained ``steps`` steps."""
    x, y, x_held, y_held = probe.held_out(setup)
    model = probe.train(setup, probe.Variant("as given"), steps, steps, 0,
                        (x, y, x_held, y_held)).model
    held = probe.accuracy(model, x_held, y_held)
    x_test, y_test = setup.test if setup.test is not None else (setup.x_val, setup.y_val)
    return held, held - probe.accuracy(model, x_test[:probe.HELD_OUT_SAMPLES],
                                       y_test[:probe.HELD_OUT_SAMPLES])
