"""The Keras layers an MLP program reaches for beyond Dense, against Keras: values and gradients.

Properties (tolerances of `tests.tolerances`: 1e-10 in float64, 1e-5 in
float32, relative to the largest entry; gradients against the size of their
terms, see `tests.checks.check_layer_gradients`):

- Rescaling, Normalization (given statistics, per feature or one for all,
  and inverted), LayerNormalization (over the features or several axes,
  with and without gamma and beta), ReLU (with a ceiling, slope and
  threshold), LeakyReLU, PReLU (own and shared slopes), ELU and Reshape: same output, same input gradient and same weight
  gradients as the Keras layer with the same weights, by `tf.GradientTape`,
  on inputs with exact zeros (the ReLU kinks); inputs and upstream
  gradients are not written to;
- `Normalization.adapt` on an array and on a list of batches leaves the
  mean and variance Keras's `adapt` leaves (1e-10 / 1e-5);
- GaussianNoise, GaussianDropout and AlphaDropout are the identity at
  inference, bit for bit, like Keras's; in training their noise has the
  distribution Keras's has (mean and spread within 5 standard errors, the
  same check run on Keras's output), the gradient goes through the same noise,
  and AlphaDropout's outputs take Keras's two affine values;
- ActivityRegularization in a model (alone, its penalty's gradient is not
  part of its output's, in Keras): the training loss (penalty divided by
  the batch size) and every gradient equal Keras's, and `evaluate` counts
  the penalty of the evaluated batch, as Keras's does.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")


import scratch_nn
from keras_ref import oracle, twins
from keras_ref.specs import Spec, build, sequential
from tests.checks import check_layer_gradients
from tests.hypothesis_profiles import examples
from tests.specs import random_weights
from tests.strategies import arrays, batch_shapes, float_dtypes, seeds
from tests.tolerances import assert_close, tolerance


def spec(name, dtype, **kwargs):
    return Spec(f"layers.{name}", {**kwargs, "dtype": np.dtype(dtype).name})


DETERMINISTIC = ("Rescaling", "Normalization", "LayerNormalization", "ReLU", "LeakyReLU", "PReLU",
                 "ELU", "Reshape")


@st.composite
def deterministic_cases(draw, kind, dtype):
    """A spec of layer `kind` with drawn arguments, and a fitting input shape (batch first)."""
    batch, units = draw(batch_shapes(min_units=2))
    shape = (batch, units)
    if kind == "Rescaling":
        # binary fractions: Keras casts a Python float through float32 (see tests.strategies)
        kwargs = {"scale": draw(st.sampled_from([2.0**-8, 2.0, -0.5])),
                  "offset": draw(st.sampled_from([0.0, -1.0, 0.25]))}
    elif kind == "Normalization":
        per_feature = draw(st.booleans())
        rng = np.random.default_rng(draw(seeds))
        # multiples of 1/16: Keras converts given statistics through float32 (see tests.strategies)
        mean = rng.integers(-32, 33, units) / 16 if per_feature else 1.5
        variance = rng.integers(3, 33, units) / 16 if per_feature else 0.75
        if draw(st.booleans()):
            kwargs = {"mean": np.asarray(mean).tolist(), "variance": np.asarray(variance).tolist()}
        else:  # the weights then hold the statistics (random_weights fills them)
            kwargs = {"axis": -1 if per_feature else None}
        kwargs["invert"] = draw(st.booleans())
    elif kind == "LayerNormalization":
        kwargs = {"epsilon": draw(st.sampled_from([1e-3, 1e-5, 0.5])),
                  "center": draw(st.booleans()), "scale": draw(st.booleans())}
        if draw(st.booleans()):
            shape = (batch, 3, units)
            kwargs["axis"] = draw(st.sampled_from([-1, [1, 2], 1]))
    # (non-default values first: derandomized draws favour the first entries)
    elif kind == "ReLU":
        kwargs = {"max_value": draw(st.sampled_from([0.5, 6.0, None])),
                  "negative_slope": draw(st.sampled_from([0.25, 0.0])),
                  "threshold": draw(st.sampled_from([0.5, 0.0]))}
        kwargs = {k: v for k, v in kwargs.items() if draw(st.booleans()) or v}
    elif kind == "LeakyReLU":
        kwargs = draw(st.sampled_from([{"negative_slope": 0.5}, {"negative_slope": 0.0}, {}]))
    elif kind == "ELU":
        kwargs = draw(st.sampled_from([{"alpha": 0.5}, {"alpha": 2.0}, {}]))
    elif kind == "PReLU":
        kwargs = draw(st.sampled_from([{"shared_axes": [1]}, {"shared_axes": 2},
                                       {"shared_axes": None}, {}]))
        if kwargs:
            shape = (batch, 3, units)
    elif kind == "Reshape":
        shape = (batch, 2, units)
        kwargs = {"target_shape": draw(st.sampled_from([(units, 2), (-1,), (2 * units, 1), (-1, units)]))}
    return spec(kind, dtype, **kwargs), shape


#: the TensorFlow kernels each layer may run, for their allowances (tests.tolerances)
TENSORFLOW_KERNELS = {"ELU": ["elu"], "LeakyReLU": ["leaky_relu"], "ReLU": ["leaky_relu"]}


# Parametrized over the layers: Hypothesis's derandomized draws from a
# sampled_from favour its first entries.
@pytest.mark.parametrize("kind", DETERMINISTIC)
@examples(8)
@given(dtype=float_dtypes, data=st.data())
def test_layer_values_and_gradients_match_keras(kind, dtype, data):
    layer_spec, shape = data.draw(deterministic_cases(kind, dtype))
    x = data.draw(arrays(shape, dtype, zeros=True))
    upstream = data.draw(arrays(shape if layer_spec.name != "Reshape" else
                                (shape[0], *build(layer_spec, scratch_nn).compute_output_shape(shape[1:])),
                                dtype, scales=(1.0,)))
    with oracle.keras_floatx(dtype):
        check_layer_gradients(layer_spec, x, upstream, training=data.draw(st.booleans()),
                              seed=data.draw(seeds),
                              tol=tolerance(dtype, TENSORFLOW_KERNELS.get(kind, [])))


@pytest.mark.parametrize("kwargs", [{}, {"axis": None}, {"axis": (1, 2)}, {"axis": 2}])
@pytest.mark.parametrize("batched", [False, True], ids=["array", "batches"])
@examples(5)
@given(dtype=float_dtypes, data=st.data())
def test_adapt_leaves_the_statistics_keras_adapt_leaves(kwargs, batched, dtype, data):
    x = data.draw(arrays((13, 3, 4), dtype, scales=(1.0, 30.0))) + dtype(data.draw(st.sampled_from([0.0, 5.0])))
    given_data = [x[:5], x[5:6], x[6:]] if batched else x
    ours = build(spec("Normalization", dtype, **kwargs), scratch_nn)
    ours.adapt(given_data)
    with oracle.keras_floatx(dtype):
        theirs = twins.keras_object(spec("Normalization", dtype, **kwargs))
        theirs.adapt(given_data)
        expected = oracle.forward(theirs, x)
    tol = tolerance(dtype)
    for name, a, b in zip(("mean", "variance", "count"), ours.get_weights(), theirs.get_weights(), strict=True):
        assert_close(a, np.asarray(b), tol, f"Normalization({kwargs}).adapt: {name}",
                     scale=float(np.max(x**2)) if name == "variance" else float(np.max(np.abs(x))))
    assert_close(ours.forward(x), expected, tol, "output after adapt", scale=float(np.max(np.abs(expected))))


# -- random layers ---------------------------------------------------------------------
RANDOM_LAYERS = [("GaussianNoise", {"stddev": 0.5}), ("GaussianDropout", {"rate": 0.3}),
                 ("AlphaDropout", {"rate": 0.2}), ("AlphaDropout", {"rate": 0.6})]


@pytest.mark.parametrize(("name", "kwargs"), RANDOM_LAYERS)
@examples(5)
@given(dtype=float_dtypes, shape=batch_shapes(), data=st.data())
def test_random_layers_are_the_identity_at_inference(name, kwargs, dtype, shape, data):
    x = data.draw(arrays(shape, dtype))
    layer_spec = spec(name, dtype, **kwargs)
    layer = build(layer_spec, scratch_nn)
    layer.build(shape[1:])
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    np.testing.assert_array_equal(layer.backward(x), x)
    with oracle.keras_floatx(dtype):
        np.testing.assert_array_equal(oracle.forward(twins.keras_object(layer_spec), x), x)


def noise_statistics(name, kwargs, x, y):
    """What each layer's training noise must look like, as `(values, expected mean, expected std)`."""
    if name == "GaussianNoise":  # y - x ~ N(0, stddev**2)
        return y - x, 0.0, kwargs["stddev"]
    if name == "GaussianDropout":  # y / x ~ N(1, rate / (1 - rate))
        return y / x, 1.0, np.sqrt(kwargs["rate"] / (1 - kwargs["rate"]))
    # AlphaDropout: a unit is kept with probability 1 - rate
    rate = kwargs["rate"]
    alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    kept = np.isclose(y, a * x + b, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(y, a * alpha_p + b, rtol=1e-5, atol=1e-6)
    assert np.all(kept | dropped), "AlphaDropout: an output is neither a * x + b nor a * alpha' + b"
    return kept.astype(float), 1 - rate, np.sqrt(rate * (1 - rate))


@pytest.mark.parametrize(("name", "kwargs"), RANDOM_LAYERS)
@examples(5)
@given(dtype=float_dtypes, seed=seeds, data=st.data())
def test_random_layers_noise_has_keras_distribution(name, kwargs, dtype, seed, data):
    x = data.draw(arrays((100, 50), dtype, scales=(1.0,)))
    x[x == 0] = 1.0
    layer_spec = spec(name, dtype, **kwargs, seed=seed)
    layer = build(layer_spec, scratch_nn)
    layer.build(x.shape[1:])
    with oracle.keras_floatx(dtype):
        theirs = oracle.forward(twins.keras_object(layer_spec), x, training=True)
    ours = layer.forward(x, training=True)
    for who, y in (("scratch_nn", ours), ("keras", theirs)):
        values, mean, std = noise_statistics(name, kwargs, x.astype(np.float64), y.astype(np.float64))
        standard_error = std / np.sqrt(values.size)
        assert abs(values.mean() - mean) <= 5 * standard_error + 1e-6, f"{who} {name} noise mean {values.mean()}"
        assert abs(values.std() / std - 1) < 0.05, f"{who} {name} noise spread {values.std()} != {std}"
    upstream = data.draw(arrays(x.shape, dtype))
    # the gradient goes through the noise: dy/dx is 1, e, or a * keep
    slope = {"GaussianNoise": np.ones_like(x), "GaussianDropout": ours / x}.get(name)
    if slope is None:
        rate = kwargs["rate"]
        alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
        slope = a * np.isclose(ours, a * x - a * alpha_p * rate, rtol=1e-5, atol=1e-6)
    assert_close(layer.backward(upstream), upstream * slope, 1e-4, f"{name} gradient")


# -- ActivityRegularization in a model ---------------------------------------------------
@examples(10)
@given(dtype=float_dtypes, l1=st.sampled_from([0.0, 0.125]), l2=st.sampled_from([0.0, 0.5]),
       batch=st.integers(1, 6), seed=seeds)
def test_activity_regularization_in_a_model_matches_keras(dtype, l1, l2, batch, seed):
    name = np.dtype(dtype).name
    model_spec = sequential((4,), [
        spec("Dense", dtype, units=3, activation="tanh"),
        spec("ActivityRegularization", dtype, l1=l1, l2=l2),
        spec("Dense", dtype, units=2)], name)
    loss_spec = Spec("losses.MeanSquaredError")
    model = build(model_spec, scratch_nn)
    model.compile(optimizer="sgd", loss=build(loss_spec, scratch_nn))
    rng = np.random.default_rng(seed)
    model.set_weights([w for layer in model.layers for w in random_weights(rng, layer)])
    x, y = rng.standard_normal((batch, 4)).astype(dtype), rng.standard_normal((batch, 2)).astype(dtype)
    with oracle.keras_floatx(dtype):
        twin = twins.keras_twin(model_spec, model)
        expected_loss, expected_grads, expected_dx = oracle.model_loss_and_gradients(
            twin, twins.keras_loss(loss_spec, dtype), x, y)
        twin.compile(optimizer="sgd", loss=twins.keras_loss(loss_spec, dtype))
        # other inputs than the training loss's: the penalty must be the evaluated batch's
        expected_eval = twin.evaluate(2 * x, y, verbose=0)
    loss, grads, dx = model.compute_loss_and_gradients(x, y, need_input_grad=True)
    tol = tolerance(dtype)
    assert_close(loss, expected_loss, tol, "training loss with the activity penalty")
    for i, (ours, theirs) in enumerate(zip([*grads, dx], [*expected_grads, expected_dx], strict=True)):
        assert_close(ours, theirs, tol, f"gradient {i}")
    assert_close(model.evaluate(2 * x, y, verbose=0), expected_eval, tol, "evaluate with the activity penalty")
