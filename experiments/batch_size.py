"""How does the batch size trade epochs to target against seconds per epoch?

Adam with batches of 8 to 8192 at a rate that suits each batch size: 1e-3 at
batch 32 (Keras's default batch), scaled with the square root of the batch
(``1e-3 x sqrt(batch / 32)``, which keeps the noise of an update about
constant). Small batches take many cheap but overhead-bound steps per
epoch; large ones few steps, so more epochs. Where per-step overhead
dominates differs between the backends. The contrast series keeps Adam's
1e-3 at every batch size: what changing only the batch size does (its batch
32 is the scaled series' own, run once).
"""

import math

from experiments.settings import BASE, KeyPlot

#: (batch size, epochs): small batches reach the target in few epochs, large ones need many.
SIZES = ((8, 6), (32, 15), (128, 20), (512, 30), (2048, 50), (8192, 50))
REFERENCE_RATE, REFERENCE_BATCH = 1e-3, 32


def rate(batch_size):
    """The square-root scaled rate: ``lr = 1e-3 x sqrt(batch_size / 32)``."""
    return REFERENCE_RATE * math.sqrt(batch_size / REFERENCE_BATCH)


CAUSE = "the batch size"

SETTINGS = [
    BASE.replace(label=f"batch {size}, sqrt-scaled lr", group="sqrt-scaled lr", x=size, batch_size=size,
                 epochs=epochs, optimizer=("Adam", {"learning_rate": rate(size)}))
    for size, epochs in SIZES
] + [
    BASE.replace(label=f"batch {size}, fixed lr", group="fixed lr", x=size, batch_size=size,
                 epochs=epochs, optimizer=("Adam", {"learning_rate": REFERENCE_RATE}))
    for size, epochs in SIZES if size != REFERENCE_BATCH
]

#: Keras's default batch size (its rate is the same in both series).
BASELINE = "batch 32, sqrt-scaled lr"

#: Settings that exist to show a failure, and why they fail.
FAILURES = {"batch 8192, fixed lr": "too few steps at a small rate"}

KEY_PLOT = KeyPlot(metrics=("epochs_to_target", "seconds_per_epoch", "seconds_to_target"),
                   kind="line", xlabel="batch size", logx=True, logy=True)
