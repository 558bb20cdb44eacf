"""The property tests have teeth: each deliberately wrong variant of the maths is caught.

For every variant below, a monkeypatch replaces one piece of scratch_nn with
a rewrite that takes a flag: ``wrong=False`` is the correct maths,
``wrong=True`` the classic mistake. Two tests per variant:

- ``test_faithful_rewrite_passes``: with ``wrong=False`` the matching property
  check passes on its fixed examples, so the rewrite itself is right and
  the examples are fair;
- ``test_wrong_variant_is_caught``: with ``wrong=True`` the same check raises
  ``AssertionError``.

So each failure comes from the one deliberate change. The checks are the
plain functions the Hypothesis properties call (``check_*`` in
``tests/checks.py``), run here on fixed examples chosen to
expose the mistake, in float64.
"""

import math

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from keras_ref.specs import Spec
from scratch_nn import activations, data, hinge_losses, losses, smooth_activations
from scratch_nn.callbacks import MonitorCallback
from scratch_nn.layers import BatchNormalization, Dense, Dropout
from scratch_nn.layers.core import _SoftmaxAware
from scratch_nn.optimizers import SGD, Adam, Optimizer, RMSprop
from scratch_nn.optimizers.schedules import LearningRateSchedule
from tests.checks import (
    check_activation,
    check_batch_norm_steps,
    check_dropout_training,
    check_early_stopping,
    check_loss,
    check_model_gradients,
    check_optimizer,
    check_softmax_output_loss,
    check_validation_split,
)
from tests.specs import HiddenSpec, ModelSpec, OptimizerSpec


# -- rewrites with a `wrong` flag ----------------------------------------------------
def adam_update(eps_inside_sqrt=False, no_bias_correction=False):
    """Adam's step (no AMSGrad): Keras's form, or epsilon in the root, or no bias correction."""
    def update_step(self, gradient, variable, learning_rate):
        i = self.slot_index(variable)
        m, v = self.momentums[i], self.velocities[i]
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        if no_bias_correction:
            alpha = learning_rate
        m += (gradient - m) * (1 - self.beta_1)
        v += (gradient**2 - v) * (1 - self.beta_2)
        denominator = np.sqrt(v + self.epsilon) if eps_inside_sqrt else np.sqrt(v) + self.epsilon
        variable -= alpha * m / denominator
    return update_step


def sgd_update(nesterov_as_plain=False):
    """SGD with momentum: Keras's Nesterov form, or plain momentum even when nesterov=True."""
    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self.slot_index(variable)]
        m *= self.momentum
        m -= learning_rate * gradient
        if self.nesterov and not nesterov_as_plain:
            variable += self.momentum * m - learning_rate * gradient
        else:
            variable += m
    return update_step


def rmsprop_update(eps_outside_sqrt=False):
    """Plain RMSprop: epsilon inside the square root (Keras), or outside."""
    def update_step(self, gradient, variable, learning_rate):
        s = self.velocities[self.slot_index(variable)]
        s *= self.rho
        s += (1 - self.rho) * gradient**2
        denominator = np.sqrt(s) + self.epsilon if eps_outside_sqrt else np.sqrt(s + self.epsilon)
        variable -= learning_rate * gradient / denominator
    return update_step


def apply_gradients(decay_after_step=False):
    """The optimizer loop: weight decay before the step (Keras), or after it."""
    def apply(self, grads_and_vars):
        pairs = list(grads_and_vars)
        if not self.built:
            self.build([v for _, v in pairs])
        lr = self.learning_rate

        def decay():
            for _, v in pairs:
                v -= v * self.weight_decay * lr
        if self.weight_decay and not decay_after_step:
            decay()
        for g, v in pairs:
            self.update_step(g, v, lr)
        if self.weight_decay and decay_after_step:
            decay()
        self.iterations += 1
        return self.iterations
    return apply


def learning_rate_property(one_step_late=False):
    """The learning rate of the next step: the schedule at `iterations`, or at `iterations + 1`."""
    def learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self.iterations + int(one_step_late))
        return lr
    return property(learning_rate, Optimizer.learning_rate.fset)


