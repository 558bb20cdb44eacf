"""The training loop: validation split, shuffling, seeding, metrics, weights, verbose output."""

import subprocess
import sys

import numpy as np
import pytest

import scratch_nn as keras
from scratch_nn.layers import BatchNormalization, Dense, Dropout, Flatten


def small_model(dtype=None, n_in=4, classes=3):
    model = keras.Sequential([keras.Input((n_in,)), Dense(5, activation="relu", dtype=dtype),
                              Dense(classes, activation="softmax", dtype=dtype)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def toy_data(n=40, n_in=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n_in)), rng.integers(0, classes, n)


def batches_seen(model, x, **fit_kwargs):
    """Which rows of ``x`` each training step used (by spying on the first layer)."""
    first = model.layers[0]
    original = first.forward
    seen = []

    def spy(inputs, training=False):
        if training:
            seen.append(inputs[:, 0].copy())
        return original(inputs, training)

    first.forward = spy
    model.fit(x, np.zeros(len(x), dtype=int), verbose=0, **fit_kwargs)
    first.forward = original
    return seen


def test_validation_split_holds_out_the_last_fraction_before_shuffling():
    x = np.arange(10, dtype=float)[:, None] * np.ones((1, 4))
    model = small_model()
    seen = batches_seen(model, x, epochs=2, batch_size=3, validation_split=0.3)
    trained = np.concatenate(seen)
    # floor(10 * 0.7) = 7 training rows: 0..6, each once per epoch, shuffled
    assert sorted(trained.tolist()) == sorted(list(range(7)) * 2)
    assert [len(b) for b in seen] == [3, 3, 1, 3, 3, 1]


def test_each_epoch_walks_a_new_permutation_and_shuffle_false_keeps_order():
    x = np.arange(32, dtype=float)[:, None] * np.ones((1, 4))
    keras.utils.set_random_seed(3)
    seen = batches_seen(small_model(), x, epochs=2, batch_size=32)
    assert sorted(seen[0]) == list(range(32)) and sorted(seen[1]) == list(range(32))
    assert not np.array_equal(seen[0], seen[1])
    seen = batches_seen(small_model(), x, epochs=2, batch_size=10, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(seen), np.tile(np.arange(32), 2))


def seeded_run(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), Dense(8, activation="relu"), Dropout(0.3),
                              Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = toy_data()
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    return model.get_weights(), history.history


def test_one_seed_repeats_a_run_bit_for_bit():
    w1, h1 = seeded_run(7)
    w2, h2 = seeded_run(7)
    w3, _ = seeded_run(8)
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert h1 == h2
    assert not all(np.array_equal(a, b) for a, b in zip(w1, w3))


def test_history_holds_epoch_means_and_validation_metrics():
    x, y = toy_data()
    model = small_model()
    history = model.fit(x, y, epochs=2, batch_size=16, validation_data=(x[:10], y[:10]), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1] and model.history is history
    # val_* equal evaluate() on the same data with the final weights of epoch 2
    loss, acc = model.evaluate(x[:10], y[:10], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)
    assert history.history["val_accuracy"][-1] == pytest.approx(acc)


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    x, y = toy_data(n=10)
    model = small_model()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    # with a zero learning rate every batch sees the same weights: the weighted mean of
    # batches of 4, 4 and 2 equals the loss over all 10 samples
    assert history.history["loss"][0] == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_regularization_is_added_to_the_reported_loss():
    """``loss = data loss + R(kernel) + R(bias)``, here ``0.5 sum(kernel**2) + 0.25 sum|bias|``."""
    x, y = toy_data()
    model = keras.Sequential([keras.Input((4,)), Dense(3, activation="softmax", bias_initializer="ones",
                                                        kernel_regularizer=keras.regularizers.l2(0.5),
                                                        bias_regularizer=keras.regularizers.l1(0.25))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    data_loss = keras.losses.SparseCategoricalCrossentropy()(y, model.predict(x, verbose=0))
    kernel, bias = model.get_weights()
    penalty = 0.5 * np.sum(kernel ** 2) + 0.25 * np.sum(np.abs(bias))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(data_loss + penalty, rel=1e-5)


def test_kernel_and_bias_constraints_hold_after_every_step():
    """NonNeg on the kernel and MaxNorm(0.1) on the bias: an unconstrained fit breaks both."""
    x, y = toy_data()

    def fitted(**constraints):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), Dense(3, activation="softmax", **constraints)])
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return model.get_weights()

    kernel, bias = fitted()
    assert kernel.min() < 0 and np.linalg.norm(bias) > 0.1, "the constraints below would be vacuous"
    kernel, bias = fitted(kernel_constraint=keras.constraints.NonNeg(),
                          bias_constraint=keras.constraints.MaxNorm(0.1, axis=0))
    assert kernel.min() >= 0, f"NonNeg kernel after fit: min {kernel.min()}"
    assert np.linalg.norm(bias) <= 0.1 + 1e-6, f"MaxNorm(0.1) bias after fit: norm {np.linalg.norm(bias)}"


