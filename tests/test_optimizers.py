"""Optimizer updates on small hand-worked cases (no TensorFlow needed).

Each expected value is worked out in the test from the update rule, in
plain Python floats on one or two scalars, independently of the library's
array code. Tolerance: 1e-12 relative in float64 (the same arithmetic in a
different order).
"""

import math
import re

import numpy as np
import pytest

from scratch_nn.optimizers import SGD, Adam, Nadam, RMSprop, get
from scratch_nn.optimizers.schedules import ExponentialDecay


def run(optimizer, w0, grads):
    """Apply ``grads`` one step each to a float64 copy of ``w0``; return the weights after each."""
    w = np.array(w0, dtype=np.float64)
    history = []
    for g in grads:
        optimizer.apply_gradients([(np.array(g, dtype=np.float64), w)])
        history.append(w.copy())
    return history


def test_sgd_plain_step():
    (w,) = run(SGD(learning_rate=0.1), [1.0, -2.0], [[0.5, -1.0]])
    np.testing.assert_allclose(w, [1.0 - 0.05, -2.0 + 0.1], rtol=1e-12)


def test_sgd_momentum_two_steps():
    # m1 = -lr g1 = -0.05; w1 = 0.95.  m2 = 0.9 m1 - lr g2 = -0.045 - 0.02 = -0.065; w2 = 0.885
    w1, w2 = run(SGD(0.1, momentum=0.9), [1.0], [[0.5], [0.2]])
    np.testing.assert_allclose(w1, [0.95], rtol=1e-12)
    np.testing.assert_allclose(w2, [0.885], rtol=1e-12)


def test_sgd_nesterov_two_steps():
    # m1 = -0.05; w1 = 1 + 0.9 m1 - 0.05 = 0.905
    # m2 = 0.9 (-0.05) - 0.02 = -0.065; w2 = w1 + 0.9 m2 - 0.02 = 0.905 - 0.0585 - 0.02 = 0.8265
    w1, w2 = run(SGD(0.1, momentum=0.9, nesterov=True), [1.0], [[0.5], [0.2]])
    np.testing.assert_allclose(w1, [0.905], rtol=1e-12)
    np.testing.assert_allclose(w2, [0.8265], rtol=1e-12)


def adam_reference(w, grads, lr, b1, b2, eps, amsgrad=False):
    """Keras's Adam on one scalar, step by step, in Python floats."""
    m = v = v_hat = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        m += (g - m) * (1 - b1)
        v += (g * g - v) * (1 - b2)
        v_hat = max(v_hat, v)
        w -= alpha * m / (math.sqrt(v_hat if amsgrad else v) + eps)
        out.append(w)
    return out


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_matches_the_scalar_rule(amsgrad):
    grads = [0.5, -0.1, 2.0, 0.05]  # a big gradient then a small one: v_hat keeps the max
    got = run(Adam(0.1, amsgrad=amsgrad), [1.0], [[g] for g in grads])
    want = adam_reference(1.0, grads, 0.1, 0.9, 0.999, 1e-7, amsgrad)
    np.testing.assert_allclose([w[0] for w in got], want, rtol=1e-12)


def test_adam_first_step_moves_by_about_the_learning_rate():
    # alpha m / sqrt(v) = lr sqrt(1-b2)/(1-b1) * (1-b1) g / (sqrt(1-b2) |g|) = lr sign(g)
    # (up to the epsilon term: eps / sqrt(1 - b2) = 3.2e-6, 3e-5 relative for |g| = 0.1)
    (w,) = run(Adam(0.01), [0.0, 0.0], [[3.0, -0.1]])
    np.testing.assert_allclose(w, [-0.01, 0.01], rtol=1e-4)


def test_adam_amsgrad_differs_once_v_shrinks():
    # beta_2 = 0.5 forgets the big gradient fast; v_hat remembers it and takes smaller steps
    grads = [[2.0], [0.01], [0.01]]
    plain = run(Adam(0.1, beta_2=0.5), [1.0], grads)[-1]
    ams = run(Adam(0.1, beta_2=0.5, amsgrad=True), [1.0], grads)[-1]
    assert abs(plain[0] - ams[0]) > 1e-3


def rmsprop_reference(w, grads, lr, rho, eps, momentum=0.0, centered=False):
    s = a = mom = 0.0
    out = []
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g
        denom = s - a * a + eps if centered else s + eps
        step = lr * g / math.sqrt(denom)
        mom = momentum * mom + step
        w -= mom if momentum else step
        out.append(w)
    return out


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.9, False), (0.0, True), (0.5, True)])
def test_rmsprop_matches_the_scalar_rule(momentum, centered):
    grads = [0.5, -0.3, 1.5]
    got = run(RMSprop(0.01, momentum=momentum, centered=centered), [1.0], [[g] for g in grads])
    want = rmsprop_reference(1.0, grads, 0.01, 0.9, 1e-7, momentum, centered)
    np.testing.assert_allclose([w[0] for w in got], want, rtol=1e-12)