def dropout_forward(no_rescaling=False):
    """Training-mode dropout: inverted (x * mask / (1 - rate)), or the mask alone."""
    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._scaled_mask = None
            return x
        keep = self._generator.random(x.shape, dtype=x.dtype) >= self.rate
        self._scaled_mask = keep * x.dtype.type(1 if no_rescaling else 1 / (1 - self.rate))
        return x * self._scaled_mask
    return forward


def batch_norm_forward(unbiased_variance=False, swapped_momentum=False):
    """BatchNormalization forward: Keras's, or with the N-1 variance, or momentum on the new value."""
    def forward(self, x, training=False):
        gamma, beta = self._gamma_beta(x.dtype)
        self._training = training
        if training:
            mean, var = x.mean(axis=0), x.var(axis=0, ddof=int(unbiased_variance))
            keep = 1 - self.momentum if swapped_momentum else self.momentum
            for name, batch_value in (("moving_mean", mean), ("moving_variance", var)):
                self.state[name][...] = self.state[name] * keep + batch_value * (1 - keep)
        else:
            mean, var = self.state["moving_mean"], self.state["moving_variance"]
        self._inv_std = 1 / np.sqrt(var + self.epsilon)
        self._x_hat = (x - mean) * self._inv_std
        return self._x_hat * gamma + beta
    return forward


def split_validation(from_the_front=False):
    """The validation split: the last fraction (Keras), or the same number of samples from the front."""
    original = data.split_validation

    def split(x, y, validation_split):
        train, val = original(x, y, validation_split)
        if not from_the_front:
            return train, val
        n_val = val[0].shape[0]
        return (x[n_val:], y[n_val:]), (x[:n_val], y[:n_val])
    return split


def clip_mask(no_clipping=False):
    """Cross-entropy's clip to [1e-7, 1 - 1e-7] and its gradient mask, or no clipping at all."""
    def clip(p):
        if no_clipping:
            return p, np.ones(p.shape, bool)
        eps = p.dtype.type(1e-7)
        return np.clip(p, eps, 1 - eps), (p >= eps) & (p <= 1 - eps)
    return clip


def softmax_logits(ignore_logits=False):
    """A softmax layer hands its logits to the loss (Keras), or nothing (the clipped path)."""
    def logits(self):
        if ignore_logits or not isinstance(self.activation, activations.Softmax):
            return None
        return self.activation.logits
    return logits


def relu_methods(gradient_at_zero=False):
    """ReLU with its gradient 0 at x = 0 (TensorFlow), or 1 there (mask x >= 0)."""
    def forward(self, x):
        self._x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * ((self._x >= 0) if gradient_at_zero else (self._x > 0))
    return forward, backward


def selu_backward(branch_from_input=False):
    """SELU's slope: the branch read from the output (``y < 0``, TensorFlow), or from ``x <= 0``."""
    def backward(self, dout):
        y = self._y
        negative = (self._x <= 0) if branch_from_input else (y < 0)
        return np.where(negative, dout * (y + smooth_activations.SELU_SCALE * smooth_activations.SELU_ALPHA),
                        dout * smooth_activations.SELU_SCALE)

    def forward(self, x):
        self._x, self._y = x, smooth_activations.selu(x)
        return self._y
    return forward, backward


def hinge_gradient(strict_margin=False):
    """The hinge's gradient: where the margin ``1 - t p >= 0`` (TensorFlow's tie rule), or ``> 0``."""
    def gradient(self, y_true, y_pred):
        t, p = hinge_losses.same_rank(y_true, y_pred)
        t = hinge_losses._hinge_labels(t)
        margin = 1 - t * p
        return -t * ((margin > 0) if strict_margin else (margin >= 0)) / p.size
    return gradient


def dense_backward_from_preactivation(bias_over_units=False):
    """Dense backward from dz: bias gradient summed over the batch, or over the units."""
    def backward_from_preactivation(self, dz, need_input_grad=True):
        self.grads["kernel"][...] = self._x.T @ dz
        if self.use_bias:
            self.grads["bias"][...] = dz.sum(axis=1 if bias_over_units else 0)
        return dz @ self.params["kernel"].T if need_input_grad else None
    return backward_from_preactivation


