"""The model as a stack of layers, through the public API: add, pop, nesting, freezing, weights, summary.

``keras/src/models/sequential.py`` as a Keras user sees it: what ``add``
accepts and refuses, ``pop``, a model nested in another, a model or a
layer frozen with ``trainable``, the weight lists and their checks, and
``summary``'s table. Expected values are written here (shapes, counts,
hand-computed outputs), never read back from the model under test. NumPy
only and small, so mutmut's first pass runs them.
"""

import numpy as np
import pytest

import scratch_nn as keras

X = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]], "float32")


def dense(units, value, **kwargs):
    return keras.layers.Dense(units, kernel_initializer=keras.initializers.Constant(value),
                              bias_initializer="zeros", **kwargs)


# -- add and pop -----------------------------------------------------------------
def test_add_refuses_a_second_input_the_model_itself_and_what_is_not_a_layer():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0)], name="net")
    with pytest.raises(ValueError, match=r"^Sequential\.add: an Input can only be the first element$"):
        model.add(keras.Input((2,)))
    with pytest.raises(ValueError, match=r"^Sequential\.add: model 'net' cannot contain itself$"):
        model.add(model)
    with pytest.raises(ValueError, match=r"^Sequential\.add: expected a layer, received 3$"):
        model.add(3)

    class ForwardOnly:
        def forward(self, x, training=False):
            return x

    with pytest.raises(ValueError, match=r"^Sequential\.add: expected a layer, received <"):
        model.add(ForwardOnly())
    assert len(model.layers) == 1


def test_layers_is_a_copy_without_the_input_and_input_shape_has_the_batch_axis():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0)])
    assert model.input_shape == (None, 3)
    model.layers.append("not a layer")
    assert len(model.layers) == 1
    assert keras.Sequential().input_shape is None


def test_a_first_layer_input_shape_builds_the_model():
    with pytest.warns(UserWarning):
        model = keras.Sequential([dense(2, 1.0, input_shape=(3,)), dense(1, 1.0)])
    assert model.built and model.input_shape == (None, 3)
    np.testing.assert_allclose(model.predict(X, verbose=0), [[4.0], [7.0]])


def test_adding_layers_one_by_one_builds_each_time():
    model = keras.Sequential()
    model.add(keras.Input((3,)))
    model.add(dense(2, 1.0))
    assert model.built and model.output_shape == (2,)
    model.add(dense(4, 0.5))
    assert model.output_shape == (4,) and [w.shape for w in model.weights] == [(3, 2), (2,), (2, 4), (4,)]


def test_pop_returns_the_last_layer_and_the_model_computes_without_it():
    first, second = dense(2, 1.0), dense(1, 3.0)
    model = keras.Sequential([keras.Input((3,)), first, second])
    assert model.pop() is second
    assert model.layers == [first] and model.output_shape == (2,)
    np.testing.assert_allclose(model.predict(X, verbose=0), [[2.0, 2.0], [3.5, 3.5]])
    assert model.count_params() == 8


def test_pop_without_rebuild_leaves_the_model_unbuilt_until_used():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0), dense(1, 3.0)])
    model.pop(rebuild=False)
    assert model.built is False
    np.testing.assert_allclose(model(X).numpy(), [[2.0, 2.0], [3.5, 3.5]])
    assert model.built


def test_pop_on_an_empty_model_names_it():
    with pytest.raises(ValueError, match=r"^Sequential\.pop: model 'empty' has no layers to remove$"):
        keras.Sequential(name="empty").pop()


def test_a_model_without_input_shape_says_how_to_give_one():
    model = keras.Sequential([dense(2, 1.0)])
    for name, call in [("summary", model.summary), ("count_params", model.count_params),
                       ("get_weights", model.get_weights), ("set_weights", lambda: model.set_weights([])),
                       ("compute_output_shape", lambda: model.compute_output_shape((3,)))]:
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value) == (f"{name}: the model has no input shape yet; start it with "
                                    "Input(shape), give the first layer input_shape=, or call "
                                    "fit/predict on data first")


def test_compute_output_shape_is_one_output_sample():
    model = keras.Sequential([keras.Input((3,)), dense(4, 1.0), dense(2, 1.0)])
    assert model.compute_output_shape((3,)) == (2,)


