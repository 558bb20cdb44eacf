"""How a loss object called directly weighs and reduces its per-sample values, as Keras.

Mirrors ``keras/src/losses/loss.py`` (``squeeze_or_expand_to_same_rank``,
``reduce_weighted_values``, ``reduce_values``). Keras plumbing around the
lesson's losses: :class:`~scratch_nn.losses.Loss` computes ``per_sample``
values ``l``; this module turns them into what ``loss(y_true, y_pred,
sample_weight=w)`` returns::

    l, w = squeeze_or_expand_to_same_rank(l, w)      # a trailing axis of 1 added or removed
    v    = l * w                                     # w = 1 when not given
    reduction None / "none":          v
    "sum":                            sum(v)
    "sum_over_batch_size" / "mean":   sum(v) / size(v)        (0 when size is 0)
    "mean_with_sample_weight":        sum(v) / sum(w)         (w given, summed as given, so a
                                                               scalar w divides by w; else as "mean")

Training (``fit``) uses ``"sum_over_batch_size"`` only: the gradients are
written for the batch mean, so ``compile`` refuses another reduction.
"""

import numpy as np

#: Keras's reductions (``keras/src/losses/loss.py`` ``standardize_reduction``)
REDUCTIONS = (None, "none", "sum", "sum_over_batch_size", "mean", "mean_with_sample_weight")
DEFAULT_REDUCTION = "sum_over_batch_size"


def standardize_reduction(reduction, owner="Loss"):
    """``reduction`` if Keras allows it, else Keras's ``ValueError``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
            f"Received: reduction={reduction!r} ({owner})"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks agree when they differ by one and the longer ends in an axis of 1.

    A rank-1 partner is expanded to ``(n, 1)`` (when ``expand_rank_1``);
    otherwise the trailing axis of 1 is squeezed. Other shapes are returned
    as given.
    """
    x1, x2 = np.asarray(x1), np.asarray(x2)
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def reduce_weighted_values(values, sample_weight=None, reduction=DEFAULT_REDUCTION):
    """Weigh per-sample ``values`` by ``sample_weight`` and reduce them (module docstring)."""
    values = np.asarray(values)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(sample_weight, values.dtype)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        values = values * weights
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = weights.sum()  # as Keras: the weights as given (a scalar w divides by w)
    else:
        divisor = values.size
    return (total / divisor if divisor else np.zeros_like(total)).astype(values.dtype)