def is_improvement(min_delta_as_slack=False):
    """EarlyStopping's test: better by at least min_delta (Keras), or within min_delta of the best."""
    def improvement(self, current, reference):
        if self._minimize is None:
            self._minimize = self._resolve_direction()
        if reference is None:
            return True
        delta = -self.min_delta if min_delta_as_slack else self.min_delta
        return current + delta < reference if self._minimize else current - delta > reference
    return improvement


# -- fixed examples ------------------------------------------------------------------
def optimizer_example(name, schedule=None, **kwargs):
    """k = 4 steps of random gradients (scale 1e-3 and 1) on two float64 variables."""
    def check():
        rng = np.random.default_rng(7)
        shapes = [(3, 2), (4,)]
        variables = [rng.standard_normal(s) for s in shapes]
        for scale in (1e-3, 1.0):
            steps = [[rng.standard_normal(s) * scale for s in shapes] for _ in range(4)]
            check_optimizer(OptimizerSpec(name, kwargs, schedule), variables, steps)
    return check


def dropout_example():
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 1.5, (200, 100))
    check_dropout_training(0.5, x, rng.standard_normal(x.shape), seed=3)


def batch_norm_example(momentum):
    def check():
        rng = np.random.default_rng(7)
        batches = [rng.standard_normal((5, 3)) * 2 + 1 for _ in range(3)]
        check_batch_norm_steps(Spec("layers.BatchNormalization", {"momentum": momentum, "dtype": "float64"}),
                               batches)
    return check


def validation_split_example():
    check_validation_split(np.arange(1.0, 11.0)[:, None], 0.3)


def clipping_example():
    y_pred = np.array([[1e-9, 0.5, 0.5 - 1e-9], [0.0, 0.25, 1.0]])
    check_loss(Spec("losses.SparseCategoricalCrossentropy"), np.array([0, 0]), y_pred)
    check_loss(Spec("losses.CategoricalCrossentropy"), np.array([[1.0, 0, 0], [0.5, 0.5, 0]]), y_pred)


def softmax_path_example():
    z = np.array([[-40.0, 40.0, 0.0], [3.0, -2.0, 1.0]])
    check_softmax_output_loss(Spec("losses.SparseCategoricalCrossentropy"), np.array([0, 1]), z)


def relu_example():
    rng = np.random.default_rng(7)
    x = np.array([[0.0, 1.5, -2.0, 0.0], [0.0, -0.5, 0.0, 3.0]])
    check_activation("relu", x, rng.standard_normal(x.shape))


def selu_example():
    x = np.array([[0.0, 1.5, -2.0, 0.0], [0.0, -0.5, 0.0, 3.0]])
    check_activation("selu", x, np.random.default_rng(7).standard_normal(x.shape))


def hinge_example():
    """Labels -1/1 and predictions on the margin itself (``t p = 1``)."""
    t = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])
    p = np.array([[1.0, -1.0, 0.25], [0.5, 1.0, 2.0]])
    check_loss(Spec("losses.Hinge"), t, p, scales=(3.0, 1.0))


def bias_axis_example():
    """A batch as large as the layer is wide: a bias gradient over the wrong axis has the right shape."""
    check_model_gradients(ModelSpec(
        input_shape=(3,), hidden=[HiddenSpec(4, "tanh", True, False)], classes=4,
        head_activation="linear", loss="mean_squared_error", from_logits=False, l2=0.0, batch=4,
        seed=11))


def early_stopping_example():
    check_early_stopping(
        {"monitor": "val_loss", "mode": "min", "patience": 1, "min_delta": 0.25, "baseline": None,
         "restore_best_weights": True, "start_from_epoch": 0},
        [1.0, 0.875, 0.75, 0.625, 0.5])


# -- the variants --------------------------------------------------------------------
def patch_attr(target, name, make):
    """A patcher setting `target.name = make(wrong)`."""
    return lambda monkeypatch, wrong: monkeypatch.setattr(target, name, make(wrong))


def patch_selu(monkeypatch, wrong):
    forward, backward = selu_backward(wrong)
    monkeypatch.setattr(smooth_activations.SELU, "forward", forward)
    monkeypatch.setattr(smooth_activations.SELU, "backward", backward)


