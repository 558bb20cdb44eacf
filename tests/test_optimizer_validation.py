"""Optimizer arguments: the limits scratch_nn enforces, and ``weight_decay=0`` as Keras takes it.

- RMSprop refuses ``rho`` outside ``[0, 1)`` and ``momentum`` outside
  ``[0, 1]`` (Keras 3 checks neither; scratch_nn applies SGD's momentum limit
  and refuses the ``rho = 1`` that never updates the mean square), naming
  the argument and the value; the edges inside are accepted.
- Every refusal names the optimizer, the argument and the value received;
  ``clipvalue`` and ``global_clipnorm`` must be > 0, and only one of them
  may be set; Keras's base-optimizer arguments that scratch_nn does not
  implement are refused, saying so.
- ``weight_decay=0`` is accepted, as Keras accepts it, and changes nothing:
  the same variables as Keras's optimizer with ``weight_decay=0.0`` and as no
  decay; a negative decay is refused.
"""

import re
import warnings

import numpy as np
import pytest

from scratch_nn import optimizers


@pytest.mark.parametrize("kwargs", [{"rho": 1.0}, {"rho": 1.5}, {"rho": -0.1},
                                    {"momentum": 1.5}, {"momentum": 2.0}, {"momentum": -0.1}])
def test_rmsprop_refuses_out_of_range(kwargs):
    (arg, value), = kwargs.items()
    with pytest.raises(ValueError, match=rf"RMSprop: {arg} must be in .*{value!r}"):
        optimizers.RMSprop(**kwargs)


@pytest.mark.parametrize("kwargs", [{"rho": 0.0}, {"rho": 0.999}, {"momentum": 0.0},
                                    {"momentum": 1.0}])
def test_rmsprop_accepts_the_edges(kwargs):
    optimizers.RMSprop(**kwargs)


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_negative_weight_decay_is_refused(cls):
    with pytest.raises(ValueError, match=rf"^{cls}: weight_decay must be None or a float >= 0.*-0\.1"):
        getattr(optimizers, cls)(weight_decay=-0.1)


def steps(optimizer, seed=0):
    rng = np.random.default_rng(seed)
    variables = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    for _ in range(3):
        optimizer.apply_gradients(zip([rng.normal(size=v.shape) for v in variables], variables))
    return variables


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_weight_decay_zero_is_no_decay(cls):
    with_zero = steps(getattr(optimizers, cls)(learning_rate=0.1, weight_decay=0))
    without = steps(getattr(optimizers, cls)(learning_rate=0.1))
    for a, b in zip(with_zero, without):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", ["SGD", "RMSprop"])
def test_weight_decay_zero_matches_keras(cls):
    """float64 on both sides (Adam is left out: Keras rounds its betas through float32)."""
    keras = pytest.importorskip("keras")
    ours = steps(getattr(optimizers, cls)(learning_rate=0.1, weight_decay=0.0))
    before = keras.config.floatx()
    keras.config.set_floatx("float64")  # Keras keeps the learning rate in floatx
    try:
        theirs_opt = getattr(keras.optimizers, cls)(learning_rate=0.1, weight_decay=0.0)
    finally:
        keras.config.set_floatx(before)
    rng = np.random.default_rng(0)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    kvars = [keras.Variable(v, dtype="float64") for v in initial]
    for _ in range(3):
        grads = [rng.normal(size=v.shape) for v in initial]
        theirs_opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], kvars))
    for a, b in zip(ours, kvars):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-10)


#: (optimizer, arguments, the whole message of the ValueError or NotImplementedError)
REFUSALS = [
    ("Adam", {"beta_1": 1.0}, r"Adam: beta_1 must be in \[0, 1\), received 1.0"),
    ("Adam", {"beta_2": -0.5}, r"Adam: beta_2 must be in \[0, 1\), received -0.5"),
    ("SGD", {"clipvalue": 0}, r"SGD: clipvalue must be None or a float > 0, received 0"),
    ("Adam", {"global_clipnorm": -1.0}, r"Adam: global_clipnorm must be None or a float > 0, received -1.0"),
    ("Adam", {"clipvalue": 1.0, "global_clipnorm": 1.0},
     (r"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
      r"Received: clipvalue=1.0, global_clipnorm=1.0")),
    ("RMSprop", {"momentum": 1.5}, r"RMSprop: momentum must be in \[0, 1\], received 1.5"),
    ("Adam", {"use_ema": True}, (r"Adam: `use_ema` is a Keras optimizer argument scratch_nn does not implement; "
                                 r"received use_ema=True \(leave it at False\)")),
    ("SGD", {"clipnorm": 1.0}, (r"SGD: `clipnorm` is a Keras optimizer argument scratch_nn does not implement "
                                r"\(per-variable norms: .* use global_clipnorm or clipvalue\); received "
                                r"clipnorm=1.0 \(leave it at None\)")),
]


@pytest.mark.parametrize(("cls", "kwargs", "message"), REFUSALS, ids=[f"{c}-{'-'.join(k)}" for c, k, _ in REFUSALS])
def test_refusals_name_the_optimizer_argument_and_value(cls, kwargs, message):
    with pytest.raises((ValueError, NotImplementedError), match=f"^{message}$"):
        getattr(optimizers, cls)(**kwargs)


def test_apply_gradients_refuses_unknown_variables_and_wrong_shapes():
    optimizer = optimizers.Adam()
    variable = np.zeros(2)
    optimizer.apply_gradients([(np.ones(2), variable)])
    with pytest.raises(ValueError, match=r"^Adam: unknown variable of shape \(3,\); an optimizer updates the "
                                         r"variables it was first built with$"):
        optimizer.apply_gradients([(np.ones(3), np.zeros(3))])
    with pytest.raises(ValueError, match=r"^Adam: gradient of shape \(3,\) for a variable of shape \(2,\)$"):
        optimizer.apply_gradients([(np.ones(3), variable)])


def test_global_clipnorm_of_zero_gradients_is_quiet():
    """All-zero gradients have norm 0: nothing to scale, and no division by zero."""
    variable = np.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.SGD(learning_rate=0.5, global_clipnorm=1.0).apply_gradients([(np.zeros(2), variable)])
    np.testing.assert_array_equal(variable, np.ones(2))


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_new_optimizer_is_not_built_like_keras(cls):
    keras = pytest.importorskip("keras")
    assert getattr(optimizers, cls)().built is getattr(keras.optimizers, cls)().built is False


@pytest.mark.parametrize(("cls", "kwargs"), [("Adam", {}), ("Nadam", {}), ("SGD", {"name": None}),
                                             ("Adam", {"name": None}), ("Nadam", {"name": None})])
def test_optimizer_name_like_keras(cls, kwargs):
    """The name Keras gives, compared before the unique suffix both libraries add (`adam_1`).

    SGD's default `SGD` and RMSprop's `rmsprop` are Keras 2's spellings; Keras 3 says `sgd`, `rm_sprop`.
    """
    keras = pytest.importorskip("keras")
    theirs = getattr(keras.optimizers, cls)(**kwargs).name
    ours = getattr(optimizers, cls)(**kwargs).name
    assert re.sub(r"_\d+$", "", ours) == re.sub(r"_\d+$", "", theirs)

