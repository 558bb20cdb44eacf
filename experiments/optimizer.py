"""Which optimizer reaches the target validation accuracy soonest, in epochs and in seconds?

Plain SGD at Keras's default learning rate (0.01) against momentum, Nesterov
momentum, RMSprop and Adam at their usual rates; everything else is the base
setting (pixels / 255, one hidden layer of 128 relu units, batch 128).
"""

from experiments.settings import BASE, KeyPlot

CAUSE = "the optimizer (plain SGD vs momentum, RMSprop, Adam)"

SETTINGS = [
    BASE.replace(label="SGD(0.01)", optimizer=("SGD", {"learning_rate": 0.01})),
    BASE.replace(label="SGD(0.01, momentum=0.9)",
                 optimizer=("SGD", {"learning_rate": 0.01, "momentum": 0.9})),
    BASE.replace(label="SGD(0.01, momentum=0.9, nesterov)",
                 optimizer=("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True})),
    BASE.replace(label="RMSprop(0.001)", optimizer=("RMSprop", {"learning_rate": 1e-3})),
    BASE.replace(label="Adam(0.001)", optimizer=("Adam", {"learning_rate": 1e-3})),
]

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "epochs_to_target"))
