"""Finite-difference checks of every backward pass, in float64, driven by Hypothesis.

Each test compares an analytic gradient with centred differences
(:mod:`scratch_nn.gradcheck`) under a random upstream gradient. Tolerance:
a relative error of 1e-6. Correct float64 gradients land near 1e-9; a
wrong formula (a missing factor, a transposed term, the wrong side of a
kink) gives errors of order 1e-2 or more. Inputs avoid the kinks of ReLU,
leaky ReLU, ELU, SELU and softsign by at least 1e-3, where a step of 1e-6 cannot
cross (those of ReLU6 and the hard sigmoid, at 6 and -3, 3, are outside or
at the edge of the drawn range, and hit with probability zero).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch_nn import activations, losses
from scratch_nn.gradcheck import numerical_gradient, relative_error
from scratch_nn.layers import Activation, BatchNormalization, Dense, Dropout, Flatten
from tests.specs import build_scratch_model, model_data
from tests.strategies import magnitudes, model_specs

TOL = 1e-6
ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "selu", "gelu",
               "silu", "softplus", "softsign", "hard_sigmoid", "relu6", "mish", "exponential"]


def check_layer(layer, x, training, rng):
    """Analytic input and parameter gradients of ``layer`` against centred differences."""
    out = layer(x, training=training)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    analytic = {name: g.copy() for name, g in layer.grads.items()}
    assert relative_error(dx, numerical_gradient(lambda: layer.forward(x, training), x, dout)) < TOL
    for name, param in layer.params.items():
        numeric = numerical_gradient(lambda: layer.forward(x, training), param, dout)
        assert relative_error(analytic[name], numeric) < TOL, name


@given(data=st.data(), activation=st.sampled_from(ACTIVATIONS), use_bias=st.booleans())
def test_dense_gradients(data, activation, use_bias):
    batch, n_in, units = data.draw(st.tuples(*[st.integers(1, 6)] * 3))
    x = data.draw(magnitudes((batch, n_in), 1e-3, 3.0))
    layer = Dense(units, activation=activation, use_bias=use_bias, dtype="float64",
                  kernel_initializer="random_normal")
    layer.build((n_in,))
    # Pre-activations must also stay off the kinks: re-draw the kernel until they do.
    layer.params["kernel"][...] = data.draw(magnitudes((n_in, units), 0.3, 1.0))
    z = x @ layer.params["kernel"] + (layer.params["bias"] if use_bias else 0)
    if np.min(np.abs(z)) < 1e-3:
        return
    check_layer(layer, x, False, np.random.default_rng(0))


@given(data=st.data(), activation=st.sampled_from(ACTIVATIONS))
def test_activation_gradients(data, activation):
    x = data.draw(magnitudes((data.draw(st.integers(1, 5)), data.draw(st.integers(1, 6))), 1e-3, 3.0))
    check_layer(Activation(activation, dtype="float64"), x, False, np.random.default_rng(1))


@given(data=st.data(), case=st.sampled_from([
    ("Rescaling", {"scale": -0.5, "offset": 2.0}),
    ("Normalization", {"mean": 0.5, "variance": 3.0}),
    ("Normalization", {"mean": 0.5, "variance": 3.0, "invert": True}),
    ("LayerNormalization", {}),
    ("LayerNormalization", {"center": False, "epsilon": 0.5}),
    ("ReLU", {"max_value": 2.5, "negative_slope": 0.3, "threshold": 0.5}),
    ("LeakyReLU", {}),
    ("ELU", {"alpha": 0.7}),
    ("PReLU", {"alpha_initializer": "random_normal"}),
    ("Reshape", {"target_shape": (-1, 1)}),
]), shared=st.booleans())
def test_block_layer_gradients(data, case, shared):
    """Rescaling, Normalization, LayerNormalization, the ReLU family and Reshape; samples (3, units)."""
    from scratch_nn import layers
    name, kwargs = case
    batch, units = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 5))
    if name == "PReLU" and shared:
        kwargs = {**kwargs, "shared_axes": [1]}
    if name == "LayerNormalization" and shared:
        kwargs = {**kwargs, "axis": [1, 2]}
    x = data.draw(magnitudes((batch, 3, units), 1e-3, 3.0))
    if name == "ReLU" and np.min(np.abs(np.abs(x - 0.5) * (np.abs(x - 2.5)))) < 1e-3:
        return  # a step of 1e-6 must not cross the threshold or the ceiling
    layer = getattr(layers, name)(**kwargs, dtype="float64")
    layer.build(x.shape[1:])
    for param in layer.params.values():  # gamma, beta, alpha: off their initial constants
        param[...] = data.draw(magnitudes(param.shape, 0.3, 1.5))
    check_layer(layer, x, False, np.random.default_rng(2))


@given(data=st.data(), training=st.booleans())
def test_batch_normalization_gradients(data, training):
    batch = data.draw(st.integers(2, 6))
    x = data.draw(magnitudes((batch, data.draw(st.integers(1, 4))), 0.5, 2.0))
    if training and np.min(x.var(axis=0)) < 1e-2:
        return  # near-constant columns make 1/sqrt(var) too steep for a 1e-6 step
    layer = BatchNormalization(dtype="float64")
    layer.build(x.shape[1:])
    rng = np.random.default_rng(2)
    layer.params["gamma"][...] = rng.uniform(0.5, 2, x.shape[1])
    layer.params["beta"][...] = rng.standard_normal(x.shape[1])
    layer.state["moving_variance"][...] = rng.uniform(0.5, 2, x.shape[1])
    # forward in training mode moves the statistics: keep them fixed during the check
    saved = {k: v.copy() for k, v in layer.state.items()}
    layer.forward(x, training)
    dout = rng.standard_normal(x.shape)
    dx = layer.backward(dout)
    analytic = {k: g.copy() for k, g in layer.grads.items()}

    def f():
        for k, v in saved.items():
            layer.state[k][...] = v
        return layer.forward(x, training)

    assert relative_error(dx, numerical_gradient(f, x, dout)) < TOL
    for name in ("gamma", "beta"):
        assert relative_error(analytic[name], numerical_gradient(f, layer.params[name], dout)) < TOL


@given(data=st.data(), rate=st.sampled_from([0.0, 0.2, 0.5, 0.9]))
def test_dropout_gradient_uses_the_forward_mask(data, rate):
    x = data.draw(magnitudes((data.draw(st.integers(1, 5)), data.draw(st.integers(1, 6))), 0.1, 2.0))
    layer = Dropout(rate, seed=3)
    out = layer(x, training=True)
    mask = layer._scaled_mask
    dout = np.random.default_rng(4).standard_normal(x.shape)
    numeric = numerical_gradient(lambda: x * mask if mask is not None else x, x, dout)
    assert relative_error(layer.backward(dout), numeric) < TOL
    assert out.shape == x.shape


def test_flatten_backward_restores_the_shape(rng):
    x = rng.standard_normal((3, 4, 5))
    layer = Flatten()
    out = layer(x)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_array_equal(layer.backward(dout), dout.reshape(3, 4, 5))


LOSSES = [
    (losses.SparseCategoricalCrossentropy, False, "sparse"),
    (losses.SparseCategoricalCrossentropy, True, "sparse"),
    (losses.CategoricalCrossentropy, False, "onehot"),
    (losses.CategoricalCrossentropy, True, "onehot"),
    (losses.MeanSquaredError, None, "dense"),
]


@pytest.mark.parametrize("loss_cls,from_logits,labels", LOSSES)
@given(data=st.data())
def test_loss_gradients(loss_cls, from_logits, labels, data):
    n, k = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 5))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if from_logits is False:
        # probabilities inside the clip range, not normalized (Keras renormalizes)
        y_pred = rng.uniform(0.05, 0.9, (n, k))
    else:
        y_pred = data.draw(magnitudes((n, k), 0.0, 3.0))
    y_true = {
        "sparse": rng.integers(0, k, n),
        "onehot": np.eye(k)[rng.integers(0, k, n)],
        "dense": rng.standard_normal((n, k)),
    }[labels]
    loss = loss_cls() if from_logits is None else loss_cls(from_logits=from_logits)
    numeric = numerical_gradient(lambda: loss(y_true, y_pred), y_pred)
    assert relative_error(loss.gradient(y_true, y_pred), numeric) < TOL


#: The regression, hinge and probabilistic losses, with the targets each takes; predictions
#: in (0.05, 0.9) keep KL divergence, Poisson and MSLE inside their clips and logs.
MORE_LOSSES = [
    (losses.MeanAbsoluteError(), "dense"), (losses.MeanAbsolutePercentageError(), "dense"),
    (losses.MeanSquaredLogarithmicError(), "dense"), (losses.Huber(), "dense"),
    (losses.Huber(delta=0.125), "dense"), (losses.LogCosh(), "dense"),
    (losses.CosineSimilarity(), "dense"), (losses.Hinge(), "binary"), (losses.Hinge(), "dense"),
    (losses.SquaredHinge(), "binary"), (losses.CategoricalHinge(), "onehot"),
    (losses.KLDivergence(), "soft"), (losses.Poisson(), "counts"),
]


@pytest.mark.parametrize("loss,labels", MORE_LOSSES, ids=[f"{type(c).__name__}-{lab}" for c, lab in MORE_LOSSES])
@given(data=st.data())
def test_more_loss_gradients(loss, labels, data):
    n, k = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 5))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    y_pred = rng.uniform(0.05, 0.9, (n, k))
    y_true = {
        "dense": rng.standard_normal((n, k)),
        "binary": rng.integers(0, 2, (n, k)).astype(float),
        "onehot": np.eye(k)[rng.integers(0, k, n)],
        "soft": rng.dirichlet(np.ones(k), n),
        "counts": rng.poisson(2.0, (n, k)).astype(float),
    }[labels]
    numeric = numerical_gradient(lambda: loss(y_true, y_pred), y_pred)
    assert relative_error(loss.gradient(y_true, y_pred), numeric) < TOL


@pytest.mark.parametrize("loss_cls,labels", [
    (losses.SparseCategoricalCrossentropy, "sparse"), (losses.CategoricalCrossentropy, "onehot")])
def test_crossentropy_gradient_is_zero_outside_the_clip_range(loss_cls, labels):
    # The true class has probability 1e-9 < eps: clipping freezes it, as in TensorFlow.
    y_pred = np.array([[1e-9, 0.5, 0.5 - 1e-9]])
    y_true = np.array([0]) if labels == "sparse" else np.array([[1.0, 0, 0]])
    grad = loss_cls().gradient(y_true, y_pred)
    numeric = numerical_gradient(lambda: loss_cls()(y_true, y_pred), y_pred, h=1e-11)
    assert grad[0, 0] == 0 and numeric[0, 0] == 0
    assert relative_error(grad, numeric) < 1e-4  # h = 1e-11 leaves ~1e-5 rounding noise


@pytest.mark.parametrize("loss_cls,labels", [
    (losses.SparseCategoricalCrossentropy, "sparse"), (losses.CategoricalCrossentropy, "onehot")])
@given(data=st.data())
def test_softmax_logits_path_is_the_gradient_of_the_logits_loss(loss_cls, labels, data):
    n, k = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 5))
    z = data.draw(magnitudes((n, k), 0.0, 4.0))
    rng = np.random.default_rng(5)
    y = rng.integers(0, k, n) if labels == "sparse" else np.eye(k)[rng.integers(0, k, n)]
    loss = loss_cls()
    value, grad = loss.logits_loss_and_gradient(y, z)
    numeric = numerical_gradient(lambda: loss.logits_loss_and_gradient(y, z)[0], z)
    assert relative_error(grad, numeric) < TOL
    # and the value is the cross-entropy of softmax(z), unclipped
    assert np.isclose(value, loss_cls(from_logits=True)(y, z), rtol=1e-12)
    assert np.isclose(value, loss(y, activations.softmax(z)), rtol=1e-9)


@given(spec=model_specs())
def test_whole_model_gradients(spec):
    """Gradients of the loss (regularizers included) for every parameter and the input."""
    model = build_scratch_model(spec)
    x, y = model_data(spec)
    # training=True: BatchNormalization uses the batch statistics (no dropout here).
    _, grads, dx = model.compute_loss_and_gradients(x, y, need_input_grad=True)

    def f():
        return model.compute_loss_and_gradients(x, y)[0]

    # A weight right before BatchNormalization can have an exactly zero gradient;
    # the floor measures such arrays against 1e-3, i.e. allows 1e-9 of finite-difference
    # noise in absolute terms (the loss is of order 1).
    for weight, grad in zip(model.trainable_weights, grads):
        assert relative_error(grad, numerical_gradient(f, weight), floor=1e-3) < TOL
    assert relative_error(dx, numerical_gradient(f, x), floor=1e-3) < TOL
