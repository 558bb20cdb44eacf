"""Bad input gets a clear error naming the argument, what was received and what was expected."""

import re

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn.layers import Dense, Dropout


def compiled(loss="sparse_categorical_crossentropy"):
    model = keras.Sequential([keras.Input((4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss=loss)
    return model


X = np.zeros((10, 4))
Y = np.zeros(10, dtype=int)


@pytest.mark.parametrize("kwargs,pattern", [
    ({"x": np.zeros((10, 5))}, r"x has samples of shape \(5,\).*expects \(4,\)"),
    ({"y": np.array([0, 1, 2, 3] + [0] * 6)}, r"labels in \[0, 3\].*3 units.*\[0, 2\]"),
    ({"y": -np.ones(10, dtype=int)}, r"labels in \[-1, -1\]"),
    ({"y": np.full(10, 0.5)}, r"integer class indices.*float64"),
    ({"y": np.array(["a"] * 10)}, r"y must hold numbers.*<U1"),
    ({"x": np.full((10, 4), np.nan)}, r"x contains 40 NaN or infinite"),
    ({"x": np.full((10, 4), np.inf)}, r"x contains 40 NaN or infinite"),
    ({"y": np.zeros(9, dtype=int)}, r"different lengths: x has 10 samples, y has shape \(9,\)"),
    ({"x": np.zeros((0, 4)), "y": np.zeros(0, dtype=int)}, r"x is empty"),
    ({"batch_size": 0}, r"batch_size must be an integer >= 1, received 0"),
    ({"batch_size": 2.5}, r"batch_size must be an integer >= 1, received 2.5"),
    ({"validation_split": 1.0}, r"validation_split must be a float in \(0, 1\), received 1.0"),
    ({"validation_split": -0.1}, r"validation_split must be a float in \(0, 1\)"),
    ({"validation_split": 0.95}, r"leaves 0 for training and 10 for validation"),
    ({"epochs": -1}, r"epochs must be an integer >= 0"),
    ({"verbose": 3}, r"verbose must be 0, 1, 2 or 'auto', received 3"),
    ({"validation_data": np.zeros((3, 4))}, r"validation_data must be a tuple"),
    ({"validation_data": (np.zeros((3, 5)), np.zeros(3))}, r"validation_data\[0\] has samples"),
])
def test_fit_rejects_bad_input_before_any_work(kwargs, pattern):
    model = compiled()
    before = model.get_weights()
    args = {"x": X, "y": Y, "verbose": 0, **kwargs}
    with pytest.raises(ValueError, match=pattern):
        model.fit(**args)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_categorical_targets_must_match_the_output():
    model = compiled("categorical_crossentropy")
    with pytest.raises(ValueError, match=r"y has shape \(10,\).*expects \(10, 3\)"):
        model.fit(X, Y, verbose=0)


def test_sparse_labels_of_shape_n_by_1_are_accepted():
    compiled().fit(X, Y[:, None], verbose=0)


def test_fit_before_compile():
    model = keras.Sequential([keras.Input((4,)), Dense(3)])
    # Keras raises ValueError("You must call `compile()` before using the model.")
    with pytest.raises(ValueError, match=r"compile\(\)` before using the model: fit\(\)"):
        model.fit(X, Y)
    with pytest.raises(ValueError, match=r"compile\(\)` before using the model: evaluate\(\)"):
        model.evaluate(X, Y)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.2"])
def test_dropout_rate_outside_0_1(rate):
    with pytest.raises(ValueError, match=r"Invalid value received for argument `rate`. Expected a float value between 0 and 1"):
        Dropout(rate)


@pytest.mark.parametrize("kwargs,pattern", [
    ({"optimizer": "adafactor", "loss": "mse"},
     r"unknown optimizer 'adafactor'.*\['adadelta', 'adagrad', 'adam', 'adamax', 'adamw', 'ftrl', 'lion', 'nadam', 'rmsprop', 'sgd'\]"),
    ({"optimizer": "sgd", "loss": "focal_loss"}, r"unknown loss 'focal_loss'.*categorical_crossentropy"),
    ({"optimizer": "sgd", "loss": "mse", "metrics": ["f1"]}, r"unknown metric 'f1'.*accuracy"),
])
def test_unknown_names_list_the_valid_ones(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        compiled().compile(**kwargs)


@pytest.mark.parametrize("make,pattern", [
    (lambda: Dense(4, activation="prelu"), r"unknown activation 'prelu'.*'relu'"),
    (lambda: Dense(4, kernel_initializer="xavier_uniform"), r"unknown initializer 'xavier_uniform'"),
    (lambda: Dense(0), r"units must be a positive integer, received 0"),
])
def test_unknown_layer_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_set_weights_with_wrong_count_or_shapes_writes_nothing():
    model = compiled()
    before = model.get_weights()
    with pytest.raises(ValueError, match="has 2 weight arrays, received 1"):
        model.set_weights(before[:1])
    with pytest.raises(ValueError, match=r"weight 1 has shape \(3,\), received \(4,\)"):
        model.set_weights([np.ones((4, 3)), np.ones(4)])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_model_without_input_shape_builds_on_data_or_says_how():
    model = keras.Sequential([Dense(3, activation="softmax")])
    with pytest.raises(ValueError, match="no input shape yet"):
        model.get_weights()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(X, Y, verbose=0)
    assert model.get_weights()[0].shape == (4, 3)


def test_dense_on_images_asks_for_flatten():
    with pytest.raises(ValueError, match=r"received samples of shape \(28, 28\); add a Flatten"):
        keras.Sequential([keras.Input((28, 28)), Dense(3)])


def test_save_weights_needs_weights_h5(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        compiled().save_weights(tmp_path / "w.h5")


@pytest.mark.parametrize("shape", [None, (0,), (28, 0), (-1, 3)])
def test_input_refuses_a_shape_without_positive_sizes(shape):
    with pytest.raises(ValueError, match=rf"Input: shape must be a tuple of positive ints, received {re.escape(repr(shape))}"):
        keras.Input(shape)


def test_sparse_crossentropy_labels_lose_a_trailing_axis_of_one_and_must_match_the_batch():
    """Labels ``(n,)`` and ``(n, 1)`` give the same loss (Keras squeezes the 1); any other
    shape than ``y_pred``'s without its class axis is refused, naming both."""
    loss = keras.losses.SparseCategoricalCrossentropy()
    p = np.full((4, 3), 1 / 3) + np.array([0.1, -0.05, -0.05])
    labels = np.array([0, 1, 2, 0])
    expected = np.log(p.sum(axis=1)) - np.log(p[np.arange(4), labels])
    np.testing.assert_allclose(loss.per_sample(labels[:, None], p), expected, rtol=1e-12)
    np.testing.assert_allclose(loss.per_sample(labels, p), expected, rtol=1e-12)
    for bad in (np.zeros((4, 2), int), np.zeros(3, int), np.zeros((4, 1, 1), int)):
        with pytest.raises(ValueError, match=re.escape(f"without its class axis, (4,), received {bad.shape}")):
            loss.per_sample(bad, p)
