"""Check: the output activation against the loss against the labels.

The largest class of bug in real training programs: the last layer, the loss
and the labels do not describe the same task, so the gradient is zero,
points the wrong way, or the outputs cannot reach the targets. Read from the
model (`task.ModelFacts`) and the labels (`task.detect`), with ``a`` the
output activation, ``k`` the output width and the task from the labels:

=========================================  ========  =================================
finding                                    status    fix probed
=========================================  ========  =================================
softmax over ``k = 1``: the output is 1    PROBLEM   sigmoid + binary_crossentropy
for every input, the gradient is 0                   (linear + MSE for regression)
categorical cross-entropy over ``k = 1``:  PROBLEM   sigmoid + binary_crossentropy
``p / sum(p) = 1``, the loss is 0
categorical cross-entropy on a relu,       PROBLEM   softmax
linear, tanh or sigmoid output (Keras
divides the outputs by their sum:
zero or negative outputs break it)
binary cross-entropy on a linear or relu   PROBLEM   sigmoid
output (outputs outside (0, 1) clipped)
softmax on multi-label data (the outputs   PROBLEM   sigmoid + binary_crossentropy
sum to 1, several labels are 1)
softmax on a regression output, or a       PROBLEM   linear
bounded output (relu, sigmoid, tanh...)
whose range cannot fit the targets
(best reachable ``R^2`` under 0.9)
a cross-entropy on regression targets      PROBLEM   linear + mean_squared_error
MSE/MAE for classification                 WARN      the task's cross-entropy and
                                                     output (sigmoid / softmax)
labels out of range for the output width   PROBLEM   not probed: the setup cannot
(sparse labels ``>= k``, 0/1 losses on               train as given (Keras raises
labels outside [0, 1], several classes               or learns nonsense); the fix is
on one unit), one-hot labels with sparse             stated
cross-entropy, sparse with categorical
=========================================  ========  =================================

Every fix that can be trained is probed like the doctor's other fixes
(`experiments.doctor.probe`): copies train from the same weights as given
and with the fix, and the fix is recommended only if it reaches a held-out
level of the task's metric (accuracy, or ``R^2``: never the loss, whose scale
the fix changes) sooner beyond the seed noise and by at least
``probe.MATERIAL_GAIN``, or if it ends higher on every probe seed
(`probe.Comparison.holds_higher`: a relu output under cross-entropy learns,
then decays, so it reaches the level as soon as its fix and ends lower; the
level is set by the lowest final metric). When the fix alone is no faster and the user's
rate is far from what a range test on the fixed setup suggests, the fix and
that rate are probed together (`learning_rate.with_rate`: a new output and
loss change the gradient's scale, so the user's rate can suit the setting as
given and not the fixed one). A finding whose fix does not measurably help is
reported as a note and the check stays OK. Without a trainable setup (the
labels do not fit the output, or the scratch_nn twin cannot be built) the
findings are reported as found, marked not probed.

A bounded output on a regression (`reach_ceiling`) is judged on what its range
costs, not on whether a target lies outside it: the best any model with that
output can do is to predict every target clipped to the range, so

    ceiling = 1 - sum (y - clip(y, lo, hi))^2 / sum (y - mean y)^2

is the highest ``R^2`` it can reach. A ReLU output on targets of which a third
are negative loses their whole negative part; a tanh output on targets in
[-1.02, 1.24] loses 1.6% of the variance (ceiling 0.984), which no fix is worth. The
finding is made when the ceiling is under ``REACH_CEILING`` = 0.9: the output
cannot explain a tenth of the targets' variance, whatever it learns.

Keras: ``keras/src/losses/losses.py`` (``categorical_crossentropy``,
``binary_crossentropy``) and ``keras/src/backend/tensorflow/nn.py``
(``categorical_crossentropy`` divides ``output`` by its sum over the last
axis unless ``from_logits``).
"""

from dataclasses import dataclass

import numpy as np

from experiments.doctor import learning_rate, probe
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, worst
from experiments.doctor.setup import nominal_step_seconds
from experiments.doctor.task import loss_family

