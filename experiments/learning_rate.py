"""How does the time to target depend on the learning rate, for SGD and for Adam?

A half-decade grid (1, 3, 10, 30...) from 1e-4 to 3 for SGD and from 1e-5 to
0.1 for Adam, everything else the base setting (batch 128): too small crawls,
too large oscillates or diverges, and the time to target is U-shaped between.
Each rate gets the epochs its side of the U needs: the good half enough to
reach the target, the crawling and diverging ends enough to show they do
not. Runs whose loss became NaN or infinite are marked diverged.
"""

from experiments.settings import BASE, KeyPlot

#: (optimizer, rate, epochs); half-decade steps.
GRID = (
    ("SGD", 1e-4, 10), ("SGD", 3e-4, 10), ("SGD", 1e-3, 10), ("SGD", 3e-3, 20),
    ("SGD", 1e-2, 50), ("SGD", 3e-2, 60), ("SGD", 0.1, 30), ("SGD", 0.3, 20),
    ("SGD", 1.0, 20), ("SGD", 3.0, 10),
    ("Adam", 1e-5, 10), ("Adam", 3e-5, 20), ("Adam", 1e-4, 50), ("Adam", 3e-4, 20),
    ("Adam", 1e-3, 15), ("Adam", 3e-3, 15), ("Adam", 1e-2, 15), ("Adam", 3e-2, 15),
    ("Adam", 0.1, 10),
)

CAUSE = "the learning rate"

SETTINGS = [
    BASE.replace(label=f"{name}({rate:g})", group=name, x=rate, epochs=epochs,
                 optimizer=(name, {"learning_rate": rate}))
    for name, rate, epochs in GRID
]

#: Keras's ``SGD()`` default rate.
BASELINE = "SGD(0.01)"

#: Settings that exist to show a failure, and why they fail.
FAILURES = {
    **{f"SGD({rate:g})": "too small: crawls" for rate in (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)},
    "SGD(3)": "too large: diverges",
    **{f"Adam({rate:g})": "too small: crawls" for rate in (1e-5, 3e-5)},
    **{f"Adam({rate:g})": "too large: oscillates" for rate in (3e-2, 0.1)},
}

KEY_PLOT = KeyPlot(metrics=("epochs_to_target", "seconds_to_target", "best_val_accuracy"), kind="line",
                   xlabel="learning rate", logx=True)
