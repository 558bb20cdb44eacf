"""Data for the corpus programs: the sets the originals generate in code, and stand-ins.

The benchmark programs read CSV files from their questions (network packets,
census rows, a handful of measurements) or call scikit-learn's generators.
Neither is here, so each function below builds, with NumPy only, a set with
the *shape* of the original and the *property the bug depends on* (its
docstring says which). :mod:`experiments.doctor_corpus.cases` records, per
case, which function stands in for what.

Every generator takes a ``seed`` and returns new arrays, float32 for
features; the same seed gives the same arrays on every machine.
"""

import numpy as np


def xor(repeats=1):
    """The four XOR points, ``repeats`` times: x ``(4 r, 2)`` in {0, 1}, y ``(4 r, 1)``."""
    x = np.array([[1, 1], [1, 0], [0, 0], [0, 1]], dtype=np.float32)
    y = np.array([[0], [1], [0], [1]], dtype=np.float32)
    return np.tile(x, (repeats, 1)), np.tile(y, (repeats, 1))


def blobs(n=1000, centers=3, features=2, std=2.0, box=10.0, seed=0):
    """Gaussian clusters, as scikit-learn's ``make_blobs``.

    Centres are drawn uniformly in ``[-box, box]^features``; each sample is
    its class centre plus ``N(0, std^2)`` noise; classes take turns, so the
    set is not sorted by class. Returns x ``(n, features)``, integer labels ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    middle = rng.uniform(-box, box, size=(centers, features))
    labels = np.arange(n) % centers
    rng.shuffle(labels)
    x = middle[labels] + rng.normal(0.0, std, size=(n, features))
    return x.astype(np.float32), labels


def circles(n=1000, noise=0.1, factor=0.8, seed=0):
    """Two concentric circles (radius 1 and ``factor``) with Gaussian noise, as ``make_circles``.

    Returns x ``(n, 2)`` and labels ``(n,)``: 0 outer, 1 inner, shuffled.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(labels == 1, factor, 1.0)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, noise, size=x.shape)
    return x.astype(np.float32), labels


def multilabel(n=1000, features=20, classes=3, seed=0):
    """Bag-of-words style multi-label data, as ``make_multilabel_classification``.

    Each label has its own word distribution; a sample takes each label with
    probability 0.4 (at least one), draws a Poisson length (mean 50) of words
    from the mixture of its labels' distributions, and its features are the
    word counts (unscaled integers). Returns x ``(n, features)``, y ``(n, classes)`` of 0/1.
    """
    rng = np.random.default_rng(seed)
    words = rng.dirichlet(np.full(features, 0.3), size=classes)
    y = (rng.random((n, classes)) < 0.4).astype(np.float32)
    empty = y.sum(axis=1) == 0
    y[empty, rng.integers(0, classes, size=empty.sum())] = 1.0
    mixture = (y @ words) / y.sum(axis=1, keepdims=True)
    lengths = rng.poisson(50, size=n)
    x = np.stack([rng.multinomial(length, p / p.sum()) for length, p in zip(lengths, mixture)])
    return x.astype(np.float32), y


def constant_rows(n=2000, width=128):
    """Half rows of ones labelled True, half rows of zeros labelled False (SO 31880720).

    Returns x ``(n, width)``, y ``(n,)`` bool, ones first (the question's order).
    """
    half = n // 2
    x = np.concatenate([np.ones((half, width)), np.zeros((n - half, width))]).astype(np.float32)
    y = np.concatenate([np.ones(half, dtype=bool), np.zeros(n - half, dtype=bool)])
    return x, y


def linear_targets(n, weights=(2.0, 1.0, 0.5), intercept=2.2, bound=10000.0, seed=0):
    """Features uniform in ``[0, bound)`` and ``y = x . weights + intercept`` (SO 33969059).

    The property: targets far outside (0, 1), in the tens of thousands.
    Returns x ``(n, len(weights))``, y ``(n, 1)``.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, bound, size=(n, len(weights)))
    y = x @ np.asarray(weights) + intercept
    return x.astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def packets(n=400, seed=0):
    """Stand-in for SO 44066044's ``NetworkPackets.csv``: 11 raw packet fields, binary label.

    The original's columns are IPv4 addresses as integers (about 3.2e9),
    protocol numbers, TTLs, window sizes (about 5e5), ports (up to 65535)
    and small counters; the label (attack or not) follows from the counters.
    The property: unscaled columns spanning nine orders of magnitude, where
    the informative ones are the small counters. Returns x ``(n, 11)``, y ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, size=n)
    address = 3232235770 + rng.integers(0, 12, size=(n, 2))
    protocol = rng.choice([6, 17], size=(n, 1))
    ttl = rng.choice([64, 128], size=(n, 1))
    window = rng.integers(520000, 530000, size=(n, 1))
    port = rng.integers(1024, 65535, size=(n, 1))
    counters = rng.poisson(3.0, size=(n, 5)) + label[:, None] * rng.poisson(20.0, size=(n, 5))
    x = np.concatenate([address, protocol, ttl, window, port, counters], axis=1)
    return x.astype(np.float32), label


