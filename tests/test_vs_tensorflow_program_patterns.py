"""Patterns that public Keras MLP programs use around a model, written once for both libraries.

Each test runs the same user code with ``lib = keras`` and ``lib = scratch_nn``:

- An op's result read with ``.numpy()`` (``keras.ops.softmax(logits).numpy()``
  after ``model(x).numpy()``): Keras's ops return tensors, so ours return
  :class:`scratch_nn.tensor.Tensor`; the values agree (float32: 1e-6
  relative) and ``.numpy()`` gives a plain ``ndarray``.
- What scratch_nn cannot do without automatic differentiation or a data
  pipeline is refused where the user writes it, with an error naming it:
  a loss given as a function or as a ``Loss`` subclass overriding ``call``
  (Keras trains on both), ``Layer.add_loss`` in a layer's ``call``, ``keras.utils.PyDataset``
  and ``keras.utils.plot_model``.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import scratch_nn
from scratch_nn.tensor import Tensor

LIBS = {"keras": keras, "scratch_nn": scratch_nn}

LOGITS = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], dtype="float32")

# (op name, positional arguments after the array, keyword arguments)
OP_CALLS = [
    ("softmax", (), {}),
    ("log_softmax", (), {"axis": 0}),
    ("sigmoid", (), {}),
    ("relu", (), {}),
    ("square", (), {}),
    ("exp", (), {}),
    ("mean", (), {"axis": -1}),
    ("sum", (), {}),
    ("argmax", (), {"axis": 1}),
    ("reshape", ((3, 2),), {}),
    ("cast", ("int32",), {}),
    ("clip", (-1.0, 1.0), {}),
]


@pytest.mark.parametrize("name,args,kwargs", OP_CALLS, ids=[c[0] for c in OP_CALLS])
def test_op_results_have_numpy_as_keras_tensors(name, args, kwargs):
    theirs = getattr(keras.ops, name)(LOGITS, *args, **kwargs).numpy()
    result = getattr(scratch_nn.ops, name)(LOGITS, *args, **kwargs)
    assert isinstance(result, Tensor)
    ours = result.numpy()
    assert type(ours) is np.ndarray
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_ops_on_a_models_output_read_with_numpy():
    """``model(x).numpy()`` then an op on it and ``.numpy()`` again, as the TensorFlow quickstart does."""
    out = {}
    for name, lib in LIBS.items():
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(4)])
        model.set_weights([np.arange(12, dtype="float32").reshape(3, 4) / 10,
                           np.array([0.1, -0.2, 0.3, 0.0], dtype="float32")])
        predictions = model(LOGITS).numpy()
        out[name] = lib.ops.softmax(predictions).numpy()
    np.testing.assert_allclose(out["scratch_nn"], out["keras"], rtol=1e-6)


def loss_function(lib):
    """A user's loss function: the mean over the last axis of ``(y_true - y_pred)^2``."""
    def shifted_mse(y_true, y_pred):
        return lib.ops.mean(lib.ops.square(y_true - y_pred), axis=-1)
    return shifted_mse


def loss_subclass(lib):
    """A user's ``Loss`` subclass: mean squared error plus ``0.1 mean(y_pred^2)``."""
    class PenalizedMSE(lib.losses.Loss):
        def call(self, y_true, y_pred):
            return (lib.ops.mean(lib.ops.square(y_true - y_pred), axis=-1)
                    + 0.1 * lib.ops.mean(lib.ops.square(y_pred), axis=-1))
    return PenalizedMSE()


def tiny_model(lib):
    return lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])


@pytest.mark.parametrize("kind", ["function", "Loss subclass overriding call"])
def test_user_defined_loss_trains_in_keras_and_is_refused_by_name(kind):
    x = LOGITS
    y = np.array([[0.0, 1.0], [1.0, 0.0]], dtype="float32")

    def user_loss(lib):
        return loss_function(lib) if kind == "function" else loss_subclass(lib)

    theirs = tiny_model(keras)
    theirs.compile(optimizer="sgd", loss=user_loss(keras))
    assert np.isfinite(theirs.fit(x, y, epochs=1, verbose=0).history["loss"][0])
    ours = tiny_model(scratch_nn)
    expected = "shifted_mse" if kind == "function" else "PenalizedMSE"
    with pytest.raises(NotImplementedError, match=f"{expected}.*automatic differentiation"):
        ours.compile(optimizer="sgd", loss=user_loss(scratch_nn))


def test_add_loss_in_a_layers_call_is_refused_by_name():
    def program(lib):
        class ActivityPenalty(lib.layers.Layer):
            def call(self, inputs):
                self.add_loss(0.1 * lib.ops.sum(inputs))
                return inputs
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2), ActivityPenalty()])
        model.compile(optimizer="sgd", loss="mse")
        return model.fit(LOGITS, np.zeros((2, 2), "float32"), epochs=1, verbose=0)

    assert np.isfinite(program(keras).history["loss"][0])
    with pytest.raises(NotImplementedError, match=r"ActivityPenalty\.add_loss"):
        program(scratch_nn)


@pytest.mark.parametrize("name,why", [("PyDataset", "NumPy arrays"), ("plot_model", "summary")])
def test_keras_utilities_not_built_are_refused_by_name(name, why):
    assert callable(getattr(keras.utils, name))
    with pytest.raises(NotImplementedError, match=rf"keras\.utils\.{name}.*{why}"):
        getattr(scratch_nn.utils, name)
    with pytest.raises(AttributeError, match="no attribute 'PyDatasett'"):
        scratch_nn.utils.PyDatasett  # noqa: B018 (a typo stays an AttributeError)


class KeyRecorder:
    """A callback's hooks recording ``list(logs)`` and the values' types, as a user's callback reads them."""

    hooks = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_batch_end",
             "on_test_batch_end", "on_test_end", "on_epoch_end", "on_train_end")

    @staticmethod
    def make(lib):
        seen = []

        def hook(name):
            def record(self, *args, **kwargs):
                logs = kwargs["logs"] if "logs" in kwargs else args[-1]
                seen.append((name, list(logs.keys()), {type(v).__name__ for v in logs.values()}))
                if name == "on_epoch_end":
                    logs["lr"] = 0.5  # reaches History; on_train_end gets Keras's own copy, without it
            return record
        cls = type("KeyRecorder", (lib.callbacks.Callback,), {h: hook(h) for h in KeyRecorder.hooks})
        return cls(), seen


def test_callbacks_see_logs_keys_in_keras_order():
    """Keras hands every hook a copy of its logs sorted by key, values as Python floats (pythonify_logs)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(12, 3)).astype("float32")
    y = rng.normal(size=(12, 1)).astype("float32")
    seen = {}
    for name, lib in LIBS.items():
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mean_squared_error",
                      metrics=["mean_absolute_error"])
        recorder, seen[name] = KeyRecorder.make(lib)
        history = model.fit(x, y, batch_size=6, epochs=2, verbose=0, validation_data=(x[:6], y[:6]),
                            callbacks=[recorder])
        seen[name].append(("history", list(history.history), set()))
    assert seen["scratch_nn"] == seen["keras"]
    assert ("on_epoch_end", ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"],
            {"float"}) in seen["keras"]
    assert seen["keras"][-2][0] == "on_train_end" and "lr" not in seen["keras"][-2][1]
    assert "lr" in seen["keras"][-1][1]  # History
