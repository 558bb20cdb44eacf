"""The naive per-sample loop computes what scratch_nn computes, only slower."""

import numpy as np
import pytest

import scratch_nn
from experiments import naive_loop
from experiments.settings import BASE


def twins(rng, sizes=(16, 6, 3), learning_rate=0.3):
    naive = naive_loop.NaiveMLP(sizes, learning_rate, seed=int(rng.integers(1000)))
    model = scratch_nn.Sequential([
        scratch_nn.Input((sizes[0],)),
        scratch_nn.layers.Dense(sizes[1], activation="relu"),
        scratch_nn.layers.Dense(sizes[2], activation="softmax"),
    ])
    model.compile(optimizer=scratch_nn.optimizers.SGD(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.set_weights([w.copy() for pair in zip(naive.kernels, naive.biases) for w in pair])
    return naive, model


def test_one_sgd_step_matches_scratch_nn(rng):
    naive, model = twins(rng)
    x = rng.normal(size=(8, 16)).astype("float32")
    y = rng.integers(0, 3, 8)
    loss_sum, _ = naive.train_batch(x, y)
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert loss_sum / 8 == pytest.approx(history.history["loss"][0], rel=1e-5)
    expected = [w for pair in zip(naive.kernels, naive.biases) for w in pair]
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_evaluate_matches_scratch_nn(rng):
    naive, model = twins(rng)
    x = rng.normal(size=(20, 16)).astype("float32")
    y = rng.integers(0, 3, 20)
    loss, accuracy = naive.evaluate(x, y)
    want_loss, want_accuracy = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(want_loss, rel=1e-5)
    assert accuracy == pytest.approx(want_accuracy)


def test_fit_calls_callbacks_and_holds_out_the_last_samples(rng):
    naive, _ = twins(rng)
    seen = []

    class Spy(naive_loop.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, sorted(logs)))
            self.model.stop_training = epoch == 1

    x = rng.normal(size=(10, 16)).astype("float32")
    naive.fit(x, rng.integers(0, 3, 10), batch_size=4, epochs=5, validation_split=0.2, callbacks=[Spy()])
    keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert seen == [(0, keys), (1, keys)], "validation logged, stopped after epoch 1"


def test_from_setting_refuses_what_it_cannot_train():
    plain = BASE.replace(optimizer=("SGD", {"learning_rate": 0.1}))
    assert naive_loop.from_setting(plain, 0).learning_rate == 0.1
    for unsupported in (BASE, plain.replace(dropout=0.2), plain.replace(activation="tanh"),
                        plain.replace(optimizer=("SGD", {"learning_rate": 0.1, "momentum": 0.9}))):
        with pytest.raises(ValueError, match="naive loop"):
            naive_loop.from_setting(unsupported, 0)