def census(n=2000, seed=0):
    """Stand-in for the UCI Adult rows of SO 47724077: 14 label-encoded columns, binary income.

    Columns on the original's scales: age (17-90), a sampling weight
    (about 2e5), years of education, capital gain (0 or up to 1e5), hours
    per week, and label-encoded categories (small integers). The income
    label depends on age, education, hours and capital gain. The property:
    unscaled columns where one uninformative column (the weight) is a
    thousand times larger than the rest. Returns x ``(n, 14)``, one-hot y ``(n, 2)``.
    """
    rng = np.random.default_rng(seed)
    age = rng.integers(17, 91, size=n)
    weight = rng.normal(190000, 100000, size=n).clip(10000)
    education = rng.integers(1, 17, size=n)
    gain = np.where(rng.random(n) < 0.1, rng.uniform(2000, 100000, size=n), 0.0)
    loss = np.where(rng.random(n) < 0.05, rng.uniform(1000, 4000, size=n), 0.0)
    hours = rng.integers(10, 80, size=n)
    categories = rng.integers(0, 15, size=(n, 8))
    score = 0.05 * (age - 40) + 0.4 * (education - 10) + 0.04 * (hours - 40) + (gain > 5000) * 3.0
    label = (score + rng.normal(0, 1.0, size=n) > 0.5).astype(int)
    x = np.column_stack([age, categories[:, 0], weight, categories[:, 1], education,
                         categories[:, 2:5], categories[:, 5:7], gain, loss, hours, categories[:, 7]])
    return x.astype(np.float32), np.eye(2, dtype=np.float32)[label]


def iris_like(n_per_class=50, seed=0):
    """Stand-in for Fisher's iris (SO 59278771): 4 measurements in cm, 3 species.

    Class means and spreads are the published per-species means and standard
    deviations of the iris measurements (sepal length/width, petal
    length/width), sampled as independent Gaussians. The property: features
    on a 0-8 cm scale, not standardized; one class well apart, two overlapping.
    Returns x ``(3 n, 4)`` sorted by class (as ``iris.data``), one-hot y ``(3 n, 3)``.
    """
    rng = np.random.default_rng(seed)
    means = np.array([[5.01, 3.43, 1.46, 0.25], [5.94, 2.77, 4.26, 1.33], [6.59, 2.97, 5.55, 2.03]])
    stds = np.array([[0.35, 0.38, 0.17, 0.11], [0.52, 0.31, 0.47, 0.20], [0.64, 0.32, 0.55, 0.27]])
    x = np.concatenate([rng.normal(m, s, size=(n_per_class, 4)) for m, s in zip(means, stds)])
    labels = np.repeat(np.arange(3), n_per_class)
    return x.clip(0.1).astype(np.float32), np.eye(3, dtype=np.float32)[labels]


def large_feature_binary(n=1000, seed=0):
    """Stand-in for SO 45442843's ``dataset.csv``: one raw feature near 20,000, a bool label.

    The label is 1 below a threshold inside the range, flipped for 10% of
    rows. The property: a single unscaled feature in the tens of thousands.
    Returns x ``(n, 1)``, y ``(n,)`` bool.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(10000, 30000, size=(n, 1))
    label = x[:, 0] < 21000
    flip = rng.random(n) < 0.1
    return x.astype(np.float32), label ^ flip


def small_regression(n=17, seed=0):
    """Stand-in for SO 48251943's ``Book1.csv``: 17 rows, 2 features, a target that goes negative.

    Features and target on the original's scale (about -0.5 to 2.5); the
    target is a smooth function of the two features plus noise and is
    negative for about a third of the rows. The property: a real-valued
    target with negative values (a ReLU output cannot produce them), and very
    few samples. Returns x ``(n, 2)``, y ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.4, 2.5, size=(n, 2))
    y = 0.6 * x[:, 0] - 0.5 * x[:, 1] + 0.2 + rng.normal(0, 0.05, size=n)
    return x.astype(np.float32), y.astype(np.float32)


