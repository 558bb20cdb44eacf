"""`keras_ref.builders.scratch_model`: the scratch_nn twin of a Keras model, weights copied.

The Keras model is built from literal arguments, and the twin is checked
against those literals and against what Keras computes.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_ref.builders import scratch_model


def _keras_model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(5, activation="tanh", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-2),
        keras.layers.Dropout(0.25, seed=7),
        keras.layers.Activation("relu"),
        keras.layers.Dense(3, use_bias=False),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005, beta_1=0.8, epsilon=1e-6),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_twin_has_the_keras_layers_weights_loss_and_optimizer(rng):
    model = _keras_model()
    twin = scratch_model(model)
    kinds = [type(layer).__name__ for layer in twin.layers]
    assert kinds == ["Dense", "BatchNormalization", "Dropout", "Activation", "Dense"]
    dense, norm, dropout, _, last = twin.layers
    assert (dense.units, dense.activation.name, dense.kernel_regularizer.l2) == (5, "tanh", 0.01)
    assert (norm.momentum, norm.epsilon) == (0.9, 1e-2)
    assert (dropout.rate, dropout.seed) == (0.25, 7)
    assert (last.units, last.use_bias) == (3, False)
    for ours, theirs in zip(twin.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    optimizer = twin.optimizer
    assert type(optimizer).__name__ == "Adam"
    assert (optimizer.learning_rate, optimizer.beta_1, optimizer.epsilon) == pytest.approx(
        (0.005, 0.8, 1e-6))
    assert optimizer.iterations == 0
    assert type(twin.loss).__name__ == "SparseCategoricalCrossentropy" and twin.loss.from_logits
    x = rng.standard_normal((16, 6)).astype("float32")
    np.testing.assert_allclose(twin.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_a_layer_without_counterpart_is_named():
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.Conv1D(2, 2, name="conv")])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="'conv' of type Conv1D"):
        scratch_model(model)


def test_an_uncompiled_model_is_refused():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="compile the Keras model first"):
        scratch_model(model)