def patch_relu(monkeypatch, wrong):
    forward, backward = relu_methods(wrong)
    monkeypatch.setattr(activations.ReLU, "forward", forward)
    monkeypatch.setattr(activations.ReLU, "backward", backward)


ADAM = {"learning_rate": 0.125, "beta_1": 0.875, "beta_2": 0.875, "epsilon": 0.125}

VARIANTS = {
    "adam_epsilon_inside_sqrt": (
        patch_attr(Adam, "update_step", lambda w: adam_update(eps_inside_sqrt=w)),
        optimizer_example("Adam", **ADAM)),
    "adam_without_bias_correction": (
        patch_attr(Adam, "update_step", lambda w: adam_update(no_bias_correction=w)),
        optimizer_example("Adam", **ADAM)),
    "nesterov_as_plain_momentum": (
        patch_attr(SGD, "update_step", lambda w: sgd_update(nesterov_as_plain=w)),
        optimizer_example("SGD", learning_rate=0.125, momentum=0.5, nesterov=True)),
    "rmsprop_epsilon_outside_sqrt": (
        patch_attr(RMSprop, "update_step", lambda w: rmsprop_update(eps_outside_sqrt=w)),
        optimizer_example("RMSprop", learning_rate=0.125, rho=0.875, epsilon=0.125)),
    "weight_decay_after_the_step": (
        patch_attr(Optimizer, "apply_gradients", lambda w: apply_gradients(decay_after_step=w)),
        optimizer_example("SGD", learning_rate=0.5, weight_decay=0.5)),
    "schedule_read_one_step_late": (
        patch_attr(Optimizer, "learning_rate", lambda w: learning_rate_property(one_step_late=w)),
        optimizer_example("SGD", schedule={"initial_learning_rate": 0.5, "decay_steps": 1,
                                           "decay_rate": 0.5})),
    "dropout_without_rescaling": (
        patch_attr(Dropout, "forward", lambda w: dropout_forward(no_rescaling=w)),
        dropout_example),
    "batch_norm_unbiased_variance": (
        patch_attr(BatchNormalization, "forward", lambda w: batch_norm_forward(unbiased_variance=w)),
        batch_norm_example(0.5)),
    "batch_norm_wrong_momentum": (
        patch_attr(BatchNormalization, "forward", lambda w: batch_norm_forward(swapped_momentum=w)),
        batch_norm_example(0.875)),
    "validation_split_from_the_front": (
        patch_attr(data, "split_validation", lambda w: split_validation(from_the_front=w)),
        validation_split_example),
    "crossentropy_without_clipping": (
        patch_attr(losses, "_clip_mask", lambda w: clip_mask(no_clipping=w)),
        clipping_example),
    "softmax_output_through_the_clipped_path": (
        patch_attr(_SoftmaxAware, "softmax_logits", lambda w: softmax_logits(ignore_logits=w)),
        softmax_path_example),
    "relu_gradient_at_the_wrong_side_of_zero": (patch_relu, relu_example),
    "selu_slope_at_zero_from_the_input": (patch_selu, selu_example),
    "hinge_gradient_zero_on_the_margin": (
        patch_attr(losses.Hinge, "gradient", lambda w: hinge_gradient(strict_margin=w)), hinge_example),
    "bias_gradient_over_the_wrong_axis": (
        patch_attr(Dense, "backward_from_preactivation",
                   lambda w: dense_backward_from_preactivation(bias_over_units=w)),
        bias_axis_example),
    "early_stopping_min_delta_as_slack": (
        patch_attr(MonitorCallback, "_is_improvement", lambda w: is_improvement(min_delta_as_slack=w)),
        early_stopping_example),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_faithful_rewrite_passes(variant, monkeypatch):
    patch, check = VARIANTS[variant]
    patch(monkeypatch, False)
    check()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_wrong_variant_is_caught(variant, monkeypatch):
    patch, check = VARIANTS[variant]
    patch(monkeypatch, True)
    with np.errstate(all="ignore"), pytest.raises(AssertionError):
        check()
