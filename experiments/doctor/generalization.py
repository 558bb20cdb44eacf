"""Check 6, epochs and generalization: a short run with validation, on a copy.

The copy trains with the user's optimizer, rate and batch size on as many
training samples as the budget allows at the reference step cost
(`setup.nominal_step_seconds`; at least ``MIN_SAMPLES``; the run is never cut
short by the clock, so a busy machine takes longer rather than training less),
for up to the user's number of epochs, and is evaluated on the validation data
after every epoch (the user's ``validation_data`` or split; else a random 20%
of the training samples, drawn independently of their order: `Setup.split`).
The validation metric is the task's (`experiments.doctor.task`: accuracy, or
``R^2`` for regression). From the curves:

- **not learning at a normal pace** (PROBLEM), either of:

  - *not learning*: the validation metric at the last epoch below the
    task's floor (`Task.floor`: twice chance for 10 balanced classes), or
    a non-finite loss. The last epoch, not the best: an erratic run (raw
    pixels under SGD) passes the floor on one lucky epoch and not on the
    next; what the run holds at its end is what the user gets.
  - *barely learning* (classification only): the best validation accuracy
    after the run below halfway from chance to perfect, ``c + (1 - c) / 2``,
    when a healthy MLP on MNIST is past 0.85 after one epoch of a few
    thousand samples. (Not for regression: how much of a target's variance
    is predictable at all is unknown, so a low ``R^2`` is no sign of
    slowness.)

  The two are one status because the line between them is a draw of the
  weights and the batch order, not a property of the setup. The seed's
  Example 1 (raw pixels, SGD(0.01), batch 32, 10 epochs, 2,400 of 3,000
  images) ended at 0.195, 0.133, 0.23, 0.35, 0.095, 0.323, 0.098 and 0.243
  validation accuracy with seeds 0 to 7, four under the floor of 0.2 and
  four over it, and its best was at most 0.365, far under 0.55 on every
  seed: a PROBLEM for "not learning" and a WARN for "learning slowly" made
  the verdict follow the seed (8 PROBLEM and 4 WARN over threads 1, 2, 4
  and a loaded machine, `experiments.doctor_stability`). The words say
  which of the two this run showed.
- **stopped improving**: the validation loss, as trailing means over up to 5
  epochs (`smoothed`), was lowest at epoch ``e*`` before the last and the
  last is over 5% worse. Epochs after ``e*`` only cost
  time; ``EarlyStopping(patience=3, restore_best_weights=True)`` stops there
  (WARN when it saves enough, see below).
- **overfitting gap**: final validation loss over 1.5x the training loss (and
  0.1 above it): a note, not a warning: it does not slow training to a
  target, and the doctor does not measure what regularizing would change.

Only EarlyStopping is recommended as a fix, when the held-out curve says it
saves more than ``MIN_GAIN`` of the epochs: ``epochs / (e* + 1 + patience)``.
It shortens training, not the time to a target, so it carries no ``gain``
and ranks after the fixes that reach a held-out level sooner. For the other
findings, the checks that own their causes measure the fixes.

Wasted epochs are read only on a run that learns at a normal pace: for a
run that does not, EarlyStopping is no answer. A subset overfits sooner
than the full data set, so on a subset the wasted-epochs WARN and the
overfitting note say "at most": on all the data the same happens later, if
at all. A data set
too small to judge by (fewer than ``MIN_VALIDATION`` validation samples, or
``MIN_TRAIN`` training samples) gets its curves reported and no advice: four
samples' validation loss says nothing about when to stop.
"""

import math

import numpy as np

from experiments.doctor import probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import nominal_step_seconds
from scratch_nn.callbacks import Callback

#: The least share of epochs EarlyStopping must save to be recommended.
MIN_GAIN = 1.2
MIN_SAMPLES = 1000
HOLDOUT = 0.2
MIN_VALIDATION, MIN_TRAIN = 30, 100
WORSE = 0.05
GAP_RATIO, GAP_ABS = 1.5, 0.1
PATIENCE = 3


class _Metric(Callback):
    """Append the task's metric on ``(x, y)`` to the logs as ``val_metric`` after every epoch."""

    def __init__(self, setup, x, y):
        super().__init__()
        self.setup, self.x, self.y = setup, x, y

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["val_metric"] = probe.score(self.setup, self.model, self.x, self.y)


