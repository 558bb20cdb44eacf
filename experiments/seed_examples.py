"""Do the seed article's three Keras examples do what it claims, and what does scaling the pixels change?

"As written" is the article's model, ``compile`` and ``fit`` call, argument
for argument. Two things are added to measure them and change nothing in
training: every epoch is timed, and Example 1, which has no validation split,
is scored on the test set after each epoch. The article never evaluates on the
test set; here every run ends with ``model.evaluate(x_test, y_test)`` on the
test images as that example prepares them (Examples 1 and 2: raw 0-255;
Example 3: raw too, since it only normalizes ``x_train``). "Corrected" changes
one thing: pixels scaled to [0, 1] (``x / 255``) for train and test alike.
"""

from experiments.settings import BASE, KeyPlot

CAUSE = "the seed article's examples as written"

_STOP = {"monitor": "val_loss", "patience": 3}

#: The three examples exactly as written in the article: the one table of their
#: settings (the doctor starts from it too). The article's code itself is
#: `keras_ref.examples`; ``tests/test_seed_examples_agree.py`` checks the two agree.
AS_WRITTEN = {
    1: BASE.replace(label="", preprocessing="raw", optimizer="sgd", batch_size=32, epochs=10,
                    validation_split=0.0),
    2: BASE.replace(label="", preprocessing="raw", optimizer="adam", batch_size=128, epochs=50,
                    validation_split=0.2, early_stopping=_STOP),
    3: BASE.replace(label="", preprocessing="normalize_train_only", dropout=0.2,
                    optimizer=("Adam", {"learning_rate": 0.001}), batch_size=256, epochs=50,
                    validation_split=0.2, early_stopping=_STOP),
}

#: What the article says about each example.
CLAIMS = {
    1: "a common pitfall: SGD without a tuned learning rate and few epochs",
    2: "Adam converges faster; EarlyStopping saves training time; a larger batch speeds up training",
    3: "normalizing the pixels significantly improves training speed and performance",
}

SETTINGS = [
    version
    for number, example in AS_WRITTEN.items()
    for version in (
        example.replace(label=f"Example {number} as written", group="as written", x=number),
        example.replace(label=f"Example {number} corrected", group="corrected", x=number,
                        preprocessing="scale"),
    )
]

#: The article's main example ("Adam converges faster").
BASELINE = "Example 2 as written"

#: Settings that exist to show a failure, and why they fail.
FAILURES = {"Example 1 as written": "raw pixels, SGD's default rate, 10 epochs",
            "Example 1 corrected": "SGD's default rate, 10 epochs"}

KEY_PLOT = KeyPlot(metrics=("best_val_accuracy", "test_accuracy", "seconds_to_target"))
EXTRA_COLUMNS = ("epochs_run",)


def _input_range(records, label):
    """'train mean a, max b; test mean c, max d' of the first run of ``label``."""
    record = next(r for r in records if r["setting"] == label)
    return (f"train inputs mean {record['x_train_mean']:.3g}, max {record['x_train_max']:.3g}; "
            f"test inputs mean {record['x_test_mean']:.3g}, max {record['x_test_max']:.3g}")


def notes(rows, records, fmt):
    """Claim against measurement, per example and backend, from the summary ``rows``.

    Args:
        rows: `experiments.measures.summarize` rows of this experiment.
        records: its run records (for the input statistics).
        fmt: the report's number formatter, ``fmt(value, kind)``.
    """
    lines = []
    for number, claim in CLAIMS.items():
        written, corrected = f"Example {number} as written", f"Example {number} corrected"
        lines.append(f"- **Example {number}.** The article: {claim}.")
        for backend in dict.fromkeys(row["backend"] for row in rows):
            pair = {row["setting"]: row for row in rows if row["backend"] == backend}
            if written not in pair or corrected not in pair:
                continue
            a, b = pair[written], pair[corrected]
            lines.append(
                f"  - {backend}: as written, best validation accuracy {fmt(a['best_val_accuracy'], 'acc')}"
                f" and test accuracy {fmt(a['test_accuracy'], 'acc')} after {fmt(a['epochs_run'], 'n')}"
                f" epochs; corrected, {fmt(b['best_val_accuracy'], 'acc')} and"
                f" {fmt(b['test_accuracy'], 'acc')} after {fmt(b['epochs_run'], 'n')} epochs."
            )
        if any(r["setting"] == written for r in records):
            lines.append(f"  - Inputs as written: {_input_range(records, written)}.")
    lines += _normalize_note(rows, records, fmt)
    return lines


def _normalize_note(rows, records, fmt):
    """What ``normalize(x_train, axis=1)`` did in Example 3, in measured numbers."""
    runs = {r["setting"]: r for r in records}
    written, corrected = runs.get("Example 3 as written"), runs.get("Example 3 corrected")
    if written is None or corrected is None:
        return []
    summary = (
        f"- **normalize is not a [0, 1] scaling.** `normalize(x_train, axis=1)` divides each image "
        f"column by its L2 norm: training inputs of mean {written['x_train_mean']:.3g} (x / 255 gives "
        f"{corrected['x_train_mean']:.3g}). Example 3 never normalizes the test set, which stays at "
        f"mean {written['x_test_mean']:.3g}, max {written['x_test_max']:.3g}."
    )
    lines = [summary]
    for row in rows:
        if row["setting"] == "Example 3 as written":
            lines.append(
                f"  - {row['backend']}: validation accuracy {fmt(row['best_val_accuracy'], 'acc')} "
                f"(validation split of the normalized training set), test accuracy "
                f"{fmt(row['test_accuracy'], 'acc')} on the raw test set.")
    return lines
