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

When the scale is off, the gain of fixing it is measured: two copies train
the same number of steps with the user's optimizer and rate, one on the
inputs as given and one on the inputs divided by ``r`` (unit RMS), and their
final losses are compared.
"""

import numpy as np

from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import loss_ratio

#: Rows used for the statistics; enough for 3 significant digits on MNIST.
SAMPLE_ROWS = 10_000
R_PROBLEM, MAX_PROBLEM, R_WARN_HIGH, R_WARN_LOW = 10.0, 50.0, 3.0, 0.01
MISMATCH_RATIO = 2.0


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
    """Input-scale check of ``setup``'s raw arrays; trains only to measure a scaling fix's gain."""
    stats = {name: statistics(x) for name, x in setup.raw.items()}
    train = stats["train"]
    r = train["rms"]
    peak = max(abs(train["min"]), abs(train["max"]))
    findings, details = [], []
    fix, mismatch = None, False
    normalized = column_normalized(setup.raw["train"])
    if normalized:
        details.append("x_train looks like `normalize(x, axis=1)`: every image column has L2 norm "
                       "0 or 1. That is not pixel scaling; it rescales each column by its own norm.")
    if r > R_PROBLEM or peak > MAX_PROBLEM:
        findings.append(PROBLEM)
        details.append(f"Features have RMS {r:.3g} and range [{train['min']:.3g}, "
                       f"{train['max']:.3g}]: about {r:.0f}x the unit scale the initializers "
                       "assume (raw 0-255 pixels?).")
        fix = "scale the inputs: `x_train = x_train / 255.0` and the same for x_test."
    elif r > R_WARN_HIGH or r < R_WARN_LOW:
        findings.append(WARN)
        details.append(f"Features have RMS {r:.3g}, outside [{R_WARN_LOW}, {R_WARN_HIGH}].")
        fix = "standardize: `x = (x - x_train.mean()) / x_train.std()` on train and test alike."
    for name in ("validation", "test"):
        if name not in stats:
            continue
        ratio = stats[name]["rms"] / r if r > 0 else np.inf
        if not 1 / MISMATCH_RATIO <= ratio <= MISMATCH_RATIO:
            findings.append(PROBLEM)
            mismatch = True
            details.append(f"{name} inputs have RMS {stats[name]['rms']:.3g}, {ratio:.3g}x the "
                           f"training inputs' {r:.3g}: train and {name} were preprocessed "
                           "differently (mismatch).")
            fix = ("apply the same preprocessing to train and test; "
                   + ("`normalize` was applied to x_train only. " if normalized else "")
                   + "Prefer `x / 255.0` on both.")
    status = worst(findings)
    if status == OK:
        summary = f"Inputs are near unit scale (RMS {r:.3g}, range [{train['min']:.3g}, {train['max']:.3g}])."
    elif mismatch:
        summary = "Train/test preprocessing mismatch: test inputs are on a different scale."
    else:
        summary = f"Input scale: features have RMS {r:.3g}, far from the unit scale."
    evidence = {f"{name}_{k}": v for name, s in stats.items() for k, v in s.items()}
    evidence["train_column_normalized"] = normalized
    gain, gain_text = None, ""
    if mismatch:
        gain_text = "test results that mean something: the model is evaluated on inputs like its training inputs"
    elif fix and r > 0:
        (mine, scaled), steps = setup.compare_losses([(None, 1.0), (None, 1 / r)], 300, seconds)
        evidence.update({"compare_steps": steps, "loss_as_given": mine, "loss_rescaled": scaled})
        details.append(f"After {steps} steps at your learning rate: loss {mine:.3g} on the inputs "
                       f"as given, {scaled:.3g} on the inputs divided by {r:.3g}.")
        if scaled < mine:
            gain = loss_ratio(mine, scaled)
            gain_text = f"loss after {steps} steps {mine:.3g} -> {scaled:.3g}"
    return CheckResult("input_scale", "Input scale", status, summary, evidence, details, fix,
                       gain, gain_text)