def smoothed(val_loss):
    """``(t, w)``: the validation loss as trailing means over ``w`` epochs, and ``w``.

        t_e = mean(val_loss[e - w + 1 .. e])    for e >= w - 1
        t_e = val_loss[e]                       for e <  w - 1
        w   = 2 * min(2, n // 10) + 1           (1, 3 or 5 epochs)

    A run's held-out loss on its plateau moves about 1.5% from one epoch to
    the next; the rule compares the curve's best with its end, and on raw
    values those are the plateau's lowest and a random draw from it. The
    seed's Example 3 (all of MNIST, 50 epochs) ended 5.6% over its lowest
    epoch with seed 0 (WARN) and 3.2% with seed 1 (OK), on the same flat
    curve; as trailing means over 5 epochs, 2.5% and 0.9%. Runs of fewer
    than 10 epochs are read as they are.
    """
    values = np.asarray(val_loss, dtype=np.float64)
    width = 2 * min(2, len(values) // 10) + 1
    sums = np.cumsum(np.concatenate([[0.0], values]))
    trailing = values.copy()
    trailing[width - 1:] = (sums[width:] - sums[:-width]) / width
    return trailing, width


def check(setup, seconds):
    """Short training run with validation on a copy; reads the curves (see the module doc)."""
    model = setup.clone()
    step = nominal_step_seconds(setup.model, setup.batch_size)
    task = setup.task
    x_pool, y_pool, x_val, y_val = setup.split(HOLDOUT, setup.n)
    epochs = min(setup.epochs, 50)
    # The budget, spent on `epochs` epochs (plus ~20% for validation passes).
    affordable = int(0.85 * seconds / (1.2 * epochs * step) * setup.batch_size)
    n = min(max(affordable, MIN_SAMPLES), x_pool.shape[0])
    kept = max(n // 4, min(1000, x_val.shape[0]))
    x_val, y_val = x_val[:kept], y_val[:kept]
    with np.errstate(all="ignore"):
        history = model.fit(x_pool[:n], y_pool[:n], batch_size=setup.batch_size, epochs=epochs,
                            validation_data=(x_val, y_val),
                            callbacks=[_Metric(setup, x_val, y_val)],
                            verbose=0, shuffle=True).history
    loss, val_loss = history["loss"], history["val_loss"]
    val_acc = history.get("val_metric", [])
    ran = len(loss)
    evidence = {"train_samples": n, "validation_samples": len(y_val), "epochs_run": ran,
                "your_epochs": setup.epochs, "loss": loss, "val_loss": val_loss,
                "val_accuracy" if task.classification else "val_r2": val_acc}
    floor, chance = task.floor(y_val), task.chance(y_val)
    slow = chance + (1 - chance) / 2
    # Learning at a normal pace: what `diagnose` reads the symptom checks against.
    normal_pace = bool(val_acc) and val_acc[-1] >= floor and (
        not task.classification or max(val_acc) >= slow)
    findings, details, fixes = [], [], []
    too_small = len(y_val) < MIN_VALIDATION or n < MIN_TRAIN
    epochs_saved = None
    subset = n < setup.n
    where = f"on {n} of {setup.n} samples" if subset else f"on all {n} samples"
    finite = all(math.isfinite(v) for v in loss + val_loss)
    best = int(np.nanargmin(val_loss)) if finite else 0
    if not finite:
        findings.append(PROBLEM)
        details.append("The loss became NaN or infinite during the run.")
    elif too_small:
        details.append(f"Only {n} training and {len(y_val)} validation samples: too few to "
                       "judge learning speed or when to stop, so no advice is given (at least "
                       f"{MIN_TRAIN} and {MIN_VALIDATION} are needed).")
    elif val_acc and not normal_pace:
        findings.append(PROBLEM)
        if val_acc[-1] < floor:
            details.append(f"Not learning: validation {task.metric} {val_acc[-1]:.3g} at the last "
                           f"of {ran} epochs (best {max(val_acc):.3g}), about chance "
                           f"({chance:.2g}).")
        else:
            details.append(f"Barely learning: best validation {task.metric} {max(val_acc):.3g} "
                           f"after {ran} epochs ({where}), under halfway from chance "
                           f"({chance:.2g}) to perfect; {val_acc[-1]:.3g} at the last epoch.")
        if task.classification:
            details.append(f"Whether such a run ends under the floor ({floor:.2g}) or a little "
                           "over it is a draw of the weights and the batch order; either way "
                           "it does not learn at a normal pace, so both are this one status.")
    else:
        curve, width = smoothed(val_loss)
        low = int(np.argmin(curve))
        stop = min(low + 1 + PATIENCE, setup.epochs)
        if low < ran - 1 and curve[-1] > (1 + WORSE) * curve[low]:
            mean = f" (mean of {width} epochs)" if width > 1 else ""
            details.append(f"Validation loss{mean} was lowest at epoch {low + 1} "
                           f"({curve[low]:.3g}) and is {curve[-1]:.3g} at epoch {ran} ({where}): "
                           "later epochs only cost time.")
            if setup.epochs / stop > MIN_GAIN:
                findings.append(WARN)
                epochs_saved = setup.epochs / stop
                fixes.append("`EarlyStopping(monitor='val_loss', patience=3, "
                             "restore_best_weights=True)` with a validation split")
            else:
                details.append(f"EarlyStopping (patience {PATIENCE}) would stop at epoch {stop} "
                               f"of {setup.epochs}: too few epochs saved to recommend it.")
        if val_loss[-1] > GAP_RATIO * loss[-1] and val_loss[-1] - loss[-1] > GAP_ABS:
            details.append(f"Validation loss {val_loss[-1]:.3g} vs training loss {loss[-1]:.3g} "
                           f"after {ran} epochs ({where}): overfitting.")
            details.append("Regularizing (Dropout, an L2 penalty) or more data may help; the "
                           "doctor does not measure it, so it recommends no change.")
    evidence["learns"] = finite and not too_small and normal_pace
    status = worst(findings)
    if status == OK:
        summary = (f"Validation loss {val_loss[-1]:.3g} (best {val_loss[best]:.3g} at epoch "
                   f"{best + 1} of {ran}, {where}); no sign yet of wasted epochs"
                   + ("; see the note on overfitting." if details else "."))
    else:
        summary = details[0]
    fix = "; ".join(fixes) + "." if fixes else None
    return CheckResult("generalization", "Epochs and generalization", status, summary, evidence,
                       details, fix, None,
                       f"up to {epochs_saved:.2g}x fewer epochs in all ({where}); the time to "
                       "the target is unchanged" if fix else "",
                       {"early_stopping": {"monitor": "val_loss", "patience": PATIENCE,
                                           "restore_best_weights": True}} if fix else None)

