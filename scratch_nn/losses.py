"""Losses and their gradients, reduced as Keras reduces them: the mean over the batch.

The public path of every loss: the cross-entropies and the mean squared
error are here, the other regression losses in
:mod:`scratch_nn.regression_losses`, the hinge losses in
:mod:`scratch_nn.hinge_losses`, KL divergence and Poisson in
:mod:`scratch_nn.probabilistic_losses`, the ``Loss`` contract in
:mod:`scratch_nn.loss_base`; :func:`get` knows all their Keras names.

Mirrors ``keras/src/losses/losses.py`` and the TensorFlow backend's
``categorical_crossentropy`` / ``sparse_categorical_crossentropy``
(``keras/src/backend/tensorflow/nn.py``). ``n`` is the batch size, ``p`` the
predicted probabilities, ``z`` logits, ``eps = 1e-7``.

Cross-entropy on probabilities that did **not** come from a softmax layer
(Keras's exact formulas)::

    categorical:  o = p / sum(p);  L = -sum(t * log(clip(o, eps, 1 - eps)))
    sparse:       c = clip(p, eps, 1 - eps);  L = -log(c[y]) + log(sum(c))

The gradient of ``clip`` is zero outside ``[eps, 1 - eps]`` (TensorFlow's
``clip_by_value`` gradient), so a confidently wrong probability stops
learning.

Cross-entropy on the output of a softmax layer: Keras never looks at the
probabilities; it takes the logits the softmax came from (``_keras_logits``)
and computes ``L = -sum(t * log_softmax(z))``. No clipping happens and the
gradient with respect to the logits is the exact, fused
``dL/dz = (softmax(z) - t) / n`` (for one-hot ``t``). The model uses
:meth:`CrossentropyLoss.logits_loss_and_gradient` for that case, whatever
``from_logits`` says (Keras warns and does the same).

Not copied: Keras 3 also tags a *sigmoid* output with its logits, and its
categorical cross-entropies then take the softmax cross-entropy of those
logits (on ``sigmoid([1, 2, -1])`` against ``[0, 1, 0]``: 0.349, where the
probabilities give 0.759). scratch_nn treats a sigmoid output as the
probabilities it is and takes the clipped path.

Binary cross-entropy (``keras/src/losses/losses.py`` ``binary_crossentropy``,
TensorFlow backend ``binary_crossentropy``), ``k`` outputs per sample,
targets first smoothed as ``t = t (1 - s) + 0.5 s`` for ``label_smoothing=s``::

    probabilities:  c = clip(p, eps, 1 - eps);  L = -mean_k(t log(c) + (1 - t) log(1 - c))
                    dL/dp = m (c - t) / (c (1 - c)) / (n k)      (m: the clip mask)
    logits:         L = mean_k(max(z, 0) - z t + log(1 + exp(-|z|)))
                    dL/dz = (sigmoid(z) - t) / (n k)

On a sigmoid output Keras takes the logits path; scratch_nn takes the
probability path, which gives the same loss and, through the sigmoid, the
same ``dL/dz = sigmoid(z) - t`` wherever ``p`` is inside the clip range
(``|z| < 16`` in float32). Beyond it the clipped loss saturates at
``-log(eps)`` and its gradient is 0.

Label smoothing for the categorical cross-entropy is Keras's
``t = t (1 - s) + s / k``; Keras's sparse cross-entropy has no
``label_smoothing`` (a ``TypeError`` in both libraries).
"""

import numpy as np

from scratch_nn.activations import sigmoid
from scratch_nn.config import epsilon, resolve

