"""compile / fit / evaluate / predict through the public API: arguments, weights, hooks and logs.

The trainer of ``keras/src/trainers/trainer.py`` as a Keras user sees it.
Most tests train with ``SGD(learning_rate=0)`` (or read the first batch
only), so the weights stay at the values the test set and every expected
loss is computed here with NumPy from those weights, independently of
scratch_nn's loss code. Hooks are recorded by a callback that logs each
call. NumPy only and small, so mutmut's first pass runs them.
"""

import re

import numpy as np
import pytest

import scratch_nn as keras

X = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0], [3.0, 1.0], [0.0, -0.5]], "float32")
Y = np.array([[1.0], [0.0], [-1.0], [2.0], [0.5]], "float32")
KERNEL = np.array([[0.5], [-0.25]], "float32")
BIAS = np.array([0.1], "float32")


def linear_model(learning_rate=0.0, **compile_args):
    """Dense(1) with the test's weights, mse, SGD: with learning rate 0 the weights never move."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([KERNEL, BIAS])
    model.compile(keras.optimizers.SGD(learning_rate), "mse", **compile_args)
    return model


def squared_errors(x, y):
    return ((x @ KERNEL + BIAS - y) ** 2)[:, 0].astype("float64")


class Recorder(keras.callbacks.Callback):
    """Logs every hook it gets, with the index and a copy of the logs."""

    def __init__(self, stop_at=None):
        super().__init__()
        self.calls = []
        self.stop_at = stop_at

    def _log(self, name, *args):
        self.calls.append((name, *[dict(a) if isinstance(a, dict) else a for a in args]))

    def on_train_begin(self, logs=None):
        self._log("train_begin", logs)

    def on_train_end(self, logs=None):
        self._log("train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._log("epoch_begin", epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._log("epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._log("train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._log("train_batch_end", batch, logs)
        if self.stop_at == ("batch", batch):
            self.model.stop_training = True

    def on_test_begin(self, logs=None):
        self._log("test_begin")

    def on_test_end(self, logs=None):
        self._log("test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._log("test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._log("test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        self._log("predict_begin")

    def on_predict_end(self, logs=None):
        self._log("predict_end")

    def on_predict_batch_begin(self, batch, logs=None):
        self._log("predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict_batch_end", batch, logs["outputs"].copy()))

    def names(self):
        return [call[0] for call in self.calls]


# -- compile -------------------------------------------------------------------
def test_compile_needs_a_loss_and_defaults_to_rmsprop():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"^compile: loss is required, e\.g\. "
                                         r"loss='sparse_categorical_crossentropy'$"):
        model.compile()
    model.compile(loss="mse")
    assert type(model.optimizer).__name__ == "RMSprop"


def test_compile_refuses_a_loss_whose_reduction_is_not_the_batch_mean():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(NotImplementedError) as error:
        model.compile("sgd", keras.losses.MeanSquaredError(reduction="sum"))
    assert str(error.value) == (
        "compile: MeanSquaredError(reduction='sum') cannot be trained on by scratch_nn; its "
        "gradients are those of the batch mean (reduction='sum_over_batch_size'); the reduction "
        "applies when the loss is called directly")


def test_fit_evaluate_and_compute_loss_need_compile_first():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    for name, call in [("fit", lambda: model.fit(X, Y, verbose=0)),
                       ("evaluate", lambda: model.evaluate(X, Y, verbose=0)),
                       ("compute_loss_and_gradients", lambda: model.compute_loss_and_gradients(X, Y))]:
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value) == (f"You must call `compile()` before using the model: {name}() needs "
                                    "the loss and optimizer that compile() sets")


@pytest.mark.parametrize("metrics", ["mae", ["mae"], keras.metrics.mean_absolute_error])
def test_a_metric_given_alone_or_in_a_list_is_logged(metrics):
    model = linear_model(metrics=metrics)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    expected = np.mean(np.abs(X @ KERNEL + BIAS - Y))
    name = "mae" if metrics != keras.metrics.mean_absolute_error else "mean_absolute_error"
    assert logs[name] == pytest.approx(expected, rel=1e-6)


def test_compile_fails_early_on_an_unknown_metric_name():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="no_such_metric"):
        model.compile("sgd", "mse", metrics=["no_such_metric"])


# -- fit: arguments ------------------------------------------------------------
@pytest.mark.parametrize("epochs", [-1, 1.5, True, "2", None])
def test_fit_refuses_epochs_that_are_not_a_count(epochs):
    with pytest.raises(ValueError) as error:
        linear_model().fit(X, Y, epochs=epochs, verbose=0)
    assert str(error.value) == f"epochs must be an integer >= 0, received {epochs!r}"


def test_fit_takes_a_numpy_integer_epoch_count_and_zero_epochs_trains_nothing():
    model = linear_model(learning_rate=0.1)
    history = model.fit(X, Y, epochs=0, verbose=0)
    assert history.history == {} and history.epoch == []
    np.testing.assert_array_equal(model.get_weights()[0], KERNEL)
    assert len(model.fit(X, Y, epochs=np.int64(2), verbose=0).history["loss"]) == 2


def test_fit_refuses_class_and_sample_weights_together_and_needs_y():
    model = linear_model()
    with pytest.raises(ValueError, match=r"^You cannot `class_weight` and `sample_weight` at the same time\.$"):
        model.fit(X, Y, class_weight={0: 1.0}, sample_weight=np.ones(5), verbose=0)
    with pytest.raises(ValueError, match=r"^fit: y is required$"):
        model.fit(X, verbose=0)
    with pytest.raises(ValueError, match=r"^evaluate: y is required$"):
        model.evaluate(X, verbose=0)


@pytest.mark.parametrize(("validation_data", "described"), [
    ((X,), "tuple of length 1"), ([X, Y, None, None], "list of length 4"), (X, "ndarray")])
def test_fit_refuses_validation_data_of_the_wrong_form(validation_data, described):
    with pytest.raises(ValueError) as error:
        linear_model().fit(X, Y, validation_data=validation_data, verbose=0)
    assert str(error.value) == ("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                                f"val_sample_weight), received {described}")


def test_validation_data_is_checked_under_its_own_name():
    with pytest.raises(ValueError, match=r"validation_data\[0\]"):
        linear_model().fit(X, Y, validation_data=(np.ones((5, 3)), Y), verbose=0)
    with pytest.raises(ValueError, match=r"^validation_data\[1\] has shape \(5, 3\)"):
        linear_model().fit(X, Y, validation_data=(X, np.ones((5, 3))), verbose=0)
    with pytest.raises(ValueError, match=r"^validation_data\[2\] must hold one weight per sample, "
                                         r"shape \(3,\), received shape \(2,\)$"):
        linear_model().fit(X, Y, validation_data=(X[:3], Y[:3], np.ones(2)), verbose=0)


@pytest.mark.parametrize("verbose", [3, -1, "loud", None])
def test_verbose_must_be_0_1_2_or_auto(verbose):
    expected = f"verbose must be 0, 1, 2 or 'auto', received {verbose!r}"
    for call in (lambda m: m.fit(X, Y, verbose=verbose), lambda m: m.evaluate(X, Y, verbose=verbose),
                 lambda m: m.predict(X, verbose=verbose)):
        with pytest.raises(ValueError) as error:
            call(linear_model())
        assert str(error.value) == expected


@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_steps_is_refused_by_evaluate_and_predict(method):
    model = linear_model()
    args = (X, Y) if method == "evaluate" else (X,)
    with pytest.raises(ValueError) as error:
        getattr(model, method)(*args, steps=2, verbose=0)
    assert str(error.value) == (f"{method}: steps= is not supported by scratch_nn (arrays are walked "
                                "whole); received steps=2")


# -- fit: the loss, the weights and the logs -----------------------------------
def test_epoch_loss_and_batch_logs_are_running_means_weighted_by_batch_size():
    recorder = Recorder()
    history = linear_model().fit(X, Y, batch_size=2, shuffle=False, verbose=0, callbacks=[recorder])
    errors = squared_errors(X, Y)
    batch_ends = [call for call in recorder.calls if call[0] == "train_batch_end"]
    assert [call[1] for call in batch_ends] == [0, 1, 2]
    assert [call[1:] for call in recorder.calls if call[0] == "train_batch_begin"] == [
        (0, {}), (1, {}), (2, {})]
    for k, (_, _, logs) in enumerate(batch_ends):
        seen = errors[:min(2 * (k + 1), 5)]
        assert logs == {"loss": pytest.approx(seen.mean(), rel=1e-6)}
    assert history.history["loss"] == [pytest.approx(errors.mean(), rel=1e-6)]


def test_sample_weights_scale_each_sample_loss_over_the_batch_size():
    weights = np.array([1.0, 0.0, 2.0, 0.5, 3.0], "float32")
    model = linear_model()
    history = model.fit(X, Y, sample_weight=weights, batch_size=5, verbose=0)
    expected = np.sum(weights * squared_errors(X, Y)) / 5
    assert history.history["loss"] == [pytest.approx(expected, rel=1e-6)]
    assert model.evaluate(X, Y, sample_weight=weights, verbose=0) == pytest.approx(expected, rel=1e-6)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(squared_errors(X, Y).mean(), rel=1e-6)


def test_sample_weights_scale_each_sample_gradient():
    """One SGD step: dL/dk = sum_i w_i 2 (y_pred_i - y_i) x_i / n, dL/db the same without x_i."""
    weights = np.array([1.0, 0.0, 2.0, 0.5, 3.0], "float32")
    model = linear_model(learning_rate=0.1)
    model.fit(X, Y, sample_weight=weights, batch_size=5, shuffle=False, verbose=0)
    residual = (X @ KERNEL + BIAS - Y)[:, 0] * weights
    np.testing.assert_allclose(model.get_weights()[0][:, 0], KERNEL[:, 0] - 0.1 * 2 * X.T @ residual / 5,
                               rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[1], BIAS - 0.1 * 2 * residual.sum() / 5, rtol=1e-5)


def test_class_weights_weigh_each_sample_by_its_class_and_unlisted_classes_by_one():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    kernel = np.array([[0.2, -0.1, 0.4], [0.3, 0.1, -0.2]], "float32")
    model.set_weights([kernel, np.zeros(3, "float32")])
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    labels = np.array([0, 1, 2, 1, 0])
    history = model.fit(X, labels, class_weight={0: 2.0, 2: 0.5}, batch_size=5, verbose=0)
    logits = X.astype("float64") @ kernel
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    per_sample = -log_probs[np.arange(5), labels]
    weights = np.array([2.0, 1.0, 0.5, 1.0, 2.0])
    assert history.history["loss"] == [pytest.approx(np.sum(weights * per_sample) / 5, rel=1e-5)]


def test_validation_split_holds_out_the_last_rows_with_their_sample_weights():
    weights = np.array([1.0, 2.0, 3.0, 0.5, 4.0], "float32")
    history = linear_model().fit(X, Y, sample_weight=weights, validation_split=0.4, batch_size=5,
                                 verbose=0)
    errors = squared_errors(X, Y)
    assert history.history["loss"] == [pytest.approx(np.sum(weights[:3] * errors[:3]) / 3, rel=1e-6)]
    assert history.history["val_loss"] == [pytest.approx(np.sum(weights[3:] * errors[3:]) / 2, rel=1e-6)]


def test_validation_data_with_weights_wins_over_validation_split():
    x_val, y_val, w_val = X[:3] * 2, Y[:3], np.array([3.0, 1.0, 0.5])  # 3 samples of 2 features
    history = linear_model().fit(X, Y, validation_data=(x_val, y_val, w_val),
                                 validation_split=0.4, batch_size=5, verbose=0)
    assert history.history["loss"] == [pytest.approx(squared_errors(X, Y).mean(), rel=1e-6)]
    expected = np.sum(w_val * squared_errors(x_val, y_val)) / 3
    assert history.history["val_loss"] == [pytest.approx(expected, rel=1e-6)]


def test_hooks_run_in_keras_order_with_validation_before_the_epoch_end():
    recorder = Recorder()
    linear_model().fit(X, Y, batch_size=3, epochs=2, validation_data=(X[:2], Y[:2]), verbose=0,
                       callbacks=[recorder])
    epoch = ["epoch_begin", "train_batch_begin", "train_batch_end", "train_batch_begin",
             "train_batch_end", "test_begin", "test_batch_begin", "test_batch_end", "test_end",
             "epoch_end"]
    assert recorder.names() == ["train_begin", *epoch, *epoch, "train_end"]
    val_loss = squared_errors(X[:2], Y[:2]).mean()
    epoch_end = [call for call in recorder.calls if call[0] == "epoch_end"]
    assert [call[1] for call in epoch_end] == [0, 1]
    assert epoch_end[0][2] == {"loss": pytest.approx(squared_errors(X, Y).mean(), rel=1e-6),
                               "val_loss": pytest.approx(val_loss, rel=1e-6)}
    assert recorder.calls[-1] == ("train_end", epoch_end[-1][2])
    test_end = [call for call in recorder.calls if call[0] == "test_end"]
    assert test_end[0][1] == {"loss": pytest.approx(val_loss, rel=1e-6)}


def test_initial_epoch_numbers_the_epochs_it_runs():
    recorder = Recorder()
    history = linear_model().fit(X, Y, epochs=3, initial_epoch=1, verbose=0, callbacks=[recorder])
    assert [call[1] for call in recorder.calls if call[0] == "epoch_begin"] == [1, 2]
    assert history.epoch == [1, 2] and len(history.history["loss"]) == 2


def test_stop_training_from_a_batch_hook_ends_the_epoch_after_that_batch_and_the_training():
    recorder = Recorder(stop_at=("batch", 1))
    model = linear_model()
    history = model.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[recorder])
    assert [call[1] for call in recorder.calls if call[0] == "train_batch_end"] == [0, 1]
    assert history.epoch == [0]
    assert history.history["loss"] == [pytest.approx(squared_errors(X[:4], Y[:4]).mean(), rel=1e-6)]
    # the flag is reset by the next fit
    assert model.stop_training is True
    again = model.fit(X, Y, batch_size=5, epochs=2, verbose=0)
    assert again.epoch == [0, 1] and model.stop_training is False


def test_a_model_that_stops_on_epoch_end_runs_no_further_epoch():
    class StopAfterFirst(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    history = linear_model().fit(X, Y, epochs=4, verbose=0, callbacks=[StopAfterFirst()])
    assert history.epoch == [0]


def test_fit_prints_one_line_per_epoch_with_verbose_2(capsys):
    linear_model().fit(X, Y, epochs=2, batch_size=5, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/2\n") and "Epoch 2/2\n" in out
    assert out.count("loss: ") == 2


def test_evaluate_verbose_2_prints_one_final_line_and_predict_auto_prints_nothing(capsys):
    linear_model().evaluate(X, Y, batch_size=2, verbose=2)
    assert re.fullmatch(r"3/3 - \d+s - \d+\w+/step - loss: \d\.\d{4}\n", capsys.readouterr().out)
    model = linear_model()
    np.testing.assert_allclose(model.predict(X), X @ KERNEL + BIAS, rtol=1e-6)
    assert capsys.readouterr().out == ""


def test_evaluate_and_predict_give_callbacks_the_model_and_keras_params():
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen.append((self.model, self.params))

        def on_predict_begin(self, logs=None):
            seen.append((self.model, self.params))

    model = linear_model()
    model.evaluate(X, Y, batch_size=2, verbose=0, callbacks=[Spy()])
    model.predict(np.tile(X, (2, 1)), batch_size=4, verbose=0, callbacks=[Spy()])
    assert seen == [(model, {"epochs": 1, "verbose": 0, "steps": 3}),
                    (model, {"epochs": 1, "verbose": 0, "steps": 3})]


def test_sample_weights_on_a_sigmoid_output_weigh_the_probability_loss():
    """Binary cross-entropy on probabilities: l_i = -(y log p + (1 - y) log(1 - p)), weighted."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([KERNEL, BIAS])
    model.compile(keras.optimizers.SGD(0.0), "binary_crossentropy")
    labels = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]], "float32")
    weights = np.array([1.0, 2.0, 0.5, 0.0, 3.0])
    p = 1 / (1 + np.exp(-(X.astype("float64") @ KERNEL + BIAS)))
    per_sample = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))[:, 0]
    loss = model.evaluate(X, labels, sample_weight=weights, verbose=0)
    assert loss == pytest.approx(np.sum(weights * per_sample) / 5, rel=1e-5)


