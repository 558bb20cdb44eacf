"""keras/src/layers/core/dense_test.py

The cases about a Dense layer on ``(batch, features)`` inputs. Keras's
``run_layer_test`` helper is replaced by its observable checks (output shape,
weight counts, one loss term per regularizer). Not ported: LoRA, quantization
(int8/int4/float8, GPTQ, AWQ) and sparse-tensor cases, none of them MLP
building blocks of this library.
"""

import numpy as np
import pytest

from scratch_nn import constraints, layers
from tests.keras_cases.support import close, need, refused


def _regularized_weights(layer):
    return [name for name, reg in (("kernel", layer.kernel_regularizer),
                                   ("bias", layer.bias_regularizer))
            if reg is not None and name in layer.params]


def test_dense_basics_2d():
    """test_dense_basics, its 2D case: units 4, relu, random_uniform kernel, no bias."""
    layers_initializers = need(layers, "Dense")
    from scratch_nn import initializers
    need(initializers, "RandomUniform")
    layer = layers_initializers(units=4, activation="relu", kernel_initializer="random_uniform",
                                bias_initializer="ones", use_bias=False)
    out = layer(np.random.default_rng(0).random((2, 3)))
    assert out.shape == (2, 4)
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 0
    assert _regularized_weights(layer) == []


def test_dense_basics_3d():
    """test_dense_basics, its 3D case: inputs (2, 3, 4)."""
    refused("Dense on (batch, steps, features) inputs: scratch_nn's layers take "
            "(batch, features); see test_scratch_dense_3d_refused")


def test_scratch_dense_3d_refused():
    """The documented refusal: ``ValueError`` asking for a Flatten layer."""
    with pytest.raises(ValueError, match="add a Flatten layer first"):
        layers.Dense(5)(np.ones((2, 3, 4)))


@pytest.mark.parametrize("units", [0, -3, 2.5, None, "64"],
                         ids=["zero", "negative", "float", "none", "string"])
def test_dense_invalid_units_raises(units):
    """test_dense_invalid_units_raises: Keras's message contains "positive integer"."""
    with pytest.raises(ValueError, match="positive integer"):
        layers.Dense(units)


def test_dense_correctness():
    """test_dense_correctness: build((1, 2)), set_weights, one forward; bias None without bias."""
    layer = layers.Dense(units=2, activation="relu")
    layer.build((1, 2))
    layer.set_weights([np.array([[1.0, -2.0], [3.0, -4.0]]), np.array([5.0, -6.0])])
    close(layer(np.array([[-1.0, 2.0]])), [[10.0, 0.0]])

    layer = layers.Dense(units=2, use_bias=False)
    layer.build((1, 2))
    layer.set_weights([np.array([[1.0, -2.0], [3.0, -4.0]])])
    assert layer.bias is None
    close(layer(np.array([[-1.0, 2.0]])), [[5.0, -6.0]])


def test_dense_errors():
    """test_dense_errors: a layer built for 2 features called on 3 (Keras: symbolic tensors)."""
    refused("Keras checks this on symbolic KerasTensors; see test_scratch_dense_incompatible_input")


def test_scratch_dense_incompatible_input():
    """A Dense built for 2 features refuses 3, with Keras's words "incompatible with the layer"."""
    layer = layers.Dense(units=2, activation="relu")
    layer(np.ones((1, 2)))
    with pytest.raises(ValueError, match="incompatible with the layer"):
        layer(np.ones((1, 3)))


@pytest.mark.parametrize("case", ["test_dense_no_activation", "test_dense_without_activation_set"])
def test_dense_linear(case):
    """test_dense_no_activation / test_dense_without_activation_set (``layer.activation = None``)."""
    if case == "test_dense_no_activation":
        layer = layers.Dense(units=2, use_bias=False, activation=None)
        layer.build((1, 2))
        layer.set_weights([np.array([[1.0, -2.0], [3.0, -4.0]])])
    else:
        layer = layers.Dense(units=2, use_bias=False)
        layer.build((1, 2))
        layer.set_weights([np.array([[1.0, -2.0], [3.0, -4.0]])])
        layer.activation = None
    assert layer.bias is None
    close(layer(np.array([[-1.0, 2.0]])), [[5.0, -6.0]])


def test_dense_with_activation():
    """test_dense_with_activation: relu after the kernel."""
    layer = layers.Dense(units=2, use_bias=False, activation="relu")
    layer.build((1, 2))
    layer.set_weights([np.array([[1.0, -2.0], [3.0, -4.0]])])
    close(layer(np.array([[-1.0, 2.0]])), [[5.0, 0.0]])


def test_dense_constraints():
    """test_dense_constraints: Keras reads ``layer.kernel.constraint`` on its Variable."""
    refused("weights are NumPy arrays, with no Variable attributes; the constraint is "
            "layer.kernel_constraint (test_scratch_dense_constraint_attributes)")


def test_scratch_dense_constraint_attributes():
    """build((None, 2)) and the constraints where scratch_nn keeps them."""
    layer = layers.Dense(units=2, kernel_constraint="non_neg")
    layer.build((None, 2))
    assert isinstance(layer.kernel_constraint, constraints.NonNeg)
    layer = layers.Dense(units=2, bias_constraint="non_neg")
    layer.build((None, 2))
    assert isinstance(layer.bias_constraint, constraints.NonNeg)
