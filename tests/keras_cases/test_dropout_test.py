"""keras/src/layers/regularization/dropout_test.py

Keras's ``run_layer_test`` is replaced by its observable checks. The
``noise_shape`` cases (one mask shared along an axis of sequence or image
inputs) need inputs of more than two axes, which scratch_nn's layers refuse by
design; ``test_scratch_noise_shape_refused`` checks the refusal.
"""

import numpy as np
import pytest

from scratch_nn import layers
from tests.keras_cases.support import close, refused

_NOISE_SHAPE = ("noise_shape shares a mask along an axis of (batch, steps, ...) inputs; "
                "scratch_nn's Dropout takes (batch, features) (test_scratch_noise_shape_refused)")


def test_dropout_basics():
    """test_dropout_basics: rate 0.2 in training, (2, 3) in and out, no weights."""
    layer = layers.Dropout(rate=0.2)
    out = layer(np.random.default_rng(0).random((2, 3)), training=True)
    assert out.shape == (2, 3)
    assert layer.trainable_weights == [] and layer.non_trainable_weights == []


def test_dropout_rescaling():
    """test_dropout_rescaling: ones (20, 500), rate 0.5, seed 1337: mean 1 (atol 0.02), max 2."""
    layer = layers.Dropout(0.5, seed=1337)
    outputs = np.asarray(layer(np.ones((20, 500)), training=True))
    close(np.mean(outputs), 1.0, atol=0.02)
    close(np.max(outputs), 2.0)


@pytest.mark.parametrize("case", [
    "test_dropout_partial_noise_shape_dynamic", "test_dropout_partial_noise_shape_static",
    "test_validate_noise_shape_none", "test_validate_noise_shape_integer_tuple",
    "test_validate_noise_shape_none_values", "test_validate_noise_shape_cast_to_a_tuple",
    "test_validate_noise_shape_non_iterable", "test_validate_noise_shape_invalid_type",
    "test_validate_noise_shape_negative_value", "test_validate_noise_shape_zero_value"])
def test_noise_shape(case):
    refused(_NOISE_SHAPE)


def test_scratch_noise_shape_refused():
    """Keras's argument is refused by name (``ValueError``, as any unknown layer argument)."""
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=(None, 1, None))


@pytest.mark.parametrize("rate", [-0.5, 1.5], ids=["test_dropout_negative_rate",
                                                  "test_dropout_rate_greater_than_one"])
def test_dropout_invalid_rate(rate):
    """test_dropout_negative_rate / test_dropout_rate_greater_than_one: Keras's message."""
    with pytest.raises(ValueError, match="Invalid value received for argument `rate`. "
                                         "Expected a float value between 0 and 1."):
        layers.Dropout(rate=rate)
