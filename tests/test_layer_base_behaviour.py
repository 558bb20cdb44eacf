"""The Layer base class through the public API: names, arguments, weights, calls and a subclass's ``call``.

Each test states a behaviour of ``keras.layers.Layer``
(``keras/src/layers/layer.py``) that a Keras user meets: the layer's
default name, the ``input_shape``/``input_dim`` shortcut, the refusal of
unknown arguments, where ``add_weight`` puts a weight, ``set_weights``'
checks, the first call building the layer, the input check of a built
layer, and a subclass that overrides ``call``. The expected values are
written here from Keras's behaviour, never read back from scratch_nn.
NumPy only, so mutmut's first pass runs them.
"""

import re
import uuid
import warnings

import numpy as np
import pytest

import scratch_nn as keras


class MyProbeLayer(keras.layers.Layer):
    """A layer that scales its input by a trainable scalar and counts its calls."""

    def build(self, input_shape):
        self.add_weight("scale", (), keras.initializers.Constant(2.0))
        self.add_weight("calls", (), lambda shape, dtype: np.zeros(shape, dtype), trainable=False,
                        dtype="int64")
        super().build(input_shape)

    def forward(self, x, training=False):
        self.state["calls"] += 1
        self.x = x
        return x * self.params["scale"]

    def backward(self, dout, need_input_grad=True):
        self.grads["scale"][...] = np.sum(dout * self.x)
        return dout * self.params["scale"] if need_input_grad else None


def test_default_names_are_the_class_name_in_snake_case_then_numbered():
    # a class name never used before in this process: the counter is global, and mutmut reruns tests
    cls = type(f"Fresh{uuid.uuid4().hex}Layer", (keras.layers.Layer,), {})
    base = f"fresh{cls.__name__[5:-5]}_layer"
    assert [cls().name for _ in range(3)] == [base, f"{base}_1", f"{base}_2"]
    assert re.fullmatch(r"my_probe_layer(_\d+)?", MyProbeLayer().name)
    # a lower-case first letter: Keras's to_snake_case also gives "m_probe"
    assert re.fullmatch(r"m_probe(_\d+)?", type("mProbe", (keras.layers.Layer,), {})().name)
    assert MyProbeLayer(name="given").name == "given"


