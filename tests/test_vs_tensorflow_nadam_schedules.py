"""Nadam, the learning-rate schedules and Keras 3's optimizer keyword rules, against Keras.

Properties:
- Nadam, from the same literal arguments (or none, so each library applies
  its own defaults), applied k times to the same random gradients (1e-6 to
  10, two variables), leaves the same variables after every step as
  ``keras.optimizers.Nadam``. Tolerance: 1e-5 of the largest entry in
  float32; 1e-7 in float64, because Keras's ``update_step`` rounds its
  constants through float32 even for float64 variables
  (``ops.cast(0.96, "float64")`` is ``float64(float32(0.96))``, likewise
  ``beta_1``, ``beta_2``), a relative difference of 2e-8 in every step.
- Each schedule, built from the same literal arguments in both libraries,
  gives Keras's learning rate at every step from 0 to 3 periods past its
  end (1e-6 relative, 1e-7 absolute: Keras computes in float32).
- ``decay=`` warns and is ignored, ``lr=`` raises ``ValueError``, as Keras 3.
- ``clipvalue`` and ``global_clipnorm`` clip the gradients as Keras's do:
  the same variables after k steps on several variables (float64, 1e-10
  relative and absolute).
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

keras = pytest.importorskip("keras")

from scratch_nn import optimizers
from scratch_nn.optimizers import schedules
from tests.hypothesis_profiles import examples


def keras_steps(optimizer, variables, gradient_steps):
    """Apply ``gradient_steps`` with a Keras optimizer; the variables after each step."""
    kvars = [keras.Variable(v, dtype=v.dtype.name) for v in variables]
    out = []
    for grads in gradient_steps:
        optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], kvars))
        out.append([np.array(v.numpy()) for v in kvars])
    return out


def scratch_steps(optimizer, variables, gradient_steps):
    variables = [v.copy() for v in variables]
    out = []
    for grads in gradient_steps:
        optimizer.apply_gradients(zip(grads, variables))
        out.append([v.copy() for v in variables])
    return out


NADAM_KWARGS = st.one_of(
    st.just({}),
    st.fixed_dictionaries({
        "learning_rate": st.sampled_from([1e-3, 0.05, 0.3]),
        "beta_1": st.sampled_from([0.0, 0.5, 0.9]),
        "beta_2": st.sampled_from([0.9, 0.999]),
        "epsilon": st.sampled_from([1e-7, 1e-3]),
    }),
)


@examples(6)
@given(kwargs=NADAM_KWARGS, dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**16), steps=st.integers(1, 5))
def test_nadam_matches_keras(kwargs, dtype, seed, steps):
    rng = np.random.default_rng(seed)
    variables = [rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=(4,)).astype(dtype)]
    gradient_steps = [[(rng.normal(size=v.shape) * 10.0 ** rng.uniform(-6, 1, v.shape))
                       .astype(dtype) for v in variables] for _ in range(steps)]
    ours = scratch_steps(optimizers.Nadam(**kwargs), variables, gradient_steps)
    before = keras.config.floatx()
    keras.config.set_floatx(dtype)  # Keras keeps the learning rate in floatx
    try:
        theirs = keras_steps(keras.optimizers.Nadam(**kwargs), variables, gradient_steps)
    finally:
        keras.config.set_floatx(before)
    rtol = 1e-7 if dtype == "float64" else 1e-5
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            scale = max(np.abs(y).max(), 1.0)
            assert np.abs(x - y).max() <= rtol * scale, f"step {step}: {x} != {y}"


@pytest.mark.parametrize("cls,kwargs", [
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}),
    # momentum 0.5: exact in float32, through which Keras casts its Python constants
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "global_clipnorm": 0.5}),
    ("RMSprop", {"global_clipnorm": 2.0}),
    ("RMSprop", {"learning_rate": 0.01, "clipvalue": 1e-3}),
])
def test_gradient_clipping_matches_keras(cls, kwargs):
    rng = np.random.default_rng(5)
    variables = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    gradient_steps = [[rng.normal(scale=s, size=v.shape) for v in variables]
                      for s in (0.01, 1.0, 10.0)]
    ours = scratch_steps(getattr(optimizers, cls)(**kwargs), variables, gradient_steps)
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        theirs = keras_steps(getattr(keras.optimizers, cls)(**kwargs), variables, gradient_steps)
    finally:
        keras.config.set_floatx(before)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)


def test_only_one_clipping_as_keras():
    with pytest.raises(ValueError, match="Only one of"):
        keras.optimizers.SGD(clipvalue=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipvalue=1.0, global_clipnorm=1.0)


def test_nadam_by_name():
    assert isinstance(optimizers.get("nadam"), optimizers.Nadam)
    assert isinstance(optimizers.get("Nadam"), optimizers.Nadam)


SCHEDULES = [
    ("ExponentialDecay", (0.1, 7, 0.5), {}),
    ("ExponentialDecay", (0.1, 7, 0.5), {"staircase": True}),
    ("InverseTimeDecay", (0.1, 5, 0.5), {}),
    ("InverseTimeDecay", (0.2, 3, 2.0), {"staircase": True}),
    ("PiecewiseConstantDecay", ([4, 10], [1.0, 0.5, 0.1]), {}),
    ("PiecewiseConstantDecay", ([6], [0.3, 0.03]), {}),
    ("PolynomialDecay", (0.1, 10), {}),
    ("PolynomialDecay", (0.1, 10), {"end_learning_rate": 0.01, "power": 2.0}),
    ("PolynomialDecay", (0.1, 6), {"end_learning_rate": 0.01, "power": 0.5, "cycle": True}),
    ("CosineDecay", (0.1, 10), {}),
    ("CosineDecay", (0.1, 10), {"alpha": 0.2}),
    ("CosineDecay", (0.0, 10), {"warmup_target": 0.5, "warmup_steps": 5}),
    ("CosineDecay", (0.01, 8), {"alpha": 0.1, "warmup_target": 0.2, "warmup_steps": 4}),
    ("CosineDecayRestarts", (0.1, 4), {}),
    ("CosineDecayRestarts", (0.1, 3), {"t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1}),
    ("CosineDecayRestarts", (0.1, 3), {"t_mul": 1.5, "m_mul": 0.8}),
]


@pytest.mark.parametrize("name,args,kwargs", SCHEDULES)
def test_schedule_matches_keras(name, args, kwargs):
    ours = getattr(schedules, name)(*args, **kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(*args, **kwargs)
    for step in range(40):
        expected = float(theirs(step))
        assert ours(step) == pytest.approx(expected, rel=1e-6, abs=1e-7), f"step {step}"


@pytest.mark.parametrize("name,args,kwargs", SCHEDULES)
def test_schedule_config_round_trip(name, args, kwargs):
    ours = getattr(schedules, name)(*args, **kwargs)
    again = schedules.deserialize(schedules.serialize(ours))
    assert type(again) is type(ours)
    assert [again(s) for s in range(20)] == [ours(s) for s in range(20)]


def test_schedule_drives_optimizer_as_in_keras():
    """An SGD on a schedule takes step t with rate ``schedule(t)``: the same variables as Keras."""
    rng = np.random.default_rng(0)
    variables = [rng.normal(size=(5,))]
    gradient_steps = [[rng.normal(size=(5,))] for _ in range(6)]
    ours = scratch_steps(optimizers.SGD(schedules.InverseTimeDecay(0.1, 1, 0.5)),
                         variables, gradient_steps)
    theirs = keras_steps(keras.optimizers.SGD(
        keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)), variables, gradient_steps)
    np.testing.assert_allclose(ours[-1][0], theirs[-1][0], rtol=1e-6)


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_decay_is_ignored_with_keras_warning(cls):
    with pytest.warns(UserWarning, match="`decay` is no longer supported") as ours:
        optimizer = getattr(optimizers, cls)(learning_rate=0.1, decay=1e-4)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        getattr(keras.optimizers, cls)(learning_rate=0.1, decay=1e-4)
    assert str(ours[0].message) in [str(w.message) for w in theirs]
    assert optimizer.learning_rate == 0.1
    optimizer.iterations = 1000
    assert optimizer.learning_rate == 0.1


@pytest.mark.parametrize("kwargs", [{"lr": 0.1}, {"foo": 1}])
def test_unknown_argument_raises_as_keras(kwargs):
    with pytest.raises(ValueError) as theirs:
        keras.optimizers.Adam(**kwargs)
    with pytest.raises(ValueError) as ours:
        optimizers.Adam(**kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("arg,value", [("clipnorm", 1.0), ("use_ema", True),
                                       ("loss_scale_factor", 128.0)])
def test_unimplemented_keras_arguments_are_refused_by_name(arg, value):
    with pytest.raises(NotImplementedError, match=arg):
        optimizers.SGD(**{arg: value})


@pytest.mark.parametrize("cls,kwargs", [
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"learning_rate": 0.002, "beta_1": 0.8, "amsgrad": True}),
    ("RMSprop", {"rho": 0.8, "momentum": 0.5, "centered": True}),
    ("Nadam", {"beta_2": 0.99, "epsilon": 1e-4, "weight_decay": 0.01}),
])
def test_get_config_keys_follow_keras_and_round_trip(cls, kwargs):
    ours = getattr(optimizers, cls)(**kwargs)
    theirs = getattr(keras.optimizers, cls)(**kwargs).get_config()
    config = ours.get_config()
    assert set(config) <= set(theirs)
    for key, value in config.items():
        if key != "name":
            assert value == pytest.approx(theirs[key]), key
    again = type(ours).from_config(config)
    assert again.get_config() == config
    # Keras's own config (clipnorm=None... included) is accepted as well.
    assert type(ours).from_config(theirs).get_config()["learning_rate"] == pytest.approx(
        theirs["learning_rate"])


def test_schedule_in_config_round_trips():
    optimizer = optimizers.Adam(schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=2))
    again = optimizers.Adam.from_config(optimizer.get_config())
    again.iterations = optimizer.iterations = 5
    assert again.learning_rate == optimizer.learning_rate