def offset_integers(n=300, seed=0):
    """Stand-in for SO 39525358's ``sorted output.csv``: 3 integer codes in 65-70, a binary label.

    The original rows are three small integer codes (65..70) and a 0/1
    label. The label here is 1 when the first code exceeds the mean of the
    other two, with 5% flipped. The property: inputs on a large offset
    (65-70) with a tiny spread, not standardized. Returns x ``(n, 3)``, y ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    x = rng.integers(65, 71, size=(n, 3)).astype(np.float32)
    label = (x[:, 0] > (x[:, 1] + x[:, 2]) / 2).astype(int)
    flip = rng.random(n) < 0.05
    return x, np.where(flip, 1 - label, label)


def mnist(train_size=None, test_size=None):
    """MNIST as ``keras.datasets.mnist.load_data()`` returns it, the first samples of each split.

    Read offline by ``scratch_nn.datasets.mnist.load_data`` (set
    ``MNIST_DATA_DIR`` to the folder of the four IDX files). Returns
    ``(x_train, y_train), (x_test, y_test)``, uint8 images ``(n, 28, 28)``.
    """
    from scratch_nn.datasets import mnist as loader

    (x_train, y_train), (x_test, y_test) = loader.load_data()
    return (x_train[:train_size], y_train[:train_size]), (x_test[:test_size], y_test[:test_size])


def passengers(n=891, seed=0):
    """Stand-in for the Titanic ``train.csv`` of SO 31627380: 10 label-encoded columns, survival.

    Columns as the question encodes them: class (1-3), name (a unique code
    per row, 0..n-1), sex (0/1), age (mean-filled, 0.4-80), siblings,
    parents, ticket (a code up to about 680), fare (0-512, skewed), cabin (a
    code, 0 for most rows) and port (0-3). Survival follows sex, class and
    age, as in the real data (about 38% survive). The property: identifier
    columns encoded as integers in the hundreds, unscaled, next to the few
    informative small columns. Returns x ``(n, 10)``, one-hot y ``(n, 2)``.
    """
    rng = np.random.default_rng(seed)
    pclass = rng.choice([1, 2, 3], size=n, p=[0.24, 0.21, 0.55])
    sex = rng.integers(0, 2, size=n)
    age = rng.normal(29.7, 13.0, size=n).clip(0.42, 80)
    siblings, parents = rng.poisson(0.5, size=n), rng.poisson(0.4, size=n)
    fare = rng.lognormal(2.6, 0.9, size=n) * (4 - pclass)
    cabin = np.where(pclass == 1, rng.integers(1, 148, size=n), 0)
    score = 2.5 * sex - 0.9 * (pclass - 2) - 0.02 * (age - 30) - 0.8
    survived = (score + rng.logistic(size=n) > 0).astype(int)
    x = np.column_stack([pclass, rng.permutation(n), sex, age, siblings, parents,
                         rng.integers(0, 681, size=n), fare.clip(0, 512), cabin, rng.integers(0, 4, size=n)])
    return x.astype(np.float32), np.eye(2, dtype=np.float32)[survived]


def counties(n=600, seed=0):
    """Stand-in for SO 34673164's ``dataset.csv``: 16 raw county statistics, which candidate won.

    Columns on the original's scales: a population (log-normal, about 1e3
    to 1e6), percentages (10-60), counts (up to about 3e5), a median income
    (3e4-1.2e5) and three small signed ratios. The winner follows a few of
    the percentages and the population's logarithm. The property: unscaled
    columns from 0.1 to 1e6. Returns x ``(n, 16)``, one-hot y ``(n, 2)``.
    """
    rng = np.random.default_rng(seed)
    population = rng.lognormal(10.5, 1.5, size=n)
    percentages = rng.uniform(10, 60, size=(n, 8))
    counts = population[:, None] * rng.uniform(0.05, 0.5, size=(n, 3))
    income = rng.uniform(30000, 120000, size=n)
    ratios = rng.uniform(-1, 1, size=(n, 3))
    score = (0.08 * (percentages[:, 0] - 35) - 0.06 * (percentages[:, 3] - 35)
             + 0.6 * (np.log(population) - 10.5) + ratios[:, 0])
    winner = (score + rng.normal(0, 0.5, size=n) > 0).astype(int)
    x = np.column_stack([population, percentages[:, :5], counts[:, :2], percentages[:, 5:], income,
                         counts[:, 2], ratios])
    return x.astype(np.float32), np.eye(2, dtype=np.float32)[winner]


def keypoints(n=2140, side=96, seed=0):
    """Stand-in for Kaggle's facial keypoints (the GitHub program FacialKeypointsDetection): 96x96 images, 30 targets.

    Each image is a grey background with one bright Gaussian "face" (width 10
    pixels at 96x96, in proportion otherwise) centred uniformly in the middle of the frame, plus pixel noise,
    in [0, 1] as the original's ``/ 255``; the targets are 15 (x, y)
    keypoints at fixed offsets from the face's centre, jittered by a pixel (at 96x96),
    scaled to [-1, 1] as the original's ``(y - 48) / 48``. The property: a
    flattened 9216-pixel input already in [0, 1] and bounded regression
    targets that a linear network can fit (the face's mass is constant, so
    its centre is a linear function of the pixels). Returns x ``(n, side**2)``
    float32 shuffled, y ``(n, 30)`` float32.
    """
    rng = np.random.default_rng(seed)
    centre = rng.uniform(0.35 * side, 0.65 * side, size=(n, 2))
    grid = np.arange(side, dtype=np.float32)
    width = 10.0 * side / 96
    x = np.empty((n, side * side), dtype=np.float32)
    for row, (cx, cy) in enumerate(centre):
        face = np.exp(-((grid[None, :] - cx) ** 2 + (grid[:, None] - cy) ** 2) / (2 * width ** 2))
        x[row] = (0.2 + 0.6 * face + rng.normal(0.0, 0.05, size=(side, side))).clip(0, 1).ravel()
    offsets = rng.uniform(-0.2 * side, 0.2 * side, size=(15, 2))
    points = centre[:, None, :] + offsets[None] + rng.normal(0.0, side / 96, size=(n, 15, 2))
    half = side / 2
    y = ((points.reshape(n, 30) - half) / half).astype(np.float32)
    return x, y
