"""Check: sorted data cut by ``validation_split``.

Keras's ``validation_split`` takes the *last* fraction of the samples before
any shuffling (``keras/src/trainers/data_adapters/array_slicing.py``,
``train_validation_split``: "The last part of data will become validation
data"). Data sorted by label (files read class by class, or
``np.concatenate`` of one array per class) then validates on one or two
classes the model never trained on: validation accuracy near 0 and a rising
validation loss, whatever the model does. Measured on the split itself:

- ``unseen``: the share of validation samples whose class does not occur in
  the training part (regression: whose target lies outside the training
  targets' range);
- ``shift``: the total-variation distance between the class frequencies of
  the two parts (``0.5 sum_c |p_train(c) - p_val(c)|``; 0 for a random split
  up to sampling noise, 1 for disjoint classes).

Either above one half (``UNSEEN_PROBLEM``, ``SHIFT_PROBLEM``) is a PROBLEM: a
random split of 30 validation samples over 10 classes has a shift near 0.2. The
fix is to shuffle once before ``fit`` (``validation_split`` then draws a
random validation set); there is no speed to probe, the measurement is the
evidence. While the split is unrepresentative, the doctor's own probes and
its generalization check hold out a random share of all the samples instead
(`Setup.split`), as the fix would.
"""

import numpy as np

from experiments.doctor.report import OK, PROBLEM, CheckResult

UNSEEN_PROBLEM = 0.5
SHIFT_PROBLEM = 0.5

FIX = ("shuffle the data once before `fit` (`order = np.random.permutation(len(x)); "
       "x, y = x[order], y[order]`), or pass `validation_data` drawn at random: "
       "`validation_split` takes the last samples, unshuffled.")


def split_shift(task, y_train, y_val):
    """``(unseen, shift)`` of a train/validation split of targets (see the module doc)."""
    y_train, y_val = np.asarray(y_train), np.asarray(y_val)
    if len(y_train) == 0 or len(y_val) == 0:
        return 0.0, 0.0
    if task.kind == "regression":
        t = y_train.reshape(len(y_train), -1)
        v = y_val.reshape(len(y_val), -1)
        outside = np.any((v < t.min(axis=0)) | (v > t.max(axis=0)), axis=1)
        return float(np.mean(outside)), float(np.mean(outside))
    if task.kind == "multilabel":
        t = y_train.reshape(len(y_train), -1) > task.threshold()
        v = y_val.reshape(len(y_val), -1) > task.threshold()
        return 0.0, float(np.mean(np.abs(t.mean(axis=0) - v.mean(axis=0))))
    train, val = task._class_labels(y_train), task._class_labels(y_val)
    classes = np.union1d(train, val)
    p = np.array([np.mean(train == c) for c in classes])
    q = np.array([np.mean(val == c) for c in classes])
    unseen = float(np.mean(~np.isin(val, train)))
    return unseen, float(0.5 * np.abs(p - q).sum())


def unrepresentative(split_shift):
    """Whether a split's ``(unseen, shift)`` makes its validation part unlike its training part."""
    unseen, shift = split_shift
    return unseen > UNSEEN_PROBLEM or shift > SHIFT_PROBLEM


def check(setup, seconds):
    """Compare the two parts of a ``validation_split`` (no training)."""
    if setup.validation_source != "validation_split":
        return CheckResult("data_order", "Data order and validation split", OK,
                           "No validation_split: nothing to check.")
    unseen, shift = setup.split_shift
    evidence = {"validation_split": setup.validation_split, "unseen_share": unseen,
                "distribution_shift": shift}
    what = "class" if setup.task.classification else "target range"
    if unrepresentative(setup.split_shift):
        status = PROBLEM
        text = (f"validation_split cut sorted data: {unseen:.0%} of the validation samples have "
                f"a {what} absent from the training part (distribution shift {shift:.2f}); the "
                "validation metrics measure data the model never trained on.")
        return CheckResult("data_order", "Data order and validation split", status, text,
                           evidence, [("The doctor's probes held out a random share of all the "
                                      "samples instead.")], FIX, None,
                           f"a validation set like the training data (now {unseen:.0%} unseen)",
                           {"shuffle": True})
    return CheckResult("data_order", "Data order and validation split", OK,
                       f"The validation split looks like the training part ({unseen:.0%} "
                       f"unseen, distribution shift {shift:.2f}).", evidence)