_CROSSENTROPY = ("sparse_categorical", "categorical")
#: The range of each bounded output activation (``inf``: unbounded on that side).
REACH = {"sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
         "softsign": (-1.0, 1.0), "relu": (0.0, np.inf), "softplus": (0.0, np.inf),
         "exponential": (0.0, np.inf), "elu": (-1.0, np.inf), "softmax": (0.0, 1.0)}
#: A bounded regression output is a finding when its best reachable ``R^2`` is below this.
REACH_CEILING = 0.9


def reach_ceiling(y, low, high):
    """The highest ``R^2`` an output confined to ``[low, high]`` can reach on targets ``y``.

    ``1 - sum (y - clip(y, low, high))^2 / sum (y - mean y)^2``: the clipped
    target is the best prediction such an output can make for each sample
    (see the module doc). 1 for constant targets.
    """
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    total = float(np.sum((y - y.mean(axis=0)) ** 2))
    if total == 0:
        return 1.0
    return 1.0 - float(np.sum((y - np.clip(y, low, high)) ** 2)) / total


@dataclass(frozen=True)
class Finding:
    """One mismatch: its status, what is wrong, and the fix (``None``: no trainable fix).

    ``activation`` and ``loss`` are the fix's output activation and loss names
    (``None`` keeps the user's); ``advice`` is the fix in words.
    """

    status: str
    text: str
    advice: str
    activation: str | None = None
    loss: str | None = None

    @property
    def trainable(self):
        return self.activation is not None or self.loss is not None


def _classification_fix(task):
    """``(activation, loss, advice)``: the output and loss a classification task wants."""
    if task.kind == "multiclass":
        loss = "categorical_crossentropy" if task.labels == "one-hot" else \
            "sparse_categorical_crossentropy"
        return "softmax", loss, f"`Dense({task.classes}, activation='softmax')` with `loss='{loss}'`"
    if task.kind == "binary" and task.facts.units == 2:
        loss = "categorical_crossentropy" if task.labels == "one-hot" else \
            "sparse_categorical_crossentropy"
        return "softmax", loss, f"`activation='softmax'` with `loss='{loss}'`"
    units = task.classes if task.kind == "multilabel" else 1
    return ("sigmoid", "binary_crossentropy",
            f"`Dense({units}, activation='sigmoid')` with `loss='binary_crossentropy'`")


