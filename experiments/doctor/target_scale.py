"""Check: regression targets on a large scale.

The initializers give a network outputs of unit scale at step 0, and the
optimizers' default rates move them by about that much per few hundred
steps. Targets with root mean square ``r = sqrt(mean(y^2))`` far from 1
(house prices in dollars, counts in thousands) leave the output layer to
grow by ``r`` before the loss can fall, and the MSE gradient ``2 (p - y)``
is ``r`` times the usual, so a rate that suits the hidden layers overshoots
the output layer. Thresholds, as for the inputs (`input_scale`):

    r > 10 or max|y| > 50    PROBLEM        r > 3 or r < 0.01    WARN

for a regression task only (`experiments.doctor.task`). The fix,
standardizing the targets with the training mean and std and un-doing it
on the predictions, is probed (`experiments.doctor.probe`): copies train
from the same weights on the targets as given and standardized, and the fix
is recommended only if it reaches a held-out ``R^2`` level (which the
rescaling does not change) sooner beyond the seed noise, by at least
``probe.MATERIAL_GAIN``; otherwise the check is OK and says what it measured.
In the WARN band a fix that only speeds up a setting that already learns is
advice only when it saves at least ``probe.MIN_SAVED_SECONDS`` of the whole
training (`probe.only_speed`).
"""


import numpy as np

from experiments.doctor import probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult
from experiments.doctor.setup import nominal_step_seconds

R_PROBLEM, MAX_PROBLEM, R_WARN_HIGH, R_WARN_LOW = 10.0, 50.0, 3.0, 0.01

FIX = ("standardize the targets with the training statistics: `y_mean, y_std = "
       "y_train.mean(axis=0), y_train.std(axis=0)`, train on `(y_train - y_mean) / y_std`, and "
       "use `model.predict(x) * y_std + y_mean` as the prediction.")


def check(setup, seconds):
    """Target scale of a regression task; the standardization probed (see the module doc)."""
    task = setup.task
    if task.kind != "regression":
        return CheckResult("target_scale", "Target scale", OK,
                           f"Not a regression task ({task.describe()}): nothing to check.")
    y = np.asarray(setup.targets["train"], dtype=np.float64).reshape(len(setup.targets["train"]),
                                                                     -1)
    mean, std = y.mean(axis=0), y.std(axis=0)
    r, peak = float(np.sqrt(np.mean(y * y))), float(np.max(np.abs(y)))
    evidence = {"target_rms": r, "target_max_abs": peak, "target_mean": mean.tolist(),
                "target_std": std.tolist()}
    status = PROBLEM if r > R_PROBLEM or peak > MAX_PROBLEM else \
        WARN if r > R_WARN_HIGH or r < R_WARN_LOW else OK
    text = (f"Regression targets have RMS {r:.3g} (largest |y| {peak:.3g}), far from the unit "
            "scale a network's outputs start at.")
    if status == OK:
        return CheckResult("target_scale", "Target scale", OK,
                           f"Regression targets: RMS {r:.3g}, near unit scale.", evidence)
    if not getattr(setup, "trainable", True) or not probe.enough_data(setup):
        why = probe.too_few(setup) if getattr(setup, "trainable", True) else \
            "probes were skipped (see the report's header)"
        return CheckResult("target_scale", "Target scale", status, text, evidence,
                           [f"Not probed: {why}."], FIX, None, "not probed",
                           {"targets": "standardize"})
    step = nominal_step_seconds(setup.model, setup.batch_size)
    steps = probe.plan_steps(0.9 * seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
    safe = np.where(std > 1e-12, std, 1.0)
    comparison = probe.compare(setup, probe.Variant("targets as given"),
                               probe.Variant("targets standardized", target_scale=1 / safe,
                                             target_shift=mean),
                               steps)
    evidence.update(comparison.evidence())
    details = [comparison.describe()]
    if status == WARN and probe.only_speed(setup, comparison):
        details.append(f"Standardizing was {comparison.gain:.2g}x sooner, but the targets are off "
                       "the unit scale without breaking training (WARN band), and the whole "
                       f"training takes about {probe.training_seconds(setup):.2g} s on the "
                       f"reference machine: it would save under {probe.MIN_SAVED_SECONDS:g} s, a "
                       "note, not advice.")
        return CheckResult("target_scale", "Target scale", OK,
                           f"Regression targets: RMS {r:.3g}; standardizing them would save under "
                           f"{probe.MIN_SAVED_SECONDS:g} s of the whole training (a note).",
                           evidence, details)
    if comparison.recommended:
        return CheckResult("target_scale", "Target scale", status, text, evidence, details, FIX,
                           comparison.gain, comparison.gain_text(), {"targets": "standardize"})
    details.append(comparison.verdict())
    return CheckResult("target_scale", "Target scale", OK,
                       f"Regression targets: RMS {r:.3g}; standardizing them measured no "
                       "faster to the held-out R^2 level.", evidence, details)