def test_layers_of_mixed_dtypes_are_refused_naming_each():
    with pytest.raises(ValueError) as error:
        keras.Sequential([keras.Input((3,)), dense(2, 1.0, dtype="float64", name="wide"),
                          dense(1, 1.0, name="narrow")])
    assert str(error.value) == ("Sequential: layers have mixed dtypes (wide: float64, narrow: float32); "
                                "use one float type")


def test_the_model_takes_its_layers_dtype():
    model = keras.Sequential([keras.Input((3,)), dense(1, 1.0, dtype="float64")])
    assert model.predict(X, verbose=0).dtype == np.float64
    assert model(X).numpy().dtype == np.float64


# -- nesting -----------------------------------------------------------------------
def test_a_nested_model_computes_what_its_layers_compute_inline_and_trains_with_them():
    inner = keras.Sequential([keras.Input((3,)), dense(2, 0.5), dense(2, -1.0)])
    outer = keras.Sequential([inner, dense(1, 2.0)])
    assert outer.input_shape == (None, 3) and outer.output_shape == (1,)
    # inner: x -> sum(x)/2 on both units -> -(sum(x)/2 * 2) on both -> outer: 2 * sum of both
    expected = -4.0 * X.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(outer.predict(X, verbose=0), expected, rtol=1e-6)
    assert outer.count_params() == 8 + 6 + 3 and len(outer.weights) == 6
    outer.compile(keras.optimizers.SGD(0.01), "mse")
    before = inner.get_weights()
    outer.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    assert not np.allclose(inner.get_weights()[0], before[0])


def test_a_nested_model_popped_without_rebuild_is_rebuilt_by_the_outer_model():
    inner = keras.Sequential([keras.Input((3,)), dense(2, 1.0), dense(1, 1.0)])
    inner.pop(rebuild=False)
    outer = keras.Sequential([inner])
    assert outer.output_shape == (2,)
    np.testing.assert_allclose(outer.predict(X, verbose=0), [[2.0, 2.0], [3.5, 3.5]])


def test_a_nested_model_is_rebuilt_for_the_shape_it_receives():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Flatten(), dense(1, 1.0)])
    outer = keras.Sequential([keras.Input((2, 2)), inner])
    assert inner.input_shape == (None, 2, 2)
    np.testing.assert_allclose(outer.predict(np.ones((1, 2, 2), "float32"), verbose=0), [[4.0]])


def test_a_nested_model_shown_by_summary_as_one_row(capsys):
    inner = keras.Sequential([keras.Input((3,)), dense(2, 0.5)], name="inner")
    keras.Sequential([inner, dense(1, 2.0, name="head")], name="outer").summary()
    out = capsys.readouterr().out
    assert "inner (Sequential)" in out and "head (Dense)" in out and "Total params: 11" in out


# -- trainable ---------------------------------------------------------------------
def test_a_model_built_frozen_freezes_every_layer_added():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0)], trainable=False)
    model.add(dense(1, 1.0))
    assert not model.trainable
    assert [layer.trainable for layer in model.layers] == [False, False]
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4


def test_setting_trainable_on_the_model_sets_every_layer_and_fit_then_moves_nothing():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0), dense(1, 1.0)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.trainable = False
    assert [layer.trainable for layer in model.layers] == [False, False]
    before = model.get_weights()
    model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    for kept, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(kept, now)
    model.trainable = True
    assert model.trainable and all(layer.trainable for layer in model.layers)
    model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    assert not np.allclose(before[0], model.get_weights()[0])


def test_a_layer_frozen_after_training_keeps_its_weights_while_the_others_train():
    frozen, trained = dense(2, 1.0), dense(1, 1.0)
    model = keras.Sequential([keras.Input((3,)), frozen, trained])
    model.compile(keras.optimizers.Adam(0.1), "mse")
    model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    frozen.trainable = False
    kept = frozen.get_weights()
    head = trained.get_weights()
    model.fit(X, np.zeros((2, 1), "float32"), epochs=2, verbose=0)
    for a, b in zip(kept, frozen.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(head[0], trained.get_weights()[0])
    assert [w.shape for w in model.trainable_weights] == [(2, 1), (1,)]


def test_a_frozen_first_layer_still_passes_the_gradient_to_nothing_but_the_later_layers_learn():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0, trainable=False), dense(1, 0.5)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    loss, grads = model.compute_loss_and_gradients(X, np.zeros((2, 1), "float32"))
    hidden = X.sum(axis=1, keepdims=True).repeat(2, axis=1)  # both units: sum(x)
    residual = hidden @ np.full((2, 1), 0.5)
    assert [g.shape for g in grads] == [(2, 1), (1,)]
    np.testing.assert_allclose(grads[0], 2 * hidden.T @ residual / 2, rtol=1e-6)
    assert loss == pytest.approx(float(np.mean(residual**2)), rel=1e-6)


