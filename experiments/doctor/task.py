"""What the model is trained to do, read from the labels, the loss and the output layer.

Every probe times a fix to a level of a held-out *task metric*, so the doctor
first has to know the task. :func:`detect` reads it, labels first (they say
what the user wants), then the loss and the output width:

=============  ==========================================  ====================
task           labels                                      held-out metric
=============  ==========================================  ====================
multiclass     integers ``0..k-1`` ``(n,)`` (sparse), or   accuracy of the
               one-hot rows ``(n, k)``, ``k >= 3``         arg-max
binary         ``{0, 1}`` ``(n,)``/``(n, 1)``, or one-hot  accuracy (one unit:
               ``(n, 2)``                                  output above the
                                                           labels' midpoint)
multilabel     0/1 rows ``(n, k)`` whose sums vary         accuracy per label
regression     real values (or many distinct integers      ``R^2``
               with a regression loss)
=============  ==========================================  ====================

The regression metric is the held-out loss level put on a scale that does not
depend on the targets' units: ``R^2 = 1 - sum (p - y)^2 / sum (y - mean y)^2``
(1 is perfect, 0 is predicting the mean), so a level means the same for
targets in metres or in millions.

A probe's level is at least :meth:`Task.floor`, a value a model that learned
nothing cannot reach: for classification ``c + (1 - c) / max(k - 1, 2)``
with ``c`` the chance accuracy (``max(1 / k, share of the commonest class)``;
for 10 balanced classes this is ``2 / k = 0.2``, twice chance; for a binary
task, halfway from chance to perfect); for regression an ``R^2`` of
``REGRESSION_FLOOR``.

Keras's loss names and aliases (``keras/src/losses/__init__.py``,
``ALL_OBJECTS_DICT``) are mapped to families by :func:`loss_family`; the model
facts are read from a scratch_nn or a Keras model alike (:func:`model_facts`),
so the static checks run even where the scratch_nn twin cannot be built.
"""

from dataclasses import dataclass

import numpy as np

#: Held-out ``R^2`` a regression probe must reach at least (0 is predicting the mean).
REGRESSION_FLOOR = 0.1
#: At most this many distinct integer targets read as class labels under a cross-entropy.
MAX_CLASSES = 1000

_SPARSE, _CATEGORICAL, _BINARY, _REGRESSION, _OTHER = (
    "sparse_categorical", "categorical", "binary", "regression", "other")
_ALIASES = {
    "mse": "mean_squared_error", "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
    "huber_loss": "huber", "logcosh": "log_cosh", "kld": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
}
_FAMILIES = {
    "sparse_categorical_crossentropy": _SPARSE,
    "categorical_crossentropy": _CATEGORICAL,
    "categorical_focal_crossentropy": _CATEGORICAL,
    "binary_crossentropy": _BINARY,
    "binary_focal_crossentropy": _BINARY,
    "mean_squared_error": _REGRESSION,
    "mean_absolute_error": _REGRESSION,
    "mean_absolute_percentage_error": _REGRESSION,
    "mean_squared_logarithmic_error": _REGRESSION,
    "huber": _REGRESSION,
    "log_cosh": _REGRESSION,
}


def loss_name(loss):
    """A Keras or scratch_nn loss (a name, an object or a function) as its canonical Keras name."""
    if isinstance(loss, str):
        name = loss
    else:
        name = getattr(loss, "name", None) or getattr(loss, "__name__", None) \
            or type(loss).__name__
        if not isinstance(name, str):
            name = type(loss).__name__
    name = name.lower()
    if name not in _FAMILIES and name not in _ALIASES:
        # Class names: MeanSquaredError -> mean_squared_error.
        snake = "".join("_" + c.lower() if c.isupper() else c for c in type(loss).__name__)
        name = snake.lstrip("_") if snake.lstrip("_") in _FAMILIES else name
    return _ALIASES.get(name, name)


def loss_family(name):
    """``"sparse_categorical"``, ``"categorical"``, ``"binary"``, ``"regression"`` or ``"other"``."""
    return _FAMILIES.get(loss_name(name), _OTHER)


def _activation_name(activation):
    if activation is None:
        return "linear"
    name = getattr(activation, "name", None) or getattr(activation, "__name__", None)
    return str(name or type(activation).__name__).lower()


@dataclass(frozen=True)
class ModelFacts:
    """What the static checks need from a model: loss, output activation and width.

    ``from_logits`` is the loss's flag (a cross-entropy on raw scores).
    """

    loss: str
    from_logits: bool
    activation: str
    units: int


def model_facts(model):
    """The :class:`ModelFacts` of a compiled scratch_nn or Keras model.

    The output activation is that of the last layer that has one (a Dense,
    or an ``Activation`` layer after it); Dropout after it changes nothing.
    """
    activation = "linear"
    for layer in reversed(model.layers):
        if hasattr(layer, "activation"):
            activation = _activation_name(layer.activation)
            break
    loss = model.loss
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    from_logits = bool(getattr(loss, "from_logits", config.get("from_logits", False)))
    return ModelFacts(loss_name(loss), from_logits, activation, int(model.output_shape[-1]))


