"""Layers must write into their ``params``/``grads`` arrays: the model's flat buffers hold them."""

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn.layers import Dense


class RebindingDense(Dense):
    """A Dense written as a learner might: new gradient arrays instead of writes into the old."""

    def backward_from_preactivation(self, dz, need_input_grad=True):
        self.grads["kernel"] = self._x.T @ dz
        self.grads["bias"] = dz.sum(axis=0)
        return dz @ self.params["kernel"].T if need_input_grad else None


class RebindingParamsDense(Dense):
    """A Dense that replaces its kernel after each backward pass."""

    def backward_from_preactivation(self, dz, need_input_grad=True):
        dx = super().backward_from_preactivation(dz, need_input_grad)
        self.params["kernel"] = self.params["kernel"].copy()
        return dx


def _model(last):
    model = keras.Sequential([keras.Input((3,)), Dense(4, activation="relu"), last])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 3)).astype("float32"), rng.integers(0, 2, size=8)


@pytest.mark.parametrize("layer_cls, which", [(RebindingDense, "grads"),
                                              (RebindingParamsDense, "params")])
def test_a_layer_that_rebinds_its_arrays_fails_loudly_and_says_why(layer_cls, which):
    model = _model(layer_cls(2, activation="softmax", name="rebinder"))
    x, y = _data()
    with pytest.raises(RuntimeError, match=rf"'rebinder'.*{which}\['kernel'\].*flat buffer"):
        model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    with pytest.raises(RuntimeError, match="instead of writing into it"):
        model.compute_loss_and_gradients(x, y)


def test_a_layer_that_writes_in_place_trains():
    model = _model(Dense(2, activation="softmax"))
    x, y = _data()
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
