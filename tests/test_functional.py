"""The functional API for linear chains (scratch_nn/functional.py), without TensorFlow.

Properties:

- ``Model(inputs, outputs)`` over a chain trains, evaluates and predicts
  exactly (bit for bit) as the ``Sequential`` of the same layers from the
  same initial weights, in every accepted spelling (positional,
  ``inputs=``/``outputs=``, one-element lists).
- Calling a layer on an ``Input`` computes nothing and leaves the layer
  usable on arrays, which computes as before.
- Every graph that is not a chain (merge, reuse, several inputs or outputs,
  an output not computed from the input), a second model over layers of a
  living one, and subclassing ``Model`` with ``call`` raise an error naming
  what is not supported.
"""

import gc

import numpy as np
import pytest

import scratch_nn
from scratch_nn import layers


def data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)).astype(np.float32), rng.integers(0, 4, n)


def chain_layers():
    return [layers.Dense(7, activation="tanh"), layers.BatchNormalization(),
            layers.Dense(5, activation="relu"), layers.Dense(4, activation="softmax")]


def build_functional(spelling):
    inputs = scratch_nn.Input(shape=(6,))
    x = inputs
    for layer in chain_layers():
        x = layer(x)
    if spelling == "keywords":
        return scratch_nn.Model(inputs=inputs, outputs=x, name="chain")
    if spelling == "lists":
        return scratch_nn.models.Model([inputs], [x])
    return scratch_nn.Model(inputs, x)


@pytest.mark.parametrize("spelling", ["positional", "keywords", "lists"])
def test_functional_chain_matches_sequential(spelling):
    scratch_nn.utils.set_random_seed(7)
    model = build_functional(spelling)
    twin = scratch_nn.Sequential([layers.Input((6,)), *chain_layers()])
    twin.set_weights(model.get_weights())
    x, y = data()
    np.testing.assert_array_equal(model.predict(x, verbose=0), twin.predict(x, verbose=0))
    for m in (model, twin):
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h1 = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, validation_split=0.25)
    h2 = twin.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, validation_split=0.25)
    assert h1.history == h2.history
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.evaluate(x, y, verbose=0) == twin.evaluate(x, y, verbose=0)
    assert type(model.layers[0]).__name__ == "InputLayer" and len(model.layers) == 5
    assert model.name == ("chain" if spelling == "keywords" else "functional")


def test_symbolic_call_computes_nothing_and_arrays_still_compute():
    dense = layers.Dense(3, kernel_initializer="ones")
    out = dense(scratch_nn.Input(shape=(2,)))
    assert out.shape == (None, 3) and dense.built
    np.testing.assert_array_equal(dense(np.ones((1, 2), np.float32)), [[2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(layers.Dense(1, kernel_initializer="ones")([[1.0, 2.0]]), [[3.0]])


def test_flatten_then_dense_from_image_input():
    inputs = scratch_nn.Input(shape=(4, 3))
    outputs = layers.Dense(2)(layers.Flatten()(inputs))
    model = scratch_nn.Model(inputs, outputs)
    assert model.predict(np.zeros((5, 4, 3), np.float32), verbose=0).shape == (5, 2)


def test_merge_is_refused_by_name():
    inputs = scratch_nn.Input(shape=(3,))
    a, b = layers.Dense(2)(inputs), layers.Dense(2)(inputs)
    with pytest.raises(TypeError, match=r"called on 2 tensors: layers that merge several tensors"):
        layers.Dense(2)([a, b])


def test_reused_layer_is_refused_by_name():
    inputs = scratch_nn.Input(shape=(3,))
    shared = layers.Dense(3, name="shared")
    x = shared(inputs)
    with pytest.raises(ValueError, match=r"'shared' is applied twice.*shared \(reused\) layers"):
        shared(x)


def test_several_inputs_or_outputs_are_refused_by_name():
    a, b = scratch_nn.Input(shape=(3,)), scratch_nn.Input(shape=(3,))
    out_a, out_b = layers.Dense(1)(a), layers.Dense(1)(a)
    with pytest.raises(ValueError, match=r"2 inputs received; models with several inputs"):
        scratch_nn.Model([a, b], out_a)
    with pytest.raises(ValueError, match=r"2 outputs received; models with several outputs"):
        scratch_nn.Model(a, [out_a, out_b])
    with pytest.raises(ValueError, match=r"not computed from the given input"):
        scratch_nn.Model(b, out_a)


def test_layers_shared_between_models_are_refused_by_name():
    inputs = scratch_nn.Input(shape=(3,))
    hidden = layers.Dense(4, name="encoder")(inputs)
    outputs = layers.Dense(3)(hidden)
    full = scratch_nn.Model(inputs, outputs, name="autoencoder")
    with pytest.raises(ValueError, match=r"'encoder' already belongs to the model 'autoencoder'"):
        scratch_nn.Model(inputs, hidden)
    del full
    gc.collect()
    scratch_nn.Model(inputs, hidden)  # once the first model is gone, the layers are free


def test_subclassed_model_is_refused_by_name():
    class MyModel(scratch_nn.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    with pytest.raises(TypeError, match=r"MyModel subclasses Model and defines call\(\)"):
        MyModel()
    with pytest.raises(TypeError, match=r"Model\(\) needs inputs and outputs"):
        scratch_nn.Model()


def test_calling_a_layer_on_a_layer_is_refused():
    with pytest.raises(TypeError, match=r"was called on the layer"):
        layers.Dense(2)(layers.Dense(3))