@dataclass(frozen=True)
class Task:
    """The task a model is trained on (see the module doc).

    Attributes:
        kind: ``"multiclass"``, ``"binary"``, ``"multilabel"`` or ``"regression"``.
        classes: classes (labels for multilabel; outputs for regression).
        labels: the label form: ``"sparse"``, ``"one-hot"``, ``"binary"``,
            ``"multi-hot"`` or ``"continuous"``.
        low, high: the smallest and largest label or target value.
        facts: the model's :class:`ModelFacts`.
    """

    kind: str
    classes: int
    labels: str
    low: float
    high: float
    facts: ModelFacts

    @property
    def classification(self):
        """Whether the task has classes (and so an accuracy)."""
        return self.kind != "regression"

    @property
    def metric(self):
        """The held-out metric's name, for the report."""
        return "accuracy" if self.classification else "R^2"

    def format(self, value):
        """A metric value in words (``"93.1%"``, ``"R^2 0.87"``)."""
        return f"{value:.1%}" if self.classification else f"R^2 {value:.3g}"

    def describe(self):
        """The task in a few words, for the report's header."""
        if self.kind == "regression":
            return f"regression ({self.classes} output{'s' if self.classes > 1 else ''})"
        if self.kind == "multilabel":
            return f"multi-label ({self.classes} labels)"
        return f"{self.kind} ({self.classes} classes, {self.labels} labels)"

    def threshold(self, from_logits=False):
        """The output value above which a single unit predicts the upper label."""
        return 0.0 if from_logits else (self.low + self.high) / 2

    def score(self, outputs, y, from_logits=None):
        """The held-out metric of ``outputs`` against targets ``y`` (higher is better).

        Args:
            outputs: the model's outputs ``(n, units)``.
            y: the targets as the loss takes them (sparse ``(n,)`` or ``(n, k)``).
            from_logits: whether one-unit outputs are logits (the task's by default).
        """
        logits = self.facts.from_logits if from_logits is None else from_logits
        p = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
        if not np.all(np.isfinite(p)):
            return 0.0 if self.classification else -np.inf
        y = np.asarray(y)
        if self.kind == "regression":
            t = y.reshape(len(y), -1).astype(np.float64)
            if t.shape != p.shape:
                return -np.inf
            spread = np.sum((t - t.mean(axis=0)) ** 2)
            return float(1 - np.sum((p - t) ** 2) / spread) if spread > 0 else 0.0
        if self.kind == "multilabel":
            t = y.reshape(len(y), -1)
            if t.shape != p.shape:
                return 0.0
            return float(np.mean((p > self.threshold(logits)) == (t > self.threshold())))
        labels = self._class_labels(y)
        if p.shape[1] == 1:
            upper = p[:, 0] > self.threshold(logits)
            return float(np.mean(np.where(upper, self.high, self.low) == labels))
        return float(np.mean(np.argmax(p, axis=1) == labels))

    def _class_labels(self, y):
        if y.ndim == 2 and y.shape[1] > 1:
            return np.argmax(y, axis=1)
        return y.reshape(len(y))

    def chance(self, y):
        """The metric of a model that learned nothing about the inputs, on targets ``y``.

        Classification: the larger of ``1 / k`` and the share of the commonest
        class (per label for multilabel, averaged); regression: 0.
        """
        y = np.asarray(y)
        if self.kind == "regression" or len(y) == 0:
            return 0.0
        if self.kind == "multilabel":
            t = y.reshape(len(y), -1) > self.threshold()
            return float(np.mean(np.maximum(t.mean(axis=0), 1 - t.mean(axis=0))))
        _, counts = np.unique(self._class_labels(y), return_counts=True)
        return max(1 / self.classes, float(counts.max() / counts.sum()))

    def floor(self, y):
        """The least level a probe is timed to (see the module doc)."""
        if self.kind == "regression":
            return REGRESSION_FLOOR
        c = self.chance(y)
        return c + (1 - c) / max(self.classes - 1, 2)


def _integral(y):
    if y.dtype.kind in "biu":
        return True
    return y.dtype.kind == "f" and bool(np.all(np.isfinite(y))) and \
        bool(np.array_equal(y, np.round(y)))


def detect(facts, y):
    """The :class:`Task` of a model with :class:`ModelFacts` ``facts`` trained on targets ``y``.

    The labels decide (see the module doc); where they are ambiguous (0/1
    targets, or integers under a regression loss), the loss and the output
    width do: 0/1 targets with sparse cross-entropy over ``k > 2`` units are
    ``k``-class labels that happen to use two classes; integers under a
    regression loss with one output unit are a regression target.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf" or y.ndim == 0 or len(y) == 0:
        raise ValueError(f"diagnose: y must be a numeric array of targets, received dtype "
                         f"{y.dtype} and shape {y.shape}")
    family = loss_family(facts.loss)
    crossentropy = family in (_SPARSE, _CATEGORICAL, _BINARY)
    flat = y.reshape(len(y), -1)
    width = flat.shape[1]
    low, high = float(np.min(y)), float(np.max(y))

    def task(kind, classes, labels):
        return Task(kind, int(classes), labels, low, high, facts)

    integral = _integral(y)
    zero_one = integral and set(np.unique(flat)) <= {0, 1}
    if width > 1:
        if zero_one or (crossentropy and 0 <= low and high <= 1):
            sums = flat.sum(axis=1)
            if np.allclose(sums, 1):
                return task("binary" if width == 2 else "multiclass", width, "one-hot")
            return task("multilabel", width, "multi-hot")
        return task("regression", width, "continuous")
    values = flat[:, 0]
    if zero_one:
        if family == _SPARSE and facts.units > 2:
            return task("multiclass", facts.units, "sparse")
        return task("binary", 2, "binary")
    if integral and (crossentropy or facts.units > 1):
        distinct = np.unique(values)
        if len(distinct) <= MAX_CLASSES:
            if low < 0 and family == _BINARY and len(distinct) == 2:
                return task("binary", 2, "binary")
            return task("multiclass", max(facts.units, int(high) + 1, len(distinct)), "sparse")
    if crossentropy and 0 <= low and high <= 1:
        return task("binary", 2, "binary")
    return task("regression", 1, "continuous")
