"""Whole-model gradients against `tf.GradientTape`, in float64.

Property: for a random MLP (depth 1-4, widths 1-6, random hidden activations,
with and without BatchNormalization and L2 on every kernel, 2-D inputs through
a Flatten, any of the output/loss pairs in `tests.specs.HEADS`) and the
same weights in both libraries, scratch_nn's training loss (regularization
included), its gradient with respect to every trainable weight and to the
input, and the BatchNormalization moving statistics after the step equal
Keras's, to 1e-10 of the largest entry (the gradients judged together, as one
vector, the way a gradient check judges them: behind BatchNormalization at
batch size 2 the input gradient cancels to a millionth of the others, and a
kernel feeding a one-unit BatchNormalization has a zero gradient by symmetry;
each other array on its own), or 1e-6 through a leaky ReLU, whose slope
TensorFlow keeps in float32 (see `tests.tolerances.LEAKY_RELU_FLOAT64_RTOL`).
The same holds in inference mode (`training=False`, BatchNormalization on its
moving statistics).
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

from tests.checks import check_model_gradients
from tests.hypothesis_profiles import examples
from tests.specs import HEADS
from tests.strategies import model_specs


# Parametrized over the output heads: derandomized draws from a sampled_from
# favour its first entries, and every head must be exercised.
@pytest.mark.parametrize("head", HEADS, ids=lambda head: f"{head[0]}-{head[1]}{'-logits' * head[2]}")
@examples(5)
@given(data=st.data(), training=st.booleans())
def test_model_gradients_match_gradient_tape(head, data, training):
    check_model_gradients(data.draw(model_specs(heads=[head])), training)


@examples(10)
@given(spec=model_specs(batch_norm=True))
def test_model_gradients_with_batch_norm_match_gradient_tape(spec):
    check_model_gradients(spec, training=True)
