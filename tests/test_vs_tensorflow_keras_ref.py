"""The oracle's own plumbing: builders and weight transfer do what the properties assume.

- A random scratch_nn model and its Keras twin (`keras_ref.builders.keras_model`)
  have the same layers, weight shapes and parameter count; weights moved
  scratch_nn -> Keras -> a fresh scratch_nn model come back bit for bit, and
  both models then give the same predictions (1e-10 relative, float64).
- Mismatched architectures fail before anything is copied, with a message
  naming the layer index and the expected and received shapes; a layer
  without a Keras mapping fails with a message naming it.
"""

import numpy as np
import pytest
from hypothesis import given

pytest.importorskip("tensorflow")

import scratch_nn
from keras_ref import builders, oracle, transfer
from scratch_nn import layers
from tests.hypothesis_profiles import examples
from tests.specs import build_scratch_model, model_data
from tests.strategies import model_specs
from tests.tolerances import assert_close, tolerance


@examples(10)
@given(spec=model_specs())
def test_weights_round_trip_and_twins_predict_alike(spec):
    model = build_scratch_model(spec)
    with oracle.keras_floatx(np.float64):
        twin = builders.keras_model(model)
    transfer.scratch_to_keras(model, twin)
    assert [tuple(w.shape) for w in twin.get_weights()] == [w.shape for w in model.get_weights()]
    assert twin.count_params() == model.count_params()

    fresh = build_scratch_model(spec)
    fresh.set_weights([np.zeros_like(w) for w in fresh.get_weights()])
    transfer.keras_to_scratch(twin, fresh)
    for ours, back in zip(model.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(back, ours)

    x, _ = model_data(spec)
    assert_close(model.predict(x, verbose=0), oracle.forward(twin, x), tolerance(np.float64, spec.activations),
                 "predictions of the twins")


def small_model(units):
    return scratch_nn.Sequential([layers.Input((3,)), layers.Dense(units), layers.Dense(2)])


def test_mismatched_architecture_names_layer_and_shapes():
    ours, other = small_model(4), builders.keras_model(small_model(5))
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(ValueError, match=r"layer 0 .*\(3, 5\), \(5,\).*\(3, 4\), \(4,\)"):
        transfer.scratch_to_keras(ours, other)
    for w, b in zip(other.get_weights(), before):
        np.testing.assert_array_equal(w, b)
    with pytest.raises(ValueError, match=r"layer 0 .*\(3, 4\), \(4,\).*\(3, 5\), \(5,\)"):
        transfer.keras_to_scratch(other, ours)


def test_layer_count_mismatch_is_reported():
    ours = small_model(4)
    deeper = builders.keras_model(scratch_nn.Sequential(
        [layers.Input((3,)), layers.Dense(4), layers.Dense(2), layers.Dense(2)]))
    with pytest.raises(ValueError, match="2 layers .* has 3"):
        transfer.scratch_to_keras(ours, deeper)


def test_unmappable_layer_is_named():
    class Mystery(layers.Layer):
        def forward(self, x, training=False):
            return x

    model = scratch_nn.Sequential([layers.Input((3,)), layers.Dense(4), Mystery(name="mystery")])
    with pytest.raises(ValueError, match=r"layer 1: layer 'mystery' of type Mystery has no Keras mapping"):
        builders.keras_model(model)