def test_input_dim_and_input_shape_set_the_sample_shape_with_keras_warning():
    for kwargs in ({"input_dim": 3}, {"input_shape": [3]}):
        with pytest.warns(UserWarning, match=r"^Do not pass an `input_shape`/`input_dim` argument to a "
                                             r"layer\. When using Sequential models, prefer using an "
                                             r"`Input\(shape\)` object as the first layer in the model "
                                             r"instead\.$"):
            layer = keras.layers.Dense(2, **kwargs)
        assert layer.input_shape == (3,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert keras.layers.Dense(2).input_shape is None


def test_unknown_arguments_are_refused_naming_the_class_and_keras_only_ones():
    with pytest.raises(ValueError) as error:
        keras.layers.Dense(2, foo=1)
    assert str(error.value) == "Unrecognized keyword arguments passed to Dense: {'foo': 1}"
    with pytest.raises(ValueError) as error:
        keras.layers.Dense(2, lora_rank=4, activity_regularizer="l2", foo=1)
    assert str(error.value) == (
        "Unrecognized keyword arguments passed to Dense: {'lora_rank': 4, 'activity_regularizer': "
        "'l2', 'foo': 1} (activity_regularizer, lora_rank: a Keras argument that scratch_nn does "
        "not support)")


@pytest.mark.parametrize("argument", ["quantization_config", "input_spec", "lora_alpha"])
def test_each_keras_only_argument_is_named(argument):
    with pytest.raises(ValueError, match=rf"\({argument}: a Keras argument that scratch_nn does not support\)$"):
        keras.layers.Dense(2, **{argument: None})


def test_add_weight_puts_trainable_weights_in_params_with_a_gradient_and_others_in_state():
    layer = MyProbeLayer(dtype="float64")
    out = layer(np.full((2, 3), 1.5))
    np.testing.assert_array_equal(out.numpy(), np.full((2, 3), 3.0))
    assert layer.built and layer.input_shape == (3,)
    assert set(layer.params) == set(layer.grads) == {"scale"} and set(layer.state) == {"calls"}
    assert layer.params["scale"].shape == () and layer.params["scale"].dtype == np.float64
    assert layer.grads["scale"] == 0.0
    assert layer.state["calls"].dtype == np.int64 and layer.state["calls"] == 1
    assert [float(w) for w in layer.weights] == [2.0, 1.0]
    assert [float(w) for w in layer.trainable_weights] == [2.0]
    assert [float(w) for w in layer.non_trainable_weights] == [1.0]
    assert layer.count_params() == 2


def test_add_weight_gives_the_initializer_the_layer_dtype_and_stores_a_c_ordered_array_of_it():
    asked = []

    def fortran_float64(shape, dtype):
        asked.append(dtype)
        return np.asfortranarray(np.arange(np.prod(shape), dtype="float64").reshape(shape))

    layer = keras.layers.Layer(dtype="float32")
    weight = layer.add_weight("w", (2, 3), fortran_float64)
    assert asked == ["float32"]
    assert weight.dtype == np.float32 and weight.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(weight, np.arange(6).reshape(2, 3))
    assert layer.add_weight("step", (), fortran_float64, trainable=False, dtype="int64").dtype == np.int64
    assert asked == ["float32", "int64"]


def test_weights_are_the_live_arrays_and_get_weights_copies():
    layer = keras.layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    kernel, bias = layer.weights
    assert kernel.shape == (3, 2) and bias.shape == (2,)
    kernel[...] = 5.0
    copies = layer.get_weights()
    assert np.all(copies[0] == 5.0)
    copies[0][...] = 0.0
    assert np.all(layer.weights[0] == 5.0)


def test_a_frozen_layer_has_no_trainable_weights_and_all_its_weights_are_non_trainable():
    layer = keras.layers.Dense(2, trainable=False)
    layer(np.ones((1, 3), "float32"))
    assert layer.trainable_weights == []
    assert [w.shape for w in layer.non_trainable_weights] == [(3, 2), (2,)]
    layer.trainable = True
    assert [w.shape for w in layer.trainable_weights] == [(3, 2), (2,)]
    assert layer.non_trainable_weights == []


def test_set_weights_checks_count_and_shapes_before_writing_anything():
    layer = keras.layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    before = layer.get_weights()
    with pytest.raises(ValueError) as error:
        layer.set_weights([np.ones((3, 2))])
    assert str(error.value) == (f"Layer {layer.name!r}: set_weights expected 2 arrays (kernel, bias), "
                                "received 1")
    with pytest.raises(ValueError) as error:
        layer.set_weights([np.ones((3, 2)), np.ones(3)])
    assert str(error.value) == (f"Layer {layer.name!r}: weight 'bias' has shape (2,), received an array "
                                "of shape (3,)")
    for kept, now in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(kept, now)
    layer.set_weights([np.full((3, 2), 7.0), [1.0, 2.0]])
    np.testing.assert_array_equal(layer.weights[0], np.full((3, 2), 7.0))
    np.testing.assert_array_equal(layer.weights[1], [1.0, 2.0])


def test_set_weights_on_a_layer_without_weights_says_none():
    with pytest.raises(ValueError, match=r"set_weights expected 0 arrays \(none\), received 1$"):
        keras.layers.Flatten().set_weights([np.ones(1)])


@pytest.mark.parametrize("shape", [(None, 3), (1, 3), (3,)])
def test_build_takes_keras_batch_shape_or_one_sample_shape(shape):
    layer = keras.layers.Dense(2)
    layer.build(shape)
    assert layer.weights[0].shape == (3, 2)


def test_base_layer_build_and_output_shape():
    layer = keras.layers.Layer()
    assert layer.built is False
    layer.build([4, 5])
    assert layer.built and layer.input_shape == (4, 5)
    assert layer.compute_output_shape([4, 5]) == (4, 5)


def test_a_layer_without_forward_or_backward_says_what_is_missing():
    class Bare(keras.layers.Layer):
        pass

    with pytest.raises(NotImplementedError, match=r"^Bare defines no forward pass \(forward or call\)$"):
        Bare()(np.ones((1, 2)))
    with pytest.raises(NotImplementedError,
                       match=r"^Bare defines no backward\(dout, need_input_grad\): scratch_nn has no "
                             r"automatic differentiation, so a layer that computes something new must "
                             r"give its gradient$"):
        Bare().backward(np.ones((1, 2)))


def test_add_loss_is_refused_naming_the_layer():
    with pytest.raises(NotImplementedError, match=r"^MyProbeLayer\.add_loss is not supported by scratch_nn: "
                                                  r"with no automatic differentiation an added loss term "
                                                  r"cannot reach the gradients; use kernel_regularizer= "
                                                  r"for weight penalties$"):
        MyProbeLayer().add_loss(1.0)


def test_call_runs_forward_with_training_off_unless_asked():
    layer = keras.layers.Dropout(0.5, seed=1)
    x = np.ones((50, 40), "float32")
    np.testing.assert_array_equal(layer.call(x), x)
    np.testing.assert_array_equal(layer.call(x, training=None), x)
    dropped = layer.call(x, training=True)
    assert set(np.unique(dropped)) == {0.0, 2.0}
    np.testing.assert_array_equal(layer(x), x)
    assert set(np.unique(layer(x, training=True).numpy())) == {0.0, 2.0}


def test_a_built_layer_checks_the_last_axis_of_its_inputs_in_keras_words():
    layer = keras.layers.Dense(2, name="checked")
    layer(np.ones((4, 3), "float32"))
    for bad in (np.ones((4, 5)), np.ones(3)):
        with pytest.raises(ValueError) as error:
            layer(bad)
        assert str(error.value) == (
            'Input 0 of layer "checked" is incompatible with the layer: expected axis -1 of input '
            f"shape to have value 3, but received input with shape {bad.shape}")
    norm = keras.layers.BatchNormalization()
    norm(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        norm(np.ones((4, 2), "float32"))


def test_a_built_dense_applies_to_the_last_axis_of_a_higher_rank_input():
    """Keras's Dense checks only axis -1 (InputSpec(min_ndim=2, axes={-1: units_in}))."""
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    layer(np.ones((4, 3), "float32"))
    np.testing.assert_array_equal(layer(np.ones((4, 5, 3), "float32")).numpy(), np.full((4, 5, 2), 3.0))


def test_a_layer_that_checks_nothing_takes_any_width_once_built():
    layer = keras.layers.ReLU()
    layer(np.ones((2, 3), "float32"))
    assert layer(-np.ones((2, 7), "float32")).numpy().shape == (2, 7)


def test_repr_names_class_and_layer():
    assert repr(keras.layers.Dense(2, name="head")) == "<Dense name='head'>"


def test_calling_a_layer_on_an_input_records_a_symbolic_step():
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, outputs)
    assert model.predict(np.ones((4, 3), "float32"), verbose=0).shape == (4, 2)
    with pytest.raises(TypeError, match="was called on 2 tensors"):
        keras.layers.Dense(2)([inputs, inputs])


# The subclasses are made inside the tests: a class statement runs Layer.__init_subclass__, and
# mutmut's workers see a mutant only in code that runs after they start, not at import.
def always_dropout():
    class AlwaysDropout(keras.layers.Dropout):
        """Keras's recipe for Monte-Carlo dropout: dropout stays on at inference."""

        def call(self, inputs, training=None):
            return super().call(inputs, training=True)

    return AlwaysDropout


def dropout_passing_training():
    class PassThroughDropout(keras.layers.Dropout):
        def call(self, inputs, training=None):
            return super().call(inputs, training=training)

    return PassThroughDropout


def doubled_dense(with_backward):
    if not with_backward:
        class DoubledDense(keras.layers.Dense):
            def call(self, inputs):
                return 2 * super().call(inputs)

        return DoubledDense

    class DoubledDenseWithGradient(keras.layers.Dense):
        def call(self, inputs):
            return 2 * super().call(inputs)

        def backward(self, dout, need_input_grad=True):
            return super().backward(2 * dout, need_input_grad)

    return DoubledDenseWithGradient


def test_a_subclass_call_runs_in_every_forward_pass():
    layer = always_dropout()(0.5, seed=3)
    out = layer(np.ones((40, 50), "float32")).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}
    dx = layer.backward(np.ones((40, 50), "float32"))
    np.testing.assert_array_equal(dx, out)  # the parent's backward, on the parent's mask
    trained = layer(np.ones((40, 50), "float32"), training=True).numpy()
    assert set(np.unique(trained)) == {0.0, 2.0}
    np.testing.assert_array_equal(layer.backward(np.ones((40, 50), "float32")), trained)