def test_fit_draws_the_first_step_with_its_logs_then_the_final_line(capsys):
    """The first step is always drawn (later ones at most every 0.05 s), with the running loss."""
    linear_model().fit(X, Y, batch_size=2, shuffle=False, verbose=1)
    segments = capsys.readouterr().out.split("\r")
    assert segments[0] == "Epoch 1/1\n"
    first = re.escape("1/3 " + "━" * 6 + " " * 15)
    loss = f"{squared_errors(X[:2], Y[:2]).mean():.4f}"
    assert re.fullmatch(rf"{first}\d+s \d+\w+/step - loss: {loss}", segments[1])
    last = re.escape("3/3 " + "━" * 20 + " ")
    loss = f"{squared_errors(X, Y).mean():.4f}"
    assert re.fullmatch(rf"{last}\d+s \d+\w+/step - loss: {loss}\n", segments[-1])


def test_fit_and_evaluate_verbose_auto_draws_a_progress_bar(capsys):
    model = linear_model()
    model.fit(X, Y, epochs=1, batch_size=5)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "1/1 ━━━━" in out
    model.evaluate(X, Y)
    out = capsys.readouterr().out
    assert "1/1 ━━━━" in out and "loss: " in out
    model.evaluate(X, Y, verbose=0)
    assert capsys.readouterr().out == ""


