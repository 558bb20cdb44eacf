"""Initializers against Keras: the deterministic ones exactly, the random ones by their distribution.

Seeded draws cannot match TensorFlow's bit for bit (another generator), so
a random initializer is checked by the properties of what it draws, and the
same checks run on Keras's own draw, so each property is checked to be the
reference's too (as the Dropout check does):

- ``RandomUniform(minval, maxval)``: every value in ``[minval, maxval]``,
  mean and standard deviation those of the uniform law, ``(a + b) / 2`` and
  ``(b - a) / sqrt(12)``;
- ``TruncatedNormal(mean, stddev)``: every value within two ``stddev`` of
  ``mean``, standard deviation ``0.8796 stddev`` (no correction for the
  truncation, as Keras);
- ``LecunNormal``: within ``2 s``, ``s = sqrt(1 / fan_in) / 0.8796``, standard
  deviation ``sqrt(1 / fan_in)``; ``LecunUniform``: within
  ``sqrt(3 / fan_in)``, standard deviation ``sqrt(1 / fan_in)``;
- ``Orthogonal(gain)``: ``W^T W = gain**2 I`` (``W W^T`` when there are fewer
  rows than columns) to 1e-5, for 2-D and 3-D shapes;
- on 20,000 draws the means are judged within 5 standard errors and the
  standard deviations within 5%; the bounds exactly; the dtype is the one
  asked (float32 by default, as ``floatx()``);
- ``Constant(value)`` and ``Identity(gain)`` (square and rectangular) equal
  Keras's exactly; the same ``seed`` repeats a draw, another changes it;
- every name ``keras.initializers.get`` takes for these (``"uniform"``,
  ``"random_uniform"``, ``"RandomUniform"``, ``"normal"``, ``"one"``,
  ``"zero"``, ``"identity"``...) gives the class of the same name.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref.specs import Spec, build
from tests.hypothesis_profiles import examples
from tests.strategies import seeds

SHAPE = (200, 100)
TRUNCATED_STD = 0.87962566103423978


def both(spec, shape=SHAPE, dtype=None):
    """The draw of `spec` in each library: ``[("scratch_nn", array), ("keras", array)]``."""
    kwargs = {} if dtype is None else {"dtype": dtype}
    return [("scratch_nn", np.asarray(build(spec, scratch_nn)(shape, **kwargs))),
            ("keras", keras.ops.convert_to_numpy(build(spec, keras)(shape, **kwargs)))]


def check_distribution(who, w, low, high, mean, std):
    what = f"{who}: {w.size} draws"
    assert w.dtype == np.float32, f"{what}: dtype {w.dtype}"
    assert low <= w.min() and w.max() <= high, f"{what}: outside [{low}, {high}]: {w.min()}, {w.max()}"
    assert abs(w.mean() - mean) <= 5 * std / math.sqrt(w.size), f"{what}: mean {w.mean()} != {mean}"
    assert abs(w.std() / std - 1) < 0.05, f"{what}: std {w.std()} != {std}"


@examples(10)
@given(low=st.sampled_from([-1.0, -0.05, 0.0, 2.0]), width=st.sampled_from([0.01, 0.1, 3.0]), seed=seeds)
def test_random_uniform_draws_the_uniform_law_like_keras(low, width, seed):
    spec = Spec("initializers.RandomUniform", {"minval": low, "maxval": low + width, "seed": seed % 2**31})
    for who, w in both(spec):
        # float32 rounding may put a draw on the upper bound itself
        check_distribution(who, w, np.float32(low), np.float32(low + width), low + width / 2,
                           width / math.sqrt(12))


@examples(10)
@given(mean=st.sampled_from([0.0, 0.5, -2.0]), stddev=st.sampled_from([0.05, 1.0, 3.0]), seed=seeds)
def test_truncated_normal_keeps_two_standard_deviations_like_keras(mean, stddev, seed):
    spec = Spec("initializers.TruncatedNormal", {"mean": mean, "stddev": stddev, "seed": seed % 2**31})
    bound = 2 * stddev * (1 + 1e-6)
    for who, w in both(spec):
        check_distribution(who, w, mean - bound, mean + bound, mean, TRUNCATED_STD * stddev)


@pytest.mark.parametrize("name", ["LecunNormal", "LecunUniform"])
def test_lecun_initializers_scale_by_fan_in_like_keras(name):
    fan_in = SHAPE[0]
    std = math.sqrt(1 / fan_in)
    bound = 2 * std / TRUNCATED_STD if name == "LecunNormal" else math.sqrt(3 / fan_in)
    for who, w in both(Spec(f"initializers.{name}", {"seed": 3})):
        check_distribution(who, w, -bound * (1 + 1e-6), bound * (1 + 1e-6), 0.0, std)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (3, 2, 4)])
@pytest.mark.parametrize("gain", [1.0, 0.5, 3.0])
def test_orthogonal_rows_or_columns_are_orthonormal_like_keras(shape, gain):
    for who, w in both(Spec("initializers.Orthogonal", {"gain": gain, "seed": 1}), shape):
        assert w.shape == shape and w.dtype == np.float32, f"{who}: {w.shape} {w.dtype}"
        flat = w.reshape(-1, shape[-1]).astype(np.float64)
        gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
        np.testing.assert_allclose(gram, gain**2 * np.eye(gram.shape[0]), atol=1e-5 * gain**2,
                                   err_msg=f"{who} Orthogonal(gain={gain}) {shape}")


@pytest.mark.parametrize("spec, shape", [
    (Spec("initializers.Constant", {"value": 0.25}), (3, 4)),
    (Spec("initializers.Constant", {"value": -3}), (5,)),
    (Spec("initializers.Constant"), (2, 2)),
    (Spec("initializers.Identity"), (3, 3)),
    (Spec("initializers.Identity", {"gain": 0.5}), (2, 4)),
    (Spec("initializers.Identity", {"gain": 2.0}), (4, 2)),
], ids=lambda v: f"{v.name}{v.kwargs}" if isinstance(v, Spec) else str(v))
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_deterministic_initializers_equal_keras(spec, shape, dtype):
    (_, ours), (_, theirs) = both(spec, shape, dtype)
    assert ours.dtype == theirs.dtype, f"{spec.name}: dtype {ours.dtype} != {theirs.dtype}"
    np.testing.assert_array_equal(ours, theirs, err_msg=f"{spec.name}{spec.kwargs} {shape}")


def test_identity_and_orthogonal_refuse_shapes_as_keras_does():
    for spec, shape in ((Spec("initializers.Identity"), (2, 2, 2)), (Spec("initializers.Orthogonal"), (4,))):
        for library in (scratch_nn, keras):
            with pytest.raises(ValueError, match=r"Received: shape=\(.*\) of rank \d"):
                build(spec, library)(shape)


@pytest.mark.parametrize("name", ["RandomUniform", "TruncatedNormal", "LecunNormal", "LecunUniform",
                                  "Orthogonal"])
def test_a_seed_repeats_the_draw(name):
    first = build(Spec(f"initializers.{name}", {"seed": 7}), scratch_nn)((4, 3))
    again = build(Spec(f"initializers.{name}", {"seed": 7}), scratch_nn)((4, 3))
    other = build(Spec(f"initializers.{name}", {"seed": 8}), scratch_nn)((4, 3))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other), f"{name}: seeds 7 and 8 drew the same"


KERAS_NAMES = ["uniform", "random_uniform", "RandomUniform", "truncated_normal", "TruncatedNormal",
               "lecun_normal", "LecunNormal", "lecun_uniform", "LecunUniform",
               "orthogonal", "Orthogonal", "OrthogonalInitializer", "identity", "Identity",
               "IdentityInitializer", "normal", "random_normal", "one", "ones", "zero", "zeros",
               "variance_scaling", "glorot_uniform", "GlorotNormal", "he_normal", "HeUniform"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_gives_the_same_class(name):
    """(``"constant"`` too in scratch_nn, with value 0; Keras's ``get`` fails on it with a KeyError.)"""
    assert type(scratch_nn.initializers.get(name)).__name__ == type(keras.initializers.get(name)).__name__