# The imports marked F401 re-export the other loss modules' classes and Keras's function
# forms: scratch_nn.losses is the one public path (keras.losses.Huber, keras.losses.huber...).
from scratch_nn.hinge_losses import (  # noqa: F401
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from scratch_nn.loss_base import Loss, _check_keras_kwargs
from scratch_nn.loss_reduction import (
    squeeze_or_expand_to_same_rank,
)
from scratch_nn.probabilistic_losses import (  # noqa: F401
    KLDivergence,
    Poisson,
    kl_divergence,
    poisson,
)
from scratch_nn.regression_losses import (  # noqa: F401
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
)


def log_softmax(z):
    """``log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))`` over the last axis."""
    # Array methods rather than np.max / np.sum: the same reductions without
    # NumPy's Python-level dispatch, which costs more than the maths on a batch.
    z = np.asarray(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _sparse_labels(y_true, y_pred):
    """Integer labels of shape ``y_pred.shape[:-1]``; a trailing axis of 1 is squeezed.

    Keras's rule (``sparse_categorical_crossentropy`` in
    ``keras/src/backend/tensorflow/nn.py``): labels of ``y_pred``'s rank
    ending in 1 lose that axis; then their shape must be ``y_pred``'s
    without the class axis.
    """
    y = np.asarray(y_true)
    if y.ndim == y_pred.ndim and y.shape[-1] == 1:
        y = y[..., 0]
    if y.shape != y_pred.shape[:-1]:
        raise ValueError(f"sparse categorical cross-entropy: y_true must have the shape of y_pred "
                         f"without its class axis, {y_pred.shape[:-1]}, received {y.shape}")
    return y.astype(np.intp, copy=False)


def _at_labels(a, y):
    """``a[..., y]`` per sample: the entry of each label, shape ``y.shape``."""
    return np.take_along_axis(a, y[..., None], axis=-1)[..., 0]


def _clip_mask(p):
    """``clip(p, eps, 1 - eps)`` and the mask where its gradient is 1 (inclusive bounds)."""
    eps = np.asarray(epsilon(), p.dtype)
    low, high = eps, 1 - eps
    return np.clip(p, low, high), (p >= low) & (p <= high)


def _check_same_shape(target, output):
    """Keras's check (``keras/src/backend/tensorflow/nn.py``): the target has the output's shape.

    A target of one rank less is first given a trailing axis of 1 (labels
    ``(n,)`` for outputs ``(n, 1)``), as Keras's binary cross-entropy does.
    """
    if target.ndim == output.ndim - 1 and output.shape[-1] == 1:
        target = target[..., None]
    if target.ndim != output.ndim:
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    return target


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Per-sample cross-entropy with integer labels ``y_true``, ``y_pred.shape[:-1]``; returns that shape."""
    y_pred = np.asarray(y_pred)
    y = _sparse_labels(y_true, y_pred)
    if from_logits:
        return -_at_labels(log_softmax(y_pred), y)
    c, _ = _clip_mask(y_pred)
    return np.log(np.sum(c, axis=-1)) - np.log(_at_labels(c, y))


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Per-sample cross-entropy with one-hot (or soft) ``y_true`` ``(n, k)``; returns ``(n,)``."""
    y_pred = np.asarray(y_pred)
    t = _check_same_shape(np.asarray(y_true, y_pred.dtype), y_pred)
    if from_logits:
        return -np.sum(t * log_softmax(y_pred), axis=-1)
    o = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
    c, _ = _clip_mask(o)
    return -np.sum(t * np.log(c), axis=-1)


def _binary_targets(y_true, y_pred, label_smoothing):
    """``y_true`` as floats with ``y_pred``'s rank (``(n,)`` labels for ``(n, 1)`` outputs), smoothed."""
    t = _check_same_shape(np.asarray(y_true, y_pred.dtype), y_pred)
    if label_smoothing:
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    return t


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Per-sample binary cross-entropy, the mean over the last axis; returns ``(n,)``."""
    y_pred = np.asarray(y_pred)
    t = _binary_targets(y_true, y_pred, label_smoothing)
    if from_logits:
        z = y_pred
        per_element = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    else:
        c, _ = _clip_mask(y_pred)
        per_element = -(t * np.log(c) + (1 - t) * np.log(1 - c))
    return np.mean(per_element, axis=-1)


def mean_squared_error(y_true, y_pred):
    """Per-sample ``mean((y_true - y_pred)**2, axis=-1)``; returns ``(n,)``.

    As Keras (``keras/src/losses/losses.py``), the ranks are first made to
    agree (:func:`~scratch_nn.loss_reduction.squeeze_or_expand_to_same_rank`):
    labels ``(n,)`` against predictions ``(n, 1)`` are compared sample by
    sample, never broadcast into an ``(n, n)`` difference.
    """
    y_pred = np.asarray(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(np.asarray(y_true, y_pred.dtype), y_pred)
    return np.mean(np.square(y_true - y_pred), axis=-1)


class CrossentropyLoss(Loss):
    """Shared parts of the two cross-entropies (see the module docstring)."""

    fuses_softmax = True

    def __init__(self, from_logits=False, name=None, **kwargs):
        super().__init__(name, **kwargs)
        self.from_logits = from_logits

    def logits_loss_and_gradient(self, y_true, logits):
        """Loss and ``dL/dz`` from logits ``z`` (``from_logits=True``, or a softmax output)."""
        raise NotImplementedError


class SparseCategoricalCrossentropy(CrossentropyLoss):
    """Cross-entropy with integer class labels ``y_true`` ``(n,)`` and ``y_pred`` ``(n, k)``.

    The loss itself (``loss(y_true, y_pred)``, ``per_sample``) takes any rank,
    as Keras's does: ``y_pred`` ``(..., k)`` and labels of shape ``(...)``
    (or ``(..., 1)``). The gradients are for the ``(n, k)`` outputs a model
    gives.

    Gradient on probabilities (``c = clip(p)``, ``S = sum(c)``, mask ``m`` the
    clip region): ``dL/dp_j = m_j (1/S - [j = y] / c_y) / n``.
    From logits: ``dL/dz = (softmax(z) - onehot(y)) / n``.
    """

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, name=None, ignore_class=None, **kwargs):
        _check_keras_kwargs(self, {"ignore_class": ignore_class}, allowed=("ignore_class",))
        super().__init__(from_logits, name, **kwargs)
        self.ignore_class = ignore_class  # kept, as every constructor argument, for saving

    def per_sample(self, y_true, y_pred):
        return sparse_categorical_crossentropy(y_true, y_pred, self.from_logits)

    def gradient(self, y_true, y_pred):
        n = y_pred.shape[0]
        if self.from_logits:
            return self.logits_loss_and_gradient(y_true, y_pred)[1]
        c, mask = _clip_mask(y_pred)
        y = _sparse_labels(y_true, y_pred)
        rows = np.arange(n)
        grad = np.broadcast_to(1 / np.sum(c, axis=-1, keepdims=True), c.shape).copy()
        grad[rows, y] -= 1 / c[rows, y]
        return grad * mask / n

    def logits_loss_and_gradient(self, y_true, logits):
        """``L = mean(-log_softmax(z)[y])`` and ``dL/dz = (softmax(z) - onehot(y)) / n``.

        The maths of ``CategoricalCrossentropy.logits_loss_and_gradient``, without building the one-hot matrix
        (this runs once per training step). With ``s = z - max(z)`` and
        ``e = exp(s)``, one ``exp`` serves both::

            -log_softmax(z)[y] = log(sum(e)) - s[y],    softmax(z) = e / sum(e)
        """
        y = _sparse_labels(y_true, logits)
        n = y.shape[0]
        rows = np.arange(n)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        grad = np.exp(shifted)
        total = grad.sum(axis=-1, keepdims=True)
        # sum() / n, not mean(): np.mean's Python-level bookkeeping costs more than this sum.
        loss = (np.log(total[:, 0]) - shifted[rows, y]).sum() / n
        grad /= total * n
        grad[rows, y] -= np.asarray(1 / n, grad.dtype)
        return loss, grad


class CategoricalCrossentropy(CrossentropyLoss):
    """Cross-entropy with one-hot (or soft) targets ``y_true`` ``(n, k)``.

    ``label_smoothing=s`` replaces the targets with ``t (1 - s) + s / k``
    before everything below, as Keras does.

    Gradient on probabilities (``S = sum(p)``, ``o = p / S``, ``c = clip(o)``,
    mask ``m``): ``g = -m t / c`` is ``dL/do``, and through the normalization
    ``dL/dp_j = (g_j - sum_i g_i o_i) / (S n)``.
    From logits: ``dL/dz = (softmax(z) sum(t) - t) / n``.

    The loss itself takes any rank, ``(..., k)``, as Keras's does; the
    gradients are for the ``(n, k)`` outputs a model gives.
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None, **kwargs):
        super().__init__(from_logits, name, **kwargs)
        if not 0 <= label_smoothing <= 1:
            raise ValueError(
                f"CategoricalCrossentropy: label_smoothing must be in [0, 1], "
                f"received {label_smoothing!r}"
            )
        self.label_smoothing = label_smoothing

    def _targets(self, y_true, dtype):
        """``y_true`` as ``dtype``, smoothed: ``t (1 - s) + s / k``."""
        t = np.asarray(y_true, dtype)
        if self.label_smoothing:
            s = self.label_smoothing
            t = t * (1 - s) + s / t.shape[-1]
        return t

    def per_sample(self, y_true, y_pred):
        return categorical_crossentropy(self._targets(y_true, y_pred.dtype), y_pred,
                                        self.from_logits)

    def logits_loss_and_gradient(self, y_true, logits):
        """``L = mean(-sum(t * log_softmax(z)))``, ``dL/dz = (softmax(z) sum(t) - t) / n``."""
        t = self._targets(y_true, logits.dtype)
        logp = log_softmax(logits)
        loss = -np.mean(np.sum(t * logp, axis=-1))
        grad = np.exp(logp) * np.sum(t, axis=-1, keepdims=True) - t
        grad /= logits.shape[0]
        return loss, grad

    def gradient(self, y_true, y_pred):
        n = y_pred.shape[0]
        if self.from_logits:
            return self.logits_loss_and_gradient(y_true, y_pred)[1]
        t = self._targets(y_true, y_pred.dtype)
        s = np.sum(y_pred, axis=-1, keepdims=True)
        o = y_pred / s
        c, mask = _clip_mask(o)
        g = -(t / c) * mask
        return (g - np.sum(g * o, axis=-1, keepdims=True)) / (s * n)


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for sigmoid outputs (see the module docstring for the equations).

    Args:
        from_logits: ``y_pred`` holds logits ``z`` rather than probabilities.
        label_smoothing: ``s`` in ``[0, 1]``; targets become ``t (1 - s) + 0.5 s``.
        name: the loss's name.
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None, **kwargs):
        super().__init__(name, **kwargs)
        if not 0 <= label_smoothing <= 1:
            raise ValueError(
                f"BinaryCrossentropy: label_smoothing must be in [0, 1], "
                f"received {label_smoothing!r}"
            )
        self.from_logits, self.label_smoothing = from_logits, label_smoothing

    def per_sample(self, y_true, y_pred):
        return binary_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing)

    def gradient(self, y_true, y_pred):
        t = _binary_targets(y_true, y_pred, self.label_smoothing)
        scale = np.asarray(1 / y_pred.size, y_pred.dtype)
        if self.from_logits:
            return (sigmoid(y_pred) - t) * scale
        c, mask = _clip_mask(y_pred)
        return (c - t) / (c * (1 - c)) * mask * scale


