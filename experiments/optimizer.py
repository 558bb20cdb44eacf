"""Which optimizer reaches the target validation accuracy soonest, in epochs and in seconds?

Plain SGD at Keras's default learning rate (0.01) against momentum, Nesterov
momentum, RMSprop and Adam at their usual rates; everything else is the base
setting (pixels / 255, one hidden layer of 128 relu units, batch 128). Plain
SGD trains 50 epochs, the momentum variants 30, the adaptive ones 15.
"""

from experiments.settings import BASE, KeyPlot

CAUSE = "the optimizer (plain SGD vs momentum, RMSprop, Adam)"

SETTINGS = [
    BASE.replace(label="SGD(0.01)", epochs=50, optimizer=("SGD", {"learning_rate": 0.01})),
    BASE.replace(label="SGD(0.01, momentum=0.9)", epochs=30,
                 optimizer=("SGD", {"learning_rate": 0.01, "momentum": 0.9})),
    BASE.replace(label="SGD(0.01, momentum=0.9, nesterov)", epochs=30,
                 optimizer=("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True})),
    BASE.replace(label="RMSprop(0.001)", epochs=15, optimizer=("RMSprop", {"learning_rate": 1e-3})),
    BASE.replace(label="Adam(0.001)", epochs=15, optimizer=("Adam", {"learning_rate": 1e-3})),
]

#: Keras's ``SGD()`` at its default rate.
BASELINE = "SGD(0.01)"

KEY_PLOT = KeyPlot(metrics=("seconds_to_target", "epochs_to_target"))
