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

#: Keras's ``fit`` trains every epoch it is asked for.
BASELINE = "no early stopping"

KEY_PLOT = KeyPlot(metrics=("total_seconds", "test_accuracy"))
EXTRA_COLUMNS = ("epochs_run", "best_epoch", "total_seconds")


def notes(rows, records, fmt):
    """Per backend: epochs and seconds each early stopping saves against none, and test accuracy."""
    lines = []
    for backend in dict.fromkeys(row["backend"] for row in rows):
        mine = [row for row in rows if row["backend"] == backend]
        full = next((row for row in mine if row["setting"] == "no early stopping"), None)
        if full is None:
            continue
        lines.append(
            f"- {backend}: without early stopping, {fmt(full['epochs_run'], 'n')} epochs in "
            f"{fmt(full['total_seconds'], 's')}, least validation loss at epoch "
            f"{fmt(full['best_epoch'], 'n')}, test accuracy {fmt(full['test_accuracy'], 'acc')}.")
        for row in mine:
            if row is full:
                continue
            saved = 1 - row["total_seconds"] / full["total_seconds"]
            lines.append(
                f"  - {row['setting']}: stopped after {fmt(row['epochs_run'], 'n')} epochs, "
                f"{100 * saved:.0f}% of the time saved, test accuracy {fmt(row['test_accuracy'], 'acc')}.")
    return lines