# -- weights -----------------------------------------------------------------------
def test_set_weights_checks_count_and_each_shape_before_writing():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0), dense(1, 1.0)])
    with pytest.raises(ValueError, match=r"^set_weights: the model has 4 weight arrays, received 1$"):
        model.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"^set_weights: weight 2 has shape \(2, 1\), received \(1, 2\)$"):
        model.set_weights([np.zeros((3, 2)), np.zeros(2), np.zeros((1, 2)), np.zeros(1)])
    np.testing.assert_array_equal(model.get_weights()[0], np.ones((3, 2)))
    model.set_weights([np.full((3, 2), 2.0), np.ones(2), np.ones((2, 1)), [0.5]])
    # hidden: 2 sum(x) + 1 on both units; out: their sum + 0.5
    np.testing.assert_allclose(model.predict(X, verbose=0), [[10.5], [16.5]])


def test_get_weights_are_copies_and_weights_are_live():
    model = keras.Sequential([keras.Input((3,)), dense(1, 1.0)])
    copies = model.get_weights()
    copies[0][...] = 9.0
    assert np.all(model.weights[0] == 1.0)
    model.weights[0][...] = 2.0
    np.testing.assert_allclose(model.predict(X, verbose=0), [[4.0], [7.0]])


def test_weight_lists_follow_keras_order_with_moving_statistics_non_trainable():
    model = keras.Sequential([keras.Input((3,)), dense(2, 1.0), keras.layers.BatchNormalization()])
    assert [w.shape for w in model.weights] == [(3, 2), (2,), (2,), (2,), (2,), (2,)]
    assert [w.shape for w in model.trainable_weights] == [(3, 2), (2,), (2,), (2,)]
    assert [w.shape for w in model.non_trainable_weights] == [(2,), (2,)]
    assert model.count_params() == 8 + 4 * 2


def test_summary_prints_keras_table(capsys):
    model = keras.Sequential([keras.Input((3,)), dense(4, 1.0, name="hidden"),
                              dense(2, 1.0, name="out", trainable=False)], name="net")
    model.summary()
    rule = "-" * 39  # each column as wide as its widest cell plus 2: 16 + 14 + 9
    assert capsys.readouterr().out == (
        'Model: "net"\n'
        f"{rule}\n"
        "Layer (type)    Output Shape  Param #  \n"
        f"{'=' * 39}\n"
        "hidden (Dense)  (None, 4)     16       \n"
        f"{rule}\n"
        "out (Dense)     (None, 2)     10       \n"
        f"{rule}\n"
        "Total params: 26\n"
        "Trainable params: 16\n"
        "Non-trainable params: 10\n")
    lines = []
    keras.Sequential([keras.Input((300,)), dense(10, 1.0, name="big")]).summary(print_fn=lines.append)
    assert "3,010" in lines[0] and "Total params: 3,010" in lines[0]


def test_calling_the_model_builds_it_and_returns_a_tensor_in_its_dtype():
    model = keras.Sequential([dense(1, 1.0)])
    out = model(X.astype("float64"))
    assert model.built and model.input_shape == (None, 3)
    assert out.numpy().dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[2.0], [3.5]])


def test_calling_the_model_runs_inference_unless_training_is_asked():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dropout(0.5, seed=2)])
    x = np.ones((20, 3), "float32")
    np.testing.assert_array_equal(model(x).numpy(), x)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(model.forward(x), x)
    assert set(np.unique(model(x, training=True).numpy())) == {0.0, 2.0}