class MeanSquaredError(Loss):
    """``L = mean over batch of mean((y - p)**2, axis=-1)``; ``dL/dp = 2 (p - y) / (n k)``."""

    name = "mean_squared_error"

    def per_sample(self, y_true, y_pred):
        return mean_squared_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        diff = y_pred - np.asarray(y_true, y_pred.dtype)
        return diff * np.asarray(2 / diff.size, y_pred.dtype)


_CLASSES = {
    "binary_crossentropy": BinaryCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "huber": Huber,
    "log_cosh": LogCosh,
    "cosine_similarity": CosineSimilarity,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "kl_divergence": KLDivergence,
    "poisson": Poisson,
}

#: Keras's names (``keras/src/losses/__init__.py``): each function's name, each class's
#: name, and the short aliases.
_REGISTRY = {
    **_CLASSES,
    **{cls.__name__: cls for cls in _CLASSES.values()},
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "kld": KLDivergence, "KLD": KLDivergence,
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
}


def get(identifier):
    """Return a loss object for a Keras name or a :class:`Loss` instance.

    A name gives the loss with Keras's defaults: a function's name
    (``"mean_absolute_error"``, ``"huber"``), a class's name
    (``"MeanAbsoluteError"``), or an alias (``"mae"``, ``"mse"``, ``"mape"``,
    ``"msle"``, ``"kld"``, ``"bce"``, and their upper-case forms).

    Keras also trains on a loss written as a function, or as a ``Loss``
    subclass overriding ``call``, by differentiating it automatically.
    scratch_nn needs each loss's gradient written out (:meth:`Loss.gradient`),
    so both raise ``NotImplementedError`` naming the function or class.
    """
    user_class = type(identifier)
    if isinstance(identifier, Loss) and "call" in vars(user_class) and "gradient" not in vars(user_class):
        raise NotImplementedError(
            f"loss: {user_class.__name__} overrides Loss.call; scratch_nn has no automatic "
            "differentiation, so a loss needs per_sample(y_true, y_pred) and its gradient(y_true, "
            f"y_pred) written out; built-in losses: {sorted(_CLASSES)}"
        )
    if callable(identifier) and not isinstance(identifier, (Loss, type)):
        name = getattr(identifier, "__name__", repr(identifier))
        raise NotImplementedError(
            f"loss: the function {name} cannot be trained on; scratch_nn has no automatic "
            "differentiation, so a loss needs its gradient written out (a Loss subclass "
            f"with per_sample and gradient); built-in losses: {sorted(_CLASSES)}"
        )
    return resolve("loss", identifier, _REGISTRY, Loss)