def test_predict_evaluate_shapes_and_return_dict():
    x, y = toy_data()
    model = small_model()
    assert model.predict(x, batch_size=7, verbose=0).shape == (40, 3)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_float32_by_default_and_float64_on_request():
    x, y = toy_data()
    model = small_model()
    model.fit(x, y, verbose=0)
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.predict(x, verbose=0).dtype == np.float32
    keras.utils.set_floatx("float64")
    model64 = small_model()
    model64.fit(x, y, verbose=0)
    assert all(w.dtype == np.float64 for w in model64.get_weights())
    with pytest.raises(ValueError, match="mixed dtypes"):
        keras.Sequential([keras.Input((4,)), Dense(2, dtype="float32"), Dense(2, dtype="float64")])


def test_weights_round_trip_through_set_weights_and_npz(tmp_path):
    model = keras.Sequential([keras.Input((4,)), Dense(6, use_bias=False), BatchNormalization(),
                              Dense(3, activation="softmax")])
    shapes = [w.shape for w in model.get_weights()]
    # Keras's order: kernel; gamma, beta, moving_mean, moving_variance; kernel, bias
    assert shapes == [(4, 6), (6,), (6,), (6,), (6,), (6, 3), (3,)]
    np.testing.assert_array_equal(model.get_weights()[4], np.ones(6))  # moving variance at 1
    new = [np.random.default_rng(i).standard_normal(s) for i, s in enumerate(shapes)]
    model.set_weights(new)
    path = tmp_path / "w.npz"
    model.save_weights(path)
    other = keras.Sequential([keras.Input((4,)), Dense(6, use_bias=False), BatchNormalization(),
                              Dense(3, activation="softmax")])
    other.load_weights(path)
    for a, b in zip(other.get_weights(), new):
        np.testing.assert_allclose(a, b.astype(np.float32))
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary left behind


def test_flat_buffer_views_survive_set_weights_and_training():
    x, y = toy_data()
    model = small_model()
    kernel = model.layers[0].params["kernel"]
    model.set_weights(model.get_weights())
    model.fit(x, y, verbose=0)
    assert model.layers[0].params["kernel"] is kernel
    assert np.shares_memory(kernel, model._flat_params)


def test_summary_lists_layers_and_counts(capsys):
    model = keras.Sequential([Flatten(input_shape=(28, 28)), Dense(128, activation="relu"),
                              Dropout(0.2), Dense(10, activation="softmax")])
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 784)" in out and "100,480" in out and "Total params: 101,770" in out


def test_verbose_modes_print_like_keras(capsys):
    x, y = toy_data()
    model = small_model()
    model.fit(x, y, epochs=1, batch_size=8, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/1\n5/5 - ")
    assert "/step - accuracy: " in out and " - loss: " in out
    model.fit(x, y, epochs=1, batch_size=8, verbose=1)
    out = capsys.readouterr().out
    assert "\r5/5 \u2501" in out
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_keras_strings_compile():
    x, y = toy_data()
    for optimizer in ("sgd", "adam", "rmsprop"):
        model = small_model()
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(x, y, verbose=0)
    model = small_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, keras.utils.to_categorical(y, 3), verbose=0)
    assert 0 <= history.history["accuracy"][0] <= 1
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, keras.utils.to_categorical(y, 3), verbose=0)


def test_normalize_is_l2_along_the_axis():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=1), [[0.6, 0.8], [0.0, 0.0]])
    images = np.random.default_rng(0).integers(0, 256, (2, 28, 28))
    out = keras.utils.normalize(images, axis=1)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1)[images.sum(axis=1) > 0], 1.0)
    assert out.max() <= 1.0 and out.max() > 0.2  # not a division by 255


def test_importing_scratch_nn_imports_neither_tensorflow_nor_matplotlib():
    code = ("import sys, scratch_nn, scratch_nn.datasets.mnist, scratch_nn.gradcheck;"
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.mnist
def test_mnist_784_128_10_adam_reaches_95_percent_in_one_epoch(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    keras.utils.set_random_seed(0)
    model = keras.Sequential([Flatten(input_shape=(28, 28)), Dense(128, activation="relu"),
                              Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train / 255.0, y_train, epochs=1, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test / 255.0, y_test, verbose=0)
    assert accuracy >= 0.95


def test_normalize_axis_0_normalizes_columns():
    x = np.array([[3.0, 1.0, 0.0], [4.0, 0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0),
                               [[0.6, 1.0, 0.0], [0.8, 0.0, 0.0]])
