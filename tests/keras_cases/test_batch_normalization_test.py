"""keras/src/layers/normalization/batch_normalization_test.py

The vector cases of ``test_bn_basics`` (Keras's ``run_layer_test`` replaced by
its observable checks). The other cases normalize image or sequence inputs
(rank 3 and 4, ``axis=1`` over channels), use masking, autocast or batch
renormalization: scratch_nn's BatchNormalization takes ``(batch, features)``
by design, and ``test_scratch_image_inputs_refused`` checks the refusal.
"""

import numpy as np
import pytest

from scratch_nn import layers
from tests.keras_cases.support import refused

_NOT_MLP = ("BatchNormalization over image or sequence inputs (rank > 2), masking, autocast "
            "or renormalization; scratch_nn's takes (batch, features) "
            "(test_scratch_image_inputs_refused)")


@pytest.mark.parametrize(("center", "trainable"), [(True, 2), (False, 0)])
def test_bn_basics_vector(center, trainable):
    """test_bn_basics, the two vector cases: (2, 3) in and out, training; weights counted."""
    layer = layers.BatchNormalization(center=center, scale=center)
    out = layer(np.random.default_rng(0).random((2, 3)), training=True)
    assert out.shape == (2, 3)
    assert len(layer.trainable_weights) == trainable
    assert len(layer.non_trainable_weights) == 2


@pytest.mark.parametrize("case", [
    "test_bn_basics[image case]", "test_correctness", "test_input_fully_masked",
    "test_bachnorm_ignore_masked_values", "test_trainable_behavior",
    "test_large_value_within_autocast_scope", "test_masked_broadcast_normalization",
    "test_renorm_basics", "test_renorm_invalid_clipping_keys",
    "test_renorm_stddev_initializer", "test_renorm_inference", "test_renorm_correctness",
    "test_serialization (renorm)"])
def test_not_mlp(case):
    refused(_NOT_MLP)


def test_scratch_image_inputs_refused():
    """The documented refusal: ``ValueError`` naming the expected (batch, features)."""
    with pytest.raises(ValueError, match=r"expected inputs \(batch, features\)"):
        layers.BatchNormalization()(np.ones((2, 4, 4, 3)), training=True)
