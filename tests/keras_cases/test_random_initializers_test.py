"""keras/src/initializers/random_initializers_test.py

The table in ``data/random_initializers_test.py``, replayed on ``scratch_nn.initializers``.
"""

import numpy as np
import pytest

from scratch_nn import initializers
from tests.keras_cases.data import random_initializers_test as data
from tests.keras_cases.replay import case_ids, in_scope, replay
from tests.keras_cases.support import need

#: not ported: VarianceScaling's input_axes/output_axes (fans of attention kernels); also
#: test_get_method_with_tensor, test_serialization_with_seed_generator (Keras's SeedGenerator
#: and backend tensors), test_compute_fans_with_axes, test_variance_scaling_with_axes and
#: test_mha_query_projection_variance (attention kernels)
OUT_OF_SCOPE = ('RandomInitializersTest::test_variance_scaling_serialization_with_axes',)
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_case(case):
    replay(initializers, case)


# -- by hand: the cases whose checks compute on the drawn values ----------------
SHAPE = (25, 20)


def test_random_normal():
    """RandomInitializersTest::test_random_normal: attributes, std 1 (atol 0.1), a seed repeats.

    Keras's ``SeedGenerator`` parts are left out (scratch_nn's seeds are ints);
    the config round trip runs once ``get_config`` exists.
    """
    initializer = initializers.RandomNormal(mean=0.0, stddev=1.0, seed=1234)
    values = initializer(shape=SHAPE)
    assert (initializer.mean, initializer.stddev, initializer.seed) == (0.0, 1.0, 1234)
    assert values.shape == SHAPE
    np.testing.assert_allclose(np.std(values), 1.0, atol=1e-1)
    initializer = initializers.RandomNormal(mean=0.0, stddev=1.0, seed=1337)
    np.testing.assert_allclose(initializer(shape=SHAPE), initializer(shape=SHAPE))
    need(initializer, "get_config")
    clone = initializers.RandomNormal.from_config(initializer.get_config())
    np.testing.assert_allclose(initializer(shape=SHAPE), clone(shape=SHAPE))
    unseeded = initializers.RandomNormal(mean=0.0, stddev=1.0, seed=None)
    clone = initializers.RandomNormal.from_config(unseeded.get_config())
    assert not np.allclose(unseeded(shape=SHAPE), clone(shape=SHAPE))


def test_random_uniform():
    """RandomInitializersTest::test_random_uniform: values in [minval, maxval)."""
    cls = need(initializers, "RandomUniform")
    initializer = cls(minval=-1.0, maxval=1.0, seed=1234)
    values = np.asarray(initializer(shape=(5, 5)))
    assert (initializer.minval, initializer.maxval, initializer.seed) == (-1.0, 1.0, 1234)
    assert values.shape == (5, 5)
    assert np.min(values) >= -1.0 and np.max(values) < 1.0
    need(initializer, "get_config")
    assert cls.from_config(initializer.get_config()).get_config() == initializer.get_config()


@pytest.mark.parametrize(("mode", "fan"), [("fan_in", 25), ("fan_out", 20)])
def test_variance_scaling(mode, fan):
    """RandomInitializersTest::test_variance_scaling: std sqrt(2 / fan) (atol 0.1)."""
    initializer = initializers.VarianceScaling(scale=2.0, seed=1234, mode=mode)
    values = initializer(shape=SHAPE)
    assert (initializer.scale, initializer.seed) == (2.0, 1234)
    assert values.shape == SHAPE
    np.testing.assert_allclose(np.std(values), np.sqrt(2.0 / fan), atol=1e-1)
    need(initializer, "get_config")
    config = initializer.get_config()
    assert initializers.VarianceScaling.from_config(config).get_config() == config


def test_orthogonal():
    """RandomInitializersTest::test_orthogonal: columns of norm gain 2, orthogonal to each other."""
    cls = need(initializers, "Orthogonal")
    initializer = cls(gain=2.0, seed=1234)
    array = np.asarray(initializer(shape=(5, 5)))
    assert (initializer.seed, initializer.gain) == (1234, 2.0)
    assert array.shape == (5, 5)
    for column in array.T:
        np.testing.assert_almost_equal(np.linalg.norm(column), 2.0, decimal=3)
    for i in range(5):
        for j in range(i + 1, 5):
            np.testing.assert_almost_equal(np.dot(array[..., i], array[..., j]), 0.0, decimal=3)
    assert isinstance(initializers.get("OrthogonalInitializer"), cls)
    need(initializer, "get_config")
    assert cls.from_config(initializer.get_config()).get_config() == initializer.get_config()