# -- evaluate and predict --------------------------------------------------------
def test_evaluate_returns_the_loss_alone_a_list_or_a_dict():
    errors = squared_errors(X, Y)
    mae = np.mean(np.abs(X @ KERNEL + BIAS - Y))
    assert linear_model().evaluate(X, Y, verbose=0) == pytest.approx(errors.mean(), rel=1e-6)
    values = linear_model(metrics=["mae"]).evaluate(X, Y, batch_size=2, verbose=0)
    assert values == [pytest.approx(errors.mean(), rel=1e-6), pytest.approx(mae, rel=1e-6)]
    logs = linear_model(metrics=["mae"]).evaluate(X, Y, verbose=0, return_dict=True)
    assert logs == {"loss": pytest.approx(errors.mean(), rel=1e-6), "mae": pytest.approx(mae, rel=1e-6)}


def test_evaluate_adds_the_regularization_penalty_and_runs_test_hooks():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.5))])
    model.set_weights([KERNEL, BIAS])
    model.compile("sgd", "mse")
    recorder = Recorder()
    loss = model.evaluate(X, Y, batch_size=2, verbose=0, callbacks=[recorder])
    assert loss == pytest.approx(squared_errors(X, Y).mean() + 0.5 * np.sum(KERNEL**2), rel=1e-6)
    assert recorder.names() == ["test_begin", *["test_batch_begin", "test_batch_end"] * 3, "test_end"]
    assert [call[1] for call in recorder.calls if call[0] == "test_batch_end"] == [0, 1, 2]
    assert [call[1:] for call in recorder.calls if call[0] == "test_batch_begin"] == [
        (0, {}), (1, {}), (2, {})]
    errors = squared_errors(X, Y)
    penalty = 0.5 * np.sum(KERNEL**2)
    running = [call[2] for call in recorder.calls if call[0] == "test_batch_end"]
    assert running == [{"loss": pytest.approx(errors[:k].mean() + penalty, rel=1e-6)} for k in (2, 4, 5)]