def test_a_subclass_call_gets_the_training_flag_and_forward_defaults_to_inference():
    layer = dropout_passing_training()(0.5, seed=4)
    x = np.ones((40, 50), "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer.forward(x), x)
    assert set(np.unique(layer(x, training=True).numpy())) == {0.0, 2.0}
    assert set(np.unique(layer.forward(x, training=True))) == {0.0, 2.0}


def test_a_subclass_call_without_training_argument_runs_at_inference_and_is_refused_in_training():
    layer = doubled_dense(False)(1, kernel_initializer="ones", bias_initializer="zeros")
    np.testing.assert_array_equal(layer(np.ones((2, 3), "float32")).numpy(), np.full((2, 1), 6.0))
    with pytest.raises(NotImplementedError) as error:
        layer(np.ones((2, 3), "float32"), training=True)
    assert str(error.value) == (
        "DoubledDense.call computes something other than Dense's forward pass (it must return "
        "super().call(...) unchanged), and DoubledDense defines no backward(dout, need_input_grad). "
        "scratch_nn has no automatic differentiation: define backward, or train without "
        "DoubledDense.call")


def test_a_subclass_that_defines_forward_keeps_its_forward_and_its_call_is_not_routed():
    class Halved(keras.layers.Layer):
        def forward(self, x, training=False):
            return x / 2

        def call(self, inputs, training=None):
            return inputs * 100

    layer = Halved()
    np.testing.assert_array_equal(layer(np.ones((1, 2))).numpy(), [[0.5, 0.5]])
    np.testing.assert_array_equal(layer(np.ones((1, 2)), training=True).numpy(), [[0.5, 0.5]])


def test_a_subclass_call_with_its_own_backward_trains():
    model = keras.Sequential([keras.Input((3,)), doubled_dense(True)(
        1, kernel_initializer="zeros", bias_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.ones((4, 3), "float32")
    model.fit(x, np.ones((4, 1), "float32"), epochs=1, batch_size=4, verbose=0)
    # y_pred = 2 (x w + b), dL/dy_pred = -2 at w = b = 0, so each weight moves by 0.1 * 2 * 2
    np.testing.assert_allclose(model.get_weights()[0], np.full((3, 1), 0.4), rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], [0.4], rtol=1e-6)
