"""How does the time to target depend on the learning rate, for SGD and for Adam?

A log grid from 1e-5 to 1 for each optimizer, everything else the base
setting: too small crawls, too large oscillates or diverges, and the time to
target is U-shaped between. Runs whose loss became NaN or infinite are marked
diverged.
"""

from experiments.settings import BASE, KeyPlot

RATES = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)

CAUSE = "the learning rate"

SETTINGS = [
    BASE.replace(label=f"{name}({rate:g})", group=name, x=rate,
                 optimizer=(name, {"learning_rate": rate}))
    for name in ("SGD", "Adam")
    for rate in RATES
]

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "best_val_accuracy"), kind="line",
                   xlabel="learning rate", logx=True)
