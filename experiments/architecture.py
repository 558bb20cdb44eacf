"""What does a wider or deeper MLP cost per epoch, and how much accuracy does it buy?

One hidden layer of 32 to 1024 relu units, and 2 to 4 hidden layers of 128,
everything else the base setting (15 epochs; 30 for the slow-learning 32\nunits). Plotted against the number of parameters.
"""

import itertools

from experiments.settings import BASE, KeyPlot


def parameters(hidden):
    """Trainable parameters of a 784 -> hidden... -> 10 Dense network (kernels + biases)."""
    sizes = (28 * 28, *hidden, 10)
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in itertools.pairwise(sizes))


_SHAPES = [("width", (width,)) for width in (32, 128, 512, 1024)]
_SHAPES += [("depth", (128,) * depth) for depth in (2, 3, 4)]

CAUSE = "the network's width and depth"

SETTINGS = [
    BASE.replace(label=" x ".join(map(str, hidden)), group=group, x=parameters(hidden), hidden=hidden,
                 epochs=30 if hidden == (32,) else 15)
    for group, hidden in _SHAPES
]

#: The seed's one hidden layer of 128 units.
BASELINE = "128"

KEY_PLOT = KeyPlot(metrics=("seconds_per_epoch", "best_val_accuracy", "seconds_to_target"),
                   kind="line", xlabel="trainable parameters", logx=True)