def findings(task, targets=None):
    """The :class:`Finding` s for a :class:`~experiments.doctor.task.Task` (see the module doc).

    ``targets``: the training targets, for the reach of a bounded regression
    output (`reach_ceiling`); without them only the targets' range is read.
    """
    facts = task.facts
    family, act, units = loss_family(facts.loss), facts.activation, facts.units
    out = []
    logits = facts.from_logits
    # Labels against the output width and the loss's label form (the setup cannot train).
    if task.labels == "sparse" and units > 1 and task.high >= units:
        out.append(Finding(PROBLEM, f"Labels run to {task.high:g}, but the output layer has "
                           f"{units} units: labels must be in [0, {units - 1}].",
                           f"`Dense({int(task.high) + 1}, activation='softmax')` as the output "
                           "layer (one unit per class), or labels mapped to 0..k-1"))
    if task.kind == "multiclass" and units == 1:
        out.append(Finding(PROBLEM, f"{task.classes} classes on a single output unit: one unit "
                           "can only tell two classes apart.",
                           f"`Dense({task.classes}, activation='softmax')` with "
                           "`loss='sparse_categorical_crossentropy'`"))
    if family == "sparse_categorical" and task.labels in ("one-hot", "multi-hot"):
        out.append(Finding(PROBLEM, "One-hot labels with sparse_categorical_crossentropy, which "
                           "takes class indices.", "`loss='categorical_crossentropy'` (or "
                           "`y.argmax(axis=1)` as labels)"))
    if family == "categorical" and task.labels == "sparse" and units > 1:
        out.append(Finding(PROBLEM, "Class indices with categorical_crossentropy, which takes "
                           "one-hot rows.", "`loss='sparse_categorical_crossentropy'` (or "
                           "one-hot labels)"))
    if family == "binary" and task.classification and (task.low < 0 or task.high > 1):
        out.append(Finding(PROBLEM, f"binary_crossentropy on labels in [{task.low:g}, "
                           f"{task.high:g}]; it takes targets in [0, 1].",
                           "labels mapped to 0 and 1 (e.g. `y = (y == y.max()).astype(int)`)"))
    if out:
        return out
    # The output activation against the loss and the task.
    if act == "softmax" and units == 1:
        if task.kind == "regression":
            return [Finding(PROBLEM, "softmax over a single output unit: it outputs 1 for every "
                            "input, so nothing is learned.", "`activation='linear'` on the "
                            "output with `loss='mean_squared_error'`", "linear",
                            None if family == "regression" else "mean_squared_error")]
        return [Finding(PROBLEM, "softmax over a single output unit: it outputs 1 for every "
                        "input, so the gradient is 0 and nothing is learned.",
                        "`Dense(1, activation='sigmoid')` with `loss='binary_crossentropy'`",
                        "sigmoid", "binary_crossentropy")]
    if family == "categorical" and units == 1 and not logits:
        return [Finding(PROBLEM, "categorical_crossentropy over a single output unit: it "
                        "divides the output by its sum, which is 1, so the loss is always 0.",
                        "`Dense(1, activation='sigmoid')` with `loss='binary_crossentropy'`",
                        "sigmoid", "binary_crossentropy")]
    if task.kind == "multilabel" and act == "softmax":
        return [Finding(PROBLEM, f"softmax on multi-label data: the {units} outputs sum to 1, "
                        "but a sample can have several labels.",
                        f"`Dense({units}, activation='sigmoid')` with "
                        "`loss='binary_crossentropy'`", "sigmoid", "binary_crossentropy")]
    if task.kind == "regression":
        if family in ("sparse_categorical", "categorical", "binary"):
            return [Finding(PROBLEM, f"{facts.loss} on regression targets (real values in "
                            f"[{task.low:.3g}, {task.high:.3g}]).", "`activation='linear'` on "
                            "the output with `loss='mean_squared_error'` (or "
                            "'mean_absolute_error')", "linear", "mean_squared_error")]
        reach = REACH.get(act)
        if reach is None or (act != "softmax" and reach[0] <= task.low and task.high <= reach[1]):
            return []
        ceiling = (reach_ceiling(targets, *reach) if targets is not None else
                   reach_ceiling([task.low, task.high], *reach))
        if act == "softmax" or ceiling < REACH_CEILING:
            span = f"[{reach[0]:g}, {reach[1]:g}]".replace("inf", "infinity")
            return [Finding(PROBLEM, f"{act} output on regression targets in [{task.low:.3g}, "
                            f"{task.high:.3g}]: its outputs lie in {span}"
                            + (" and sum to 1." if act == "softmax" else
                               f", so the best it can reach is a held-out R^2 of {ceiling:.2f}."),
                            "`activation='linear'` on the output", "linear")]
        return []
    if family in _CROSSENTROPY and act != "softmax" and not logits:
        return [Finding(PROBLEM if act != "sigmoid" else WARN,
                        f"{facts.loss} on a {act} output: the loss divides the outputs by their "
                        "sum and takes the log, which needs positive outputs summing to 1 "
                        "(a softmax).", "`activation='softmax'` on the output (or "
                        "`from_logits=True` in the loss)", "softmax")]
    if family == "binary" and act in ("linear", "relu", "elu", "leaky_relu") and not logits:
        return [Finding(PROBLEM, f"binary_crossentropy on a {act} output: outputs outside "
                        "(0, 1) are clipped, where the gradient is 0.",
                        "`activation='sigmoid'` on the output (or `from_logits=True`)", "sigmoid")]
    if family == "regression":
        activation, loss, advice = _classification_fix(task)
        return [Finding(WARN, f"{facts.loss} on a {task.kind} classification task: a squared "
                        "or absolute error on probabilities gives small gradients where the "
                        "model is confidently wrong.", advice, activation, loss)]
    return []


