"""How does the batch size trade epochs to target against seconds per epoch?

Plain SGD with batches of 8 to 8192, at a fixed learning rate (0.1) and at
one scaled linearly with the batch (0.1 x batch / 128). Small batches take
many cheap but overhead-bound steps per epoch; large ones few steps, so more
epochs. Where per-step overhead dominates differs between the backends.
"""

from experiments.settings import BASE, KeyPlot

SIZES = (8, 32, 128, 512, 2048, 8192)
REFERENCE_RATE, REFERENCE_BATCH = 0.1, 128


def _rate(batch_size, scaled):
    return REFERENCE_RATE * batch_size / REFERENCE_BATCH if scaled else REFERENCE_RATE


CAUSE = "the batch size"

SETTINGS = [
    BASE.replace(label=f"batch {size}, {group}", group=group, x=size, batch_size=size,
                 optimizer=("SGD", {"learning_rate": _rate(size, group == "scaled lr")}))
    for group in ("fixed lr", "scaled lr")
    for size in SIZES
]

KEY_PLOT = KeyPlot(metrics=("epochs_to_target", "seconds_to_target", "seconds_per_epoch"),
                   kind="line", xlabel="batch size", logx=True, logy=True)