def test_predict_fills_batches_in_order_and_hands_each_to_the_hooks():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([KERNEL, BIAS])
    recorder = Recorder()
    out = model.predict(X, batch_size=2, verbose=0, callbacks=[recorder])
    expected = X @ KERNEL + BIAS
    assert out.shape == (5, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert recorder.names() == ["predict_begin", *["predict_batch_begin", "predict_batch_end"] * 3,
                                "predict_end"]
    assert [call[1:] for call in recorder.calls if call[0] == "predict_batch_begin"] == [
        (0, {}), (1, {}), (2, {})]
    batches = [call for call in recorder.calls if call[0] == "predict_batch_end"]
    assert [call[1] for call in batches] == [0, 1, 2]
    for k, (_, _, outputs) in enumerate(batches):
        np.testing.assert_allclose(outputs, expected[2 * k:2 * k + 2], rtol=1e-6)


def test_predict_with_the_default_batch_size_covers_more_than_one_batch():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([KERNEL, BIAS])
    x = np.tile(X, (8, 1))  # 40 samples: batches of 32 and 8
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ KERNEL + BIAS, rtol=1e-6)


def test_compute_loss_and_gradients_changes_no_weight():
    model = linear_model(learning_rate=0.1)
    loss, grads, dx = model.compute_loss_and_gradients(X, Y, need_input_grad=True)
    residual = (X @ KERNEL + BIAS - Y).astype("float64")
    assert loss == pytest.approx(squared_errors(X, Y).mean(), rel=1e-6)
    np.testing.assert_allclose(grads[0], 2 * X.T @ residual / 5, rtol=1e-5)
    np.testing.assert_allclose(grads[1], 2 * residual.sum(axis=0) / 5, rtol=1e-5)
    np.testing.assert_allclose(dx, 2 * residual @ KERNEL.T / 5, rtol=1e-5)
    assert len(model.compute_loss_and_gradients(X, Y)) == 2
    np.testing.assert_array_equal(model.get_weights()[0], KERNEL)


def test_weight_decay_skips_the_weights_excluded_by_name_in_fit():
    """Keras decays ``v -= v * weight_decay * lr`` before the step; with y = y_pred the step is zero."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([KERNEL, BIAS])
    optimizer = keras.optimizers.SGD(0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    model.compile(optimizer, "mse")
    y_exact = model.predict(X, verbose=0)
    model.fit(X, y_exact, batch_size=5, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], KERNEL * (1 - 0.1 * 0.5), rtol=1e-6)
    np.testing.assert_array_equal(model.get_weights()[1], BIAS)