def test_rmsprop_epsilon_is_inside_the_square_root():
    # A zero gradient after a zero start: s = 0, step = lr * 0 / sqrt(eps) = 0; with a tiny
    # gradient g = 1e-4: s = 0.1 g^2 = 1e-9, step = lr g / sqrt(1e-9 + 1e-7).
    (w,) = run(RMSprop(1.0, epsilon=1e-7), [0.0], [[1e-4]])
    np.testing.assert_allclose(w, [-1e-4 / math.sqrt(1e-9 + 1e-7)], rtol=1e-12)


@pytest.mark.parametrize("make", [
    lambda: SGD(0.1, weight_decay=0.5),
    lambda: Adam(0.1, weight_decay=0.5),
    lambda: RMSprop(0.1, weight_decay=0.5),
])
def test_weight_decay_is_applied_before_the_step(make):
    # With a zero gradient the step itself moves nothing (Adam: m = 0), so the only change is
    # w <- w - w * wd * lr = 2 * (1 - 0.05) = 1.9.
    (w,) = run(make(), [2.0], [[0.0]])
    np.testing.assert_allclose(w, [1.9], rtol=1e-12)


def test_weight_decay_then_sgd_step():
    # decay first: 2 - 2*0.5*0.1 = 1.9; then the step: 1.9 - 0.1 * 1.0 = 1.8
    (w,) = run(SGD(0.1, weight_decay=0.5), [2.0], [[1.0]])
    np.testing.assert_allclose(w, [1.8], rtol=1e-12)


def test_exponential_decay_schedule_drives_the_steps():
    schedule = ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    assert schedule(0) == 0.1
    np.testing.assert_allclose(schedule(3), 0.1 * 0.5**1.5, rtol=1e-12)
    assert ExponentialDecay(0.1, 2, 0.5, staircase=True)(3) == 0.05
    opt = SGD(learning_rate=schedule)
    w1, w2, w3 = run(opt, [0.0], [[1.0], [1.0], [1.0]])
    np.testing.assert_allclose([w1[0], w2[0], w3[0]],
                               [-0.1, -0.1 - 0.1 * 0.5**0.5, -0.1 - 0.1 * 0.5**0.5 - 0.05],
                               rtol=1e-12)
    assert opt.iterations == 3
    with pytest.raises(TypeError, match="created with a `LearningRateSchedule`"):
        opt.learning_rate = 0.5


def test_slots_are_updated_in_place_and_per_variable():
    a, b = np.ones(3), np.ones((2, 2))
    opt = Adam(0.1)
    opt.apply_gradients([(np.full(3, 0.5), a), (np.full((2, 2), -1.0), b)])
    m_a = opt.momentums[0]
    opt.apply_gradients([(np.full(3, 0.5), a), (np.full((2, 2), -1.0), b)])
    assert opt.momentums[0] is m_a
    np.testing.assert_allclose(opt.momentums[1], -(1 - 0.9**2), rtol=1e-12)
    with pytest.raises(ValueError, match="unknown variable"):
        opt.apply_gradients([(np.ones(3), np.ones(3))])


def test_float32_variables_stay_float32():
    w = np.ones(4, dtype=np.float32)
    for opt in (SGD(0.1, momentum=0.9), Adam(), RMSprop(centered=True, momentum=0.5)):
        w = np.ones(4, dtype=np.float32)
        opt.apply_gradients([(np.full(4, 0.3, np.float32), w)])
        assert w.dtype == np.float32
        assert all(s.dtype == np.float32 for s in opt.zeros_like([w]))


def test_string_names_and_defaults():
    assert isinstance(get("sgd"), SGD) and get("sgd").learning_rate == 0.01
    adam = get("Adam")
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    rms = get("rmsprop")
    assert (rms.learning_rate, rms.rho, rms.epsilon) == (0.001, 0.9, 1e-7)
    assert get("AdamW").weight_decay == 0.004
    with pytest.raises(ValueError, match="adafactor.*expected one of"):  # a Keras name not built
        get("adafactor")


@pytest.mark.parametrize("make,arg", [
    (lambda: SGD(learning_rate=-1), "learning_rate"),
    (lambda: SGD(momentum=1.5), "momentum"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: RMSprop(rho=-0.1), "rho"),
    (lambda: Adam(weight_decay=-0.1), "weight_decay"),
])
def test_bad_hyperparameters_name_the_argument(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


@pytest.mark.parametrize("arg", ["beta_1", "beta_2"])
@pytest.mark.parametrize("value", [1.0, 1.5, -0.1])
def test_nadam_refuses_betas_outside_zero_to_one(arg, value):
    """``beta`` in ``[0, 1)``: at 1 the moments never move and the bias correction divides by 0."""
    with pytest.raises(ValueError, match=re.escape(f"Nadam: {arg} must be in [0, 1), received {value!r}")):
        Nadam(**{arg: value})


def test_nadam_takes_betas_of_zero_and_its_name():
    assert Nadam(beta_1=0.0, beta_2=0.0).beta_1 == 0.0
    assert re.fullmatch(r"nadam(_\d+)?", Nadam().name) and Nadam(name="my_nadam").name == "my_nadam"
