"""Does the doctor's learning-rate range test pick a rate that reaches the target in no more epochs than the default rate?

SGD at Keras's default rate (0.01) and Adam at its usual 1e-3, each against
the same optimizer at the rate `experiments.doctor` suggests: a range test
(the rate raised from 1e-6 to 10 over 200 steps of the run's own batches,
suggestion = the rate of least loss / 10) run just before ``fit``, on the
training part of the data, from the run's initial weights. The suggestion is
found on a scratch_nn twin of the model, so both backends train at the same
rate; its cost is part of the run's build time. Everything else is the base
setting.
"""

import math

import numpy as np

from experiments import measures
from experiments.builders import RANGE_TEST
from experiments.settings import BASE, KeyPlot

CAUSE = "a default learning rate instead of the range test's suggestion"

#: (optimizer, its default rate), each trained at that rate and at the suggestion.
DEFAULTS = (("SGD", 0.01), ("Adam", 1e-3))

#: Epochs per optimizer: plain SGD needs many more than Adam.
EPOCHS = {"SGD": 50, "Adam": 15}

SETTINGS = [
    BASE.replace(label=f"{name}({label})", group=name, epochs=EPOCHS[name],
                 optimizer=(name, {"learning_rate": rate}))
    for name, default in DEFAULTS
    for label, rate in ((f"{default:g}", default), ("range test", RANGE_TEST))
]

#: Keras's ``SGD()`` at its default rate.
BASELINE = "SGD(0.01)"

KEY_PLOT = KeyPlot(metrics=("epochs_to_target", "seconds_to_target"))


def _epochs(row, fmt):
    """Epochs to target, or how many epochs it trained without reaching it and its best."""
    value, status = measures.value_or_bound(row, "epochs_to_target")
    if status == "ok":
        return f"{fmt(value, 'e')} epochs"
    if status == "diverged":
        return "diverged"
    return f"not reached in {fmt(value, 'n')} epochs (best {fmt(row['best_val_accuracy'], 'acc')})"


def notes(rows, records, fmt):
    """Per backend and optimizer: the suggested rate, and epochs to target at default vs suggestion."""
    lines = []
    for row in rows:
        if not row["setting"].endswith("(range test)"):
            continue
        default = next((r for r in rows if r["backend"] == row["backend"] and r["group"] == row["group"]
                        and r is not row), None)
        rates = [r["learning_rate"] for r in records if r["setting"] == row["setting"]
                 and r["backend"] == row["backend"] and r["learning_rate"] is not None]
        if default is None or not rates:
            continue
        text = (f"- {row['backend']}, {row['group']}: suggested rate {float(np.median(rates)):.3g}"
                f"{' (median over seeds)' if len(rates) > 1 else ''}; epochs to target "
                f"{_epochs(default, fmt)} at {default['setting']}, {_epochs(row, fmt)} at the suggestion")
        # Unreached is infinitely many epochs; when neither reached it, there is no verdict.
        mine, theirs = (r["epochs_to_target"] or math.inf for r in (default, row))
        if math.isfinite(min(mine, theirs)):
            text += f": {'no more than' if theirs <= mine else 'more than'} the default."
        else:
            text += "."
        lines.append(text)
    return lines
