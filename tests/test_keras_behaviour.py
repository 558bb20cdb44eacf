"""Four places where scratch_nn once differed from Keras 3.15.1, each with the values Keras gives.

- A cross-entropy called directly on a target of another shape raises
  ``ValueError: Arguments target and output must have the same shape``
  (``keras/src/backend/tensorflow/nn.py``), instead of returning a number.
- ``mean_squared_error`` and ``metrics.MeanSquaredError`` squeeze or expand
  the last axis first (``keras/src/losses/loss.py``
  ``squeeze_or_expand_to_same_rank``): labels ``(n,)`` against predictions
  ``(n, 1)`` compare sample by sample.
- ``EarlyStopping(monitor="unknown", mode="auto")`` raises ``ValueError``
  (``keras/src/callbacks/monitor_callback.py``) instead of warning each epoch.
- ``VarianceScaling(scale=-1.0)`` is refused when made, with Keras's message.
"""

import numpy as np
import pytest

import scratch_nn as keras

Y_MISMATCHED = np.array([[0], [1], [2]])
P_THREE = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])


@pytest.mark.parametrize("cls", ["BinaryCrossentropy", "CategoricalCrossentropy"])
def test_cross_entropy_refuses_a_target_of_another_shape(cls):
    with pytest.raises(ValueError, match="Arguments `target` and `output` must have the same shape"):
        getattr(keras.losses, cls)()(Y_MISMATCHED, P_THREE)


@pytest.mark.parametrize("fn", ["binary_crossentropy", "categorical_crossentropy"])
def test_cross_entropy_functions_refuse_it_too(fn):
    with pytest.raises(ValueError, match="must have the same shape"):
        getattr(keras.losses, fn)(Y_MISMATCHED, P_THREE)


def test_binary_labels_of_one_axis_less_still_score_per_sample():
    """Labels ``(n,)`` for outputs ``(n, 1)`` are expanded, not refused (Keras expands them)."""
    p = np.array([[0.9], [0.2]])
    np.testing.assert_allclose(keras.losses.binary_crossentropy(np.array([1, 0]), p),
                               keras.losses.binary_crossentropy(np.array([[1], [0]]), p))


def test_mean_squared_error_squeezes_or_expands_as_keras():
    """y_true [4, 8, 12] against y_pred [[3], [0], [1]]: Keras's [1, 64, 121] and metric 62."""
    y_true, y_pred = np.array([4.0, 8.0, 12.0]), np.array([[3.0], [0.0], [1.0]])
    np.testing.assert_allclose(keras.losses.mean_squared_error(y_true, y_pred), [1.0, 64.0, 121.0])
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), 62.0, rtol=1e-6)
    np.testing.assert_allclose(float(keras.losses.MeanSquaredError()(y_true, y_pred)), 62.0,
                               rtol=1e-6)


def test_early_stopping_unknown_monitor_in_auto_mode_raises_in_fit():
    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="monitor='unknown'"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="unknown", mode="auto")])


@pytest.mark.parametrize("scale", [-1.0, 0.0])
def test_variance_scaling_refuses_a_scale_not_positive_when_made(scale):
    with pytest.raises(ValueError, match=f"Argument `scale` must be positive float. Received: scale={scale}"):
        keras.initializers.VarianceScaling(scale=scale)
