"""Does regularization shrink the generalization gap, and does it change when early stopping stops?

Dropout 0, 0.2 (the seed's Example 3) and 0.5 after the hidden layer, and an
L2 penalty on every kernel, each with EarlyStopping on the validation loss
(patience 3, best weights restored) and at most 50 epochs. The gap is the
last epoch's training accuracy minus its validation accuracy.
"""

from experiments.settings import BASE, KeyPlot

_STOPPED = BASE.replace(
    epochs=50, early_stopping={"monitor": "val_loss", "patience": 3, "restore_best_weights": True})

CAUSE = "regularization (dropout, L2)"

SETTINGS = [
    _STOPPED.replace(label="none"),
    _STOPPED.replace(label="dropout 0.2", dropout=0.2),
    _STOPPED.replace(label="dropout 0.5", dropout=0.5),
    _STOPPED.replace(label="L2 1e-4", l2=1e-4),
    _STOPPED.replace(label="L2 1e-3", l2=1e-3),
]

#: No regularization, as the base setting.
BASELINE = "none"

KEY_PLOT = KeyPlot(metrics=("gap", "epochs_run", "test_accuracy"))
EXTRA_COLUMNS = ("gap", "epochs_run", "best_epoch")