def test_save_weights_overwrites_by_default(tmp_path):
    model = keras.Sequential([keras.Input((3,)), dense(1, 1.0)])
    path = tmp_path / "model.weights.h5"
    model.save_weights(path)
    model.set_weights([np.full((3, 1), 2.0), [0.5]])
    model.save_weights(path)
    other = keras.Sequential([keras.Input((3,)), dense(1, 0.0)])
    other.load_weights(path)
    np.testing.assert_array_equal(other.get_weights()[0], np.full((3, 1), 2.0))
    model.set_weights([np.full((3, 1), 3.0), [0.5]])
    model.save_weights(path, overwrite=False)  # an existing file is kept
    other.load_weights(path)
    np.testing.assert_array_equal(other.get_weights()[0], np.full((3, 1), 2.0))


def test_save_overwrites_by_default_and_keeps_the_file_when_asked(tmp_path):
    model = keras.Sequential([keras.Input((3,)), dense(1, 1.0)])
    path = tmp_path / "model.keras"
    model.save(path)
    model.set_weights([np.full((3, 1), 2.0), [0.5]])
    model.save(path)
    np.testing.assert_array_equal(keras.saving.load_model(path).get_weights()[0], np.full((3, 1), 2.0))
    model.set_weights([np.full((3, 1), 3.0), [0.5]])
    model.save(path, overwrite=False)
    np.testing.assert_array_equal(keras.saving.load_model(path).get_weights()[0], np.full((3, 1), 2.0))


