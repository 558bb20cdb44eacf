"""Loss contracts that need no TensorFlow: dtypes, shapes, refusals, word for word.

- Each loss (the regression, hinge and probabilistic ones too) on float32
  predictions, with targets given as float64 or int
  arrays (as data often comes), returns float32 per-sample values, a float32
  batch mean and a float32 gradient, as Keras computes in the predictions'
  dtype. The fused softmax path (``logits_loss_and_gradient``) and the
  function forms (``categorical_crossentropy(y_true, y_pred)``...) too.
- A ``Loss`` subclass without ``per_sample`` or ``gradient`` raises
  ``NotImplementedError`` naming the class and the missing method;
  ``losses.get`` refuses a subclass that overrides only ``call`` and a plain
  function (no automatic differentiation), and takes a loss whose gradient
  is written out.
- Binary labels ``(n,)`` score ``(n, 1)`` outputs as ``(n, 1)`` labels do;
  the binary gradient is 0 outside the clip range; sparse labels of a 3-D
  batch may end in an axis of 1, and other shapes are refused; a reduction
  other than the batch mean is refused by name.
"""

import functools
import re

import numpy as np
import pytest

import scratch_nn
from keras_ref.specs import Spec, build

F32 = np.float32
RNG = np.random.default_rng(0)
P = RNG.dirichlet(np.ones(4), 5).astype(F32)
LABELS = RNG.integers(0, 4, 5)

CASES = [
    (Spec("losses.SparseCategoricalCrossentropy"), LABELS),
    (Spec("losses.SparseCategoricalCrossentropy", {"from_logits": True}), LABELS),
    (Spec("losses.CategoricalCrossentropy"), np.eye(4)[LABELS]),
    (Spec("losses.CategoricalCrossentropy", {"from_logits": True}), np.eye(4)[LABELS]),
    (Spec("losses.CategoricalCrossentropy", {"label_smoothing": 0.1}), np.eye(4)[LABELS]),
    (Spec("losses.BinaryCrossentropy"), np.eye(4, dtype=int)[LABELS]),
    (Spec("losses.BinaryCrossentropy", {"from_logits": True}), np.eye(4)[LABELS]),
    (Spec("losses.MeanSquaredError"), np.eye(4)[LABELS]),
    *((Spec(f"losses.{name}"), np.eye(4)[LABELS]) for name in (
        "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber",
        "LogCosh", "CosineSimilarity", "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence",
        "Poisson")),
    (Spec("losses.Hinge"), np.eye(4, dtype=int)[LABELS]),
]


@pytest.mark.parametrize("spec, y_true", CASES, ids=[f"{s.name}{s.kwargs}" for s, _ in CASES])
def test_a_float32_loss_stays_float32_whatever_the_targets_dtype(spec, y_true):
    loss = build(spec, scratch_nn)
    what = f"{spec.name}({spec.kwargs}) on {y_true.dtype} targets"
    assert loss.per_sample(y_true, P).dtype == F32, f"{what}: per_sample"
    assert loss(y_true, P).numpy().dtype == F32, f"{what}: batch mean"
    assert loss.gradient(y_true, P).dtype == F32, f"{what}: gradient"
    if hasattr(loss, "logits_loss_and_gradient"):
        assert loss.logits_loss_and_gradient(y_true, P)[1].dtype == F32, f"{what}: fused gradient"


@pytest.mark.parametrize("name, y_true, kwargs", [
    ("sparse_categorical_crossentropy", LABELS, {"from_logits": False}),
    ("sparse_categorical_crossentropy", LABELS, {"from_logits": True}),
    ("categorical_crossentropy", np.eye(4)[LABELS], {"from_logits": False}),
    ("categorical_crossentropy", np.eye(4)[LABELS], {"from_logits": True}),
    ("binary_crossentropy", np.eye(4)[LABELS], {"from_logits": False}),
    ("binary_crossentropy", np.eye(4)[LABELS], {"from_logits": True}),
    ("mean_squared_error", np.eye(4)[LABELS], {}),
    *((name, np.eye(4)[LABELS], {}) for name in (
        "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
        "huber", "log_cosh", "cosine_similarity", "hinge", "squared_hinge", "categorical_hinge",
        "kl_divergence", "poisson")),
])
def test_the_function_forms_stay_float32_on_float64_targets(name, y_true, kwargs):
    function = getattr(scratch_nn.losses, name)
    assert function(y_true, P, **kwargs).dtype == F32, f"{name}({kwargs}) on float64 targets"


def test_a_loss_subclass_is_told_which_method_it_lacks():
    class Halfway(scratch_nn.losses.Loss):
        pass

    loss = Halfway()
    with pytest.raises(NotImplementedError, match=r"Halfway defines no per_sample\(y_true, y_pred\)"):
        loss.per_sample(LABELS, P)
    with pytest.raises(NotImplementedError, match=r"Halfway defines no gradient\(y_true, y_pred\)"):
        loss.gradient(LABELS, P)


