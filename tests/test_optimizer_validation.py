"""Optimizer arguments: the limits scratch_nn enforces, and ``weight_decay=0`` as Keras takes it.

- RMSprop refuses ``rho`` outside ``[0, 1)`` and ``momentum`` outside
  ``[0, 1]`` (Keras 3 checks neither; scratch_nn applies SGD's momentum limit
  and refuses the ``rho = 1`` that never updates the mean square), naming
  the argument and the value; the edges inside are accepted.
- ``weight_decay=0`` is accepted, as Keras accepts it, and changes nothing:
  the same variables as Keras's optimizer with ``weight_decay=0.0`` and as no
  decay; a negative decay is refused.
"""

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
    with pytest.raises(ValueError, match=r"weight_decay must be None or a float >= 0.*-0\.1"):
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
