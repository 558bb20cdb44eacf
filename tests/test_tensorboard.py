"""callbacks.TensorBoard: the epoch scalars Keras writes, read back with TensorBoard's own reader.

The reading test needs the ``tensorboard`` package (installed by the test
extras, so CI runs it); the refusals and the missing-package error do not.
"""

import sys

import numpy as np
import pytest

import scratch_nn as keras


def _fit(log_dir, epochs=3):
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 4)), rng.integers(0, 3, 40)
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=10, validation_split=0.25, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(log_dir=str(log_dir))])
    return history


def _scalars(directory):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    reader = EventAccumulator(str(directory))
    reader.Reload()
    return {tag: [(e.step, e.value) for e in reader.Scalars(tag)]
            for tag in reader.Tags()["scalars"]}


def test_epoch_scalars_as_keras_writes_them(tmp_path):
    """train/: epoch_loss, epoch_accuracy, epoch_learning_rate; validation/: epoch_loss,
    epoch_accuracy and evaluation_*_vs_iterations; steps are epochs (optimizer steps)."""
    pytest.importorskip("tensorboard")
    history = _fit(tmp_path)
    train, validation = _scalars(tmp_path / "train"), _scalars(tmp_path / "validation")
    assert set(train) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    assert set(validation) == {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations",
                               "evaluation_accuracy_vs_iterations"}
    for name in ("loss", "accuracy"):
        np.testing.assert_allclose([v for _, v in train[f"epoch_{name}"]],
                                   history.history[name], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in validation[f"epoch_{name}"]],
                                   history.history[f"val_{name}"], rtol=1e-6)
        assert [s for s, _ in train[f"epoch_{name}"]] == [0, 1, 2]
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx([0.1] * 3)
    assert [s for s, _ in validation["evaluation_loss_vs_iterations"]] == [3, 6, 9]


def test_missing_package_is_named(monkeypatch):
    """Without tensorboard the callback says what to install."""
    for name in ("tensorboard", "tensorboard.compat.proto", "tensorboard.summary.writer.record_writer"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ModuleNotFoundError, match="pip install tensorboard"):
        keras.callbacks.TensorBoard()


@pytest.mark.parametrize(("arg", "value"), [("histogram_freq", 1), ("update_freq", "batch"),
                                            ("write_images", True), ("profile_batch", 2)])
def test_unsupported_arguments_are_refused_by_name(arg, value):
    with pytest.raises(NotImplementedError, match=f"TensorBoard: {arg}="):
        keras.callbacks.TensorBoard(**{arg: value})
