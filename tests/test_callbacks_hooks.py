"""Which callback hooks run, in which order, with which logs: the same in scratch_nn as in Keras.

The same code runs with ``module = keras`` and ``module = scratch_nn``: a
callback records every hook call as ``(hook, index, sorted log keys)``, and
the two records must be equal (a hook given ``None`` where Keras gives a dict
records ``None``, so it shows). Covered: ``fit`` with validation data (the
``on_test_*`` hooks run inside it), ``evaluate(callbacks=)``,
``predict(callbacks=)``, and the old ``on_batch_begin`` / ``on_batch_end``
names, which Keras calls for every training batch.
"""

import numpy as np
import pytest

import scratch_nn

keras = pytest.importorskip("keras")

HOOKS = [
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
]


def recorder(module, hooks=HOOKS):
    """A callback of ``module`` that records each of ``hooks`` it receives."""
    calls = []

    def make(hook):
        if "epoch" in hook or "batch" in hook:
            def method(self, index, logs=None):
                calls.append((hook, index, None if logs is None else sorted(logs)))
        else:
            def method(self, logs=None):
                calls.append((hook, None if logs is None else sorted(logs)))
        return method

    cls = type("Recorder", (module.callbacks.Callback,), {h: make(h) for h in hooks})
    return cls(), calls


def run(module, hooks=HOOKS):
    """fit (2 epochs, validation data), evaluate and predict, each with a recording callback."""
    module.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = rng.integers(0, 2, size=10)
    model = module.Sequential([module.Input((3,)), module.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callback, calls = recorder(module, hooks)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_data=(x[:6], y[:6]),
              callbacks=[callback])
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[callback])
    model.predict(x, batch_size=4, verbose=0, callbacks=[callback])
    return calls


def test_every_hook_runs_in_keras_order_with_a_logs_dict():
    got = run(scratch_nn)
    want = run(keras)
    assert got == want
    assert all(call[-1] is not None for call in got)


def test_the_old_batch_hook_names_run_for_every_training_batch():
    got = run(scratch_nn, hooks=["on_batch_begin", "on_batch_end"])
    want = run(keras, hooks=["on_batch_begin", "on_batch_end"])
    assert got == want
    assert len(got) == 2 * 2 * 3  # begin and end, 2 epochs, 3 batches of 10 samples


def test_predict_batch_end_receives_the_batch_outputs():
    model = scratch_nn.Sequential([scratch_nn.Input((3,)), scratch_nn.layers.Dense(2)])
    seen = []

    class Keep(scratch_nn.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(np.array(logs["outputs"]))

    x = np.arange(30, dtype="float32").reshape(10, 3)
    out = model.predict(x, batch_size=4, verbose=0, callbacks=[Keep()])
    np.testing.assert_array_equal(np.concatenate(seen), out)


def test_a_callback_not_provided_is_refused_by_name():
    """TensorBoard is provided (tests/test_tensorboard.py); BackupAndRestore is not."""
    with pytest.raises(NotImplementedError, match="BackupAndRestore is not supported by scratch_nn"):
        scratch_nn.callbacks.BackupAndRestore(backup_dir="backup")
