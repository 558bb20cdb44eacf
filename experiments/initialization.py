"""Does the weight initialization change how fast training gets going?

Glorot uniform (Keras's default), He normal, a small normal (standard
deviation 0.01) and all zeros, for every Dense kernel; everything else the
base setting. All-zero kernels give every hidden unit the same (zero)
gradient, so the network cannot learn beyond its output bias.
"""

from experiments.settings import BASE, KeyPlot

CAUSE = "the weight initialization"

_LONGER = BASE.replace(epochs=15)

SETTINGS = [
    _LONGER.replace(label="glorot_uniform", initializer="glorot_uniform"),
    _LONGER.replace(label="he_normal", initializer="he_normal"),
    _LONGER.replace(label="normal(0.01)", initializer=("RandomNormal", {"mean": 0.0, "stddev": 0.01})),
    _LONGER.replace(label="zeros", initializer="zeros", epochs=10),
]

#: Keras's default kernel initializer.
BASELINE = "glorot_uniform"

#: Settings that exist to show a failure, and why they fail.
FAILURES = {"zeros": "symmetric units cannot learn"}

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "best_val_accuracy"))
