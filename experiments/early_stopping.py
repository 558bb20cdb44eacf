"""How much training time does early stopping save, and at what cost in test accuracy?

Fifty epochs of the base setting without early stopping, against
EarlyStopping on the validation loss with patience 3 (the seed's choice) and
10, with and without restoring the best weights. The epoch of least
validation loss marks where overfitting starts.
"""

from experiments.settings import BASE, KeyPlot

_LONG = BASE.replace(epochs=50)

CAUSE = "training past the best epoch (no early stopping)"

SETTINGS = [
    _LONG.replace(label="no early stopping"),
    _LONG.replace(label="patience 3", early_stopping={"monitor": "val_loss", "patience": 3}),
    _LONG.replace(label="patience 3, restore best",
                  early_stopping={"monitor": "val_loss", "patience": 3, "restore_best_weights": True}),
    _LONG.replace(label="patience 10, restore best",
                  early_stopping={"monitor": "val_loss", "patience": 10, "restore_best_weights": True}),
]

KEY_PLOT = KeyPlot(metrics=("total_seconds", "test_accuracy"))
EXTRA_COLUMNS = ("epochs_run", "best_epoch", "total_seconds")