def check(setup, seconds):
    """The static findings, each trainable fix probed on held-out data (see the module doc)."""
    task = setup.task
    found = findings(task, setup.targets["train"])
    evidence = {"task": task.describe(), "loss": task.facts.loss,
                "output_activation": task.facts.activation, "output_units": task.facts.units,
                "labels": task.labels, "label_range": [task.low, task.high]}
    summary_ok = (f"{task.facts.activation} output ({task.facts.units} units) with "
                  f"{task.facts.loss} fits the {task.describe()} task.")
    if not found:
        return CheckResult("output_loss", "Output and loss", OK, summary_ok, evidence, [])
    details = [f.text for f in found]
    top = found[0]
    if top.trainable and getattr(setup, "trainable", True) and not probe.enough_data(setup):
        details.append(f"Too few samples to probe the fix ({probe.too_few(setup)}), so the "
                       "finding is a note.")
        if top.status != PROBLEM:
            return CheckResult("output_loss", "Output and loss", OK, f"{top.text} (A note.)",
                               evidence, details)
    if not top.trainable or not getattr(setup, "trainable", True) or \
            not probe.enough_data(setup):
        why = ("the setup cannot train as given" if not top.trainable else
               "probes were skipped (see the report's header)"
               if not getattr(setup, "trainable", True) else "too few samples")
        return CheckResult("output_loss", "Output and loss", worst(f.status for f in found),
                           top.text, evidence, details, f"{top.advice}.", None,
                           f"not probed: {why}", {"output": top.advice})
    step = nominal_step_seconds(setup.model, setup.batch_size)
    steps = probe.plan_steps(0.9 * seconds, 2 * probe.PROBE_SEEDS, step, hi=300)
    name = " + ".join(n for n in (top.activation, top.loss) if n)
    variant = probe.Variant(name, output_activation=top.activation, loss=top.loss)
    comparison = probe.compare(setup, probe.Variant("as given"), variant, steps)
    evidence.update(comparison.evidence())
    details.append(comparison.describe())
    change = {"output_activation": top.activation, "loss": top.loss}
    if comparison.recommended:
        return CheckResult("output_loss", "Output and loss", top.status, top.text, evidence,
                           details, f"{top.advice}.", comparison.gain, comparison.gain_text(),
                           change)
    if not comparison.holds_higher:
        combined = learning_rate.with_rate(setup, variant, 0.9 * seconds, step)
        if combined is not None:
            rate, joint = combined
            evidence.update({"combined_" + k: v for k, v in joint.evidence().items()})
            details.append(f"{name} alone is no faster; with the rate a range test on the fixed "
                           f"setup suggests ({rate:.2g}): " + joint.describe())
            if joint.recommended:
                optimizer = type(setup.model.optimizer).__name__
                return CheckResult("output_loss", "Output and loss", top.status, top.text,
                                   evidence, details, f"{top.advice}, together with "
                                   f"`{optimizer}(learning_rate={rate:.2g})`: either alone is "
                                   "no faster (compound causes).", joint.gain, joint.gain_text(),
                                   {**change, "learning_rate": float(f"{rate:.2g}")})
    if comparison.holds_higher:
        current, fixed = comparison.finals
        task = setup.task
        text = (f"{name} ends at {task.format(min(fixed))} to {task.format(max(fixed))} "
                f"held-out on every probe seed, the setting as given at "
                f"{task.format(min(current))} to {task.format(max(current))}")
        details.append(f"Not sooner to the level, but {text}.")
        return CheckResult("output_loss", "Output and loss", top.status, top.text, evidence,
                           details, f"{top.advice}.", None, text, change)
    details.append(comparison.verdict())
    return CheckResult("output_loss", "Output and loss", OK,
                       f"{top.text} (A note: {name} measured no faster on held-out "
                       f"{task.metric}.)", evidence, details)