def test_fit_on_an_unbuilt_model_builds_from_the_data():
    model = keras.Sequential([dense(1, 0.0)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(X, np.ones((2, 1), "float32"), batch_size=2, verbose=0)
    # one step from zero weights: dL/dk = -2 * sum_i x_i / 2, so k = 0.1 * sum_i x_i
    np.testing.assert_allclose(model.get_weights()[0][:, 0], 0.1 * X.sum(axis=0), rtol=1e-6)


def test_a_layer_that_replaces_its_gradient_array_is_named_with_the_fix():
    class ReplacingDense(keras.layers.Dense):
        def backward(self, dout, need_input_grad=True):
            dx = super().backward(dout, need_input_grad)
            self.grads["kernel"] = self.grads["kernel"].copy()
            return dx

    model = keras.Sequential([keras.Input((3,)), ReplacingDense(1, name="replacer")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    with pytest.raises(RuntimeError) as error:
        model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    assert str(error.value) == (
        "Layer 'replacer' (ReplacingDense) replaced its grads['kernel'] array instead of writing "
        "into it. The model keeps all parameters and gradients in one flat buffer and each layer's "
        "arrays are views of it, so a replaced array is invisible to the optimizer and training "
        "would silently stop. Write in place: self.grads['kernel'][...] = value, or "
        "np.matmul(a, b, out=self.grads['kernel'])")


def test_backward_takes_the_gradient_of_the_output_and_returns_nothing_unless_asked():
    """y = sigmoid(x k): dL/dk = x^T (dout * y (1 - y)), dL/dx = (dout * y (1 - y)) k^T."""
    model = keras.Sequential([keras.Input((3,)), dense(1, 0.25, activation="sigmoid")])
    y = model.forward(X, training=True)
    dout = np.array([[1.0], [-2.0]], "float32")
    assert model.backward(dout) is None
    dz = dout * y * (1 - y)
    np.testing.assert_allclose(model.layers[0].grads["kernel"], X.T @ dz, rtol=1e-5)
    dx = model.backward(dout, need_input_grad=True)
    np.testing.assert_allclose(dx, dz @ np.full((1, 3), 0.25), rtol=1e-5)
    model.trainable = False  # nothing to differentiate: still nothing returned
    model.compile("sgd", "mse")
    model.compute_loss_and_gradients(X, np.zeros((2, 1), "float32"))
    assert model.backward(dout) is None


def test_compute_loss_and_gradients_runs_in_training_mode_by_default():
    """BatchNormalization's moving mean moves only in training: mean' = 0.99 * 0 + 0.01 * batch mean."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization()])
    model.compile("sgd", "mse")
    model.compute_loss_and_gradients(X, np.zeros((2, 3), "float32"))
    moving_mean = model.non_trainable_weights[0]
    np.testing.assert_allclose(moving_mean, 0.01 * X.mean(axis=0), rtol=1e-5)
    model.compute_loss_and_gradients(X, np.zeros((2, 3), "float32"), training=False)
    np.testing.assert_allclose(moving_mean, 0.01 * X.mean(axis=0), rtol=1e-5)


def test_an_unbuilt_model_given_no_batch_says_how_to_give_the_input_shape():
    model = keras.Sequential([dense(1, 1.0)])
    with pytest.raises(ValueError, match=r"^x: the model has no input shape yet; start it with Input\(shape\)"):
        model.predict(np.ones(3, "float32"), verbose=0)


def test_a_softmax_output_is_scored_from_its_logits_as_keras_does():
    """z = (0, 40), label 0: -log softmax(z)_0 = log(1 + e^40) = 40, where the clipped probability would give 16.1."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
        2, activation="softmax", kernel_initializer=keras.initializers.Constant([[0.0, 40.0]]),
        bias_initializer="zeros")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    assert model.evaluate(np.ones((1, 1), "float32"), np.array([0]), verbose=0) == pytest.approx(40.0, rel=1e-5)
    _, grads = model.compute_loss_and_gradients(np.ones((1, 1), "float32"), np.array([0]))
    np.testing.assert_allclose(grads[0], [[-1.0, 1.0]], atol=1e-6)  # softmax(z) - onehot


def test_weights_replaced_between_calls_are_taken_into_the_buffer():
    layer = dense(1, 1.0)
    model = keras.Sequential([keras.Input((3,)), layer])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    layer.params["kernel"] = np.full((3, 1), 2.0, "float32")
    model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], np.full((3, 1), 2.0))
    np.testing.assert_allclose(model.predict(X, verbose=0), 2 * X.sum(axis=1, keepdims=True))


def test_metrics_compiled_before_the_model_is_built_are_logged():
    model = keras.Sequential([dense(1, 1.0)])
    model.compile(keras.optimizers.SGD(0.0), "mse", metrics=["mae"])
    history = model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    assert history.history["mae"] == [pytest.approx(float(np.mean(X.sum(axis=1))), rel=1e-6)]


def test_a_repack_of_the_same_layout_keeps_the_optimizer_state():
    """Adam's moments live with the flat buffer: a layer whose arrays were replaced between calls
    is packed into the same buffer again, so its second step equals that of an untouched twin."""
    y = np.array([[1.0], [-1.0]], "float32")
    models = []
    for _ in range(2):
        model = keras.Sequential([keras.Input((3,)), dense(2, 0.5), dense(1, 0.5)])
        model.compile(keras.optimizers.Adam(0.1), "mse")
        model.fit(X, y, verbose=0)
        models.append(model)
    replaced = models[1].layers[0]
    replaced.params["kernel"] = replaced.params["kernel"].copy()
    for model in models:
        model.fit(X, y, verbose=0)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_frozen_layer_after_a_trained_one_passes_the_gradient_back_and_keeps_its_weights():
    """Its penalty still counts in the loss, as Keras counts every layer's regularization loss."""
    model = keras.Sequential([keras.Input((3,)), dense(2, 0.5), dense(
        1, 0.5, trainable=False, kernel_regularizer=keras.regularizers.L2(0.1))])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    history = model.fit(X, np.zeros((2, 1), "float32"), batch_size=2, verbose=0)
    # y = 0.5 (h1 + h2), h = 0.5 sum(x) on both units: dL/dW1 = x^T (dL/dy * 0.5) on each unit
    y = 0.5 * X.sum(axis=1, keepdims=True)
    assert history.history["loss"] == [pytest.approx(float(np.mean(y**2)) + 0.1 * 2 * 0.25, rel=1e-6)]
    dy = 2 * y / 2
    np.testing.assert_allclose(model.get_weights()[0], 0.5 - 0.1 * X.T @ (0.5 * dy) @ np.ones((1, 2)),
                               rtol=1e-5)
    np.testing.assert_array_equal(model.get_weights()[2], np.full((2, 1), 0.5))


def test_a_new_model_is_unbuilt_uncompiled_and_named_sequential():
    model = keras.Sequential()
    assert model.name == "sequential" and keras.Sequential([], name="net").name == "net"
    assert model.built is False and model.compiled is False
    assert model.loss is None and model.optimizer is None and model.history is None
    assert keras.Sequential([dense(1, 1.0)]).built is False  # layers, but no input shape yet
    model = keras.Sequential([keras.Input((3,)), dense(1, 1.0)])
    model.compile("sgd", "mse")
    assert model.compiled is True and model.stop_training is False
    history = model.fit(X, np.zeros((2, 1), "float32"), verbose=0)
    assert model.history is history  # as keras/src/callbacks/history.py sets it