BUILT_IN = ("['binary_crossentropy', 'categorical_crossentropy', 'categorical_hinge', "
            "'cosine_similarity', 'hinge', 'huber', 'kl_divergence', 'log_cosh', "
            "'mean_absolute_error', 'mean_absolute_percentage_error', 'mean_squared_error', "
            "'mean_squared_logarithmic_error', 'poisson', 'sparse_categorical_crossentropy', "
            "'squared_hinge']")


class CallOnly(scratch_nn.losses.Loss):
    def call(self, y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2)


class CallAndGradient(scratch_nn.losses.Loss):
    def call(self, y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2)

    def per_sample(self, y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    def gradient(self, y_true, y_pred):
        return 2 * (y_pred - y_true) / y_pred.size


class Written(scratch_nn.losses.Loss):
    per_sample, gradient = CallAndGradient.per_sample, CallAndGradient.gradient


def my_loss(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


def test_a_loss_overriding_call_without_its_gradient_is_refused_by_name():
    """Keras differentiates a ``Loss.call`` automatically; scratch_nn cannot."""
    with pytest.raises(NotImplementedError, match=re.escape(
            "loss: CallOnly overrides Loss.call; scratch_nn has no automatic differentiation, so a "
            "loss needs per_sample(y_true, y_pred) and its gradient(y_true, y_pred) written out; "
            f"built-in losses: {BUILT_IN}")):
        scratch_nn.losses.get(CallOnly())


@pytest.mark.parametrize("cls", [CallAndGradient, Written])
def test_a_loss_with_its_gradient_written_out_is_taken(cls):
    loss = cls()
    assert scratch_nn.losses.get(loss) is loss


@pytest.mark.parametrize("function, name", [(my_loss, "my_loss"),
                                            (functools.partial(my_loss), repr(functools.partial(my_loss)))],
                         ids=["function", "partial"])
def test_a_loss_function_is_refused_naming_it(function, name):
    """A plain function has no gradient; a callable without ``__name__`` is named by its repr."""
    with pytest.raises(NotImplementedError, match=re.escape(
            f"loss: the function {name} cannot be trained on; scratch_nn has no automatic "
            "differentiation, so a loss needs its gradient written out (a Loss subclass with "
            f"per_sample and gradient); built-in losses: {BUILT_IN}")):
        scratch_nn.losses.get(function)


def test_binary_labels_of_one_rank_less_score_the_single_output():
    """Labels ``(n,)`` for outputs ``(n, 1)`` are the same as labels ``(n, 1)``."""
    p = np.array([[0.9], [0.2], [0.6]], F32)
    labels = np.array([1, 0, 0], F32)
    loss = scratch_nn.losses.BinaryCrossentropy()
    np.testing.assert_array_equal(loss.per_sample(labels, p), loss.per_sample(labels[:, None], p))
    np.testing.assert_array_equal(loss.gradient(labels, p), loss.gradient(labels[:, None], p))
    assert loss.gradient(labels, p).shape == p.shape


def test_binary_crossentropy_gradient_is_zero_outside_the_clip_range():
    """Probabilities of exactly 0 and 1 are clipped to [1e-7, 1 - 1e-7]; the clip's
    gradient there is 0 (TensorFlow's ``clip_by_value``), and finite."""
    p = np.array([[0.0, 1.0, 0.5]], F32)
    grad = scratch_nn.losses.BinaryCrossentropy().gradient(np.array([[1.0, 0.0, 1.0]], F32), p)
    np.testing.assert_array_equal(grad[0, :2], [0.0, 0.0])
    assert np.isfinite(grad).all() and grad[0, 2] != 0


def test_sparse_labels_of_a_3d_batch_lose_a_trailing_one_and_must_match():
    """Predictions ``(2, 3, 4)``: labels ``(2, 3)`` and ``(2, 3, 1)`` score the same; ``(2, 4)``
    is refused, naming the shape expected."""
    p = RNG.dirichlet(np.ones(4), (2, 3))
    labels = RNG.integers(0, 4, (2, 3))
    loss = scratch_nn.losses.SparseCategoricalCrossentropy()
    np.testing.assert_array_equal(loss.per_sample(labels[..., None], p), loss.per_sample(labels, p))
    with pytest.raises(ValueError, match=re.escape("without its class axis, (2, 3), received (2, 4)")):
        loss.per_sample(np.zeros((2, 4), int), p)


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy",
                                 "SparseCategoricalCrossentropy", "MeanSquaredError"])
def test_a_reduction_other_than_the_batch_mean_is_refused_by_name(cls):
    """A loss with ``reduction='sum'`` sums when called, and ``compile`` refuses to train on it."""
    loss = getattr(scratch_nn.losses, cls)(reduction="sum")
    y, p = np.array([0, 1]), np.array([[0.7, 0.3], [0.2, 0.8]])
    if cls != "SparseCategoricalCrossentropy":
        y = np.eye(2)[y]
    np.testing.assert_allclose(float(loss(y, p)), loss.per_sample(y, p).sum(), rtol=1e-12)
    model = scratch_nn.Sequential([scratch_nn.layers.Input((2,)), scratch_nn.layers.Dense(2)])
    with pytest.raises(NotImplementedError, match=re.escape(
            f"compile: {cls}(reduction='sum') cannot be trained on by scratch_nn")):
        model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        getattr(scratch_nn.losses, cls)(reduction="average")
