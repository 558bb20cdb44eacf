"""How much does the scaling of the input pixels change the time to target?

Raw 0-255 pixels (the seed's Examples 1 and 2), x / 255, standardization
with the training mean and standard deviation, ``normalize(x, axis=1)`` on
train and test, and the seed's Example 3 as written: ``normalize(x_train,
axis=1)`` with the test set left raw. ``normalize`` is an L2 normalization
(each of an image's 28 columns divided by its Euclidean norm), not a scaling
to [0, 1]. Everything else is the base setting.
"""

from experiments.settings import BASE, KeyPlot

CAUSE = "the input scaling"

_LONGER = BASE.replace(epochs=20)

SETTINGS = [
    _LONGER.replace(label="raw 0-255", preprocessing="raw"),
    _LONGER.replace(label="x / 255", preprocessing="scale"),
    _LONGER.replace(label="standardized", preprocessing="standardize"),
    _LONGER.replace(label="normalize(axis=1)", preprocessing="normalize"),
    _LONGER.replace(label="normalize(x_train) only", preprocessing="normalize_train_only"),
]

#: The seed's raw pixels.
BASELINE = "raw 0-255"

#: Settings that exist to show a failure, and why they fail.
FAILURES = {"raw 0-255": "unscaled inputs"}

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "test_accuracy"))
