"""The comparisons with Keras, as plain functions: the properties draw their inputs, `test_teeth` fixes them.

Each `check_*` builds one configuration in both libraries from the same spec
(`keras_ref.twins`), runs both and asserts they agree (`tests.tolerances`).
The Hypothesis properties in `tests/test_vs_tensorflow_*.py` call them on drawn
examples; `tests/test_teeth.py` calls them on fixed examples with a
deliberately wrong piece of scratch_nn patched in, to show they catch it.
"""

import keras
import numpy as np
from keras.src.trainers.data_adapters.array_slicing import train_validation_split

import scratch_nn
from keras_ref import oracle, twins
from keras_ref.specs import Spec, build
from scratch_nn import activations, callbacks, layers, optimizers
from tests.specs import build_scratch_model, model_data, random_weights
from tests.tolerances import assert_all_close, assert_close, tolerance


# -- layers and activations ----------------------------------------------------------
def batch_norm_scales(layer, x, training):
    """The size of the terms each BatchNormalization result is computed from (`assert_close`'s scale).

    The output is a difference of terms as large as |x| |gamma| / sqrt(var + eps)
    (TensorFlow computes x * inv + (beta - mean * inv)); the batch variance, in
    float32 on data far from zero, cancels terms as large as x**2. Read before
    the forward pass (the moving statistics then hold their old values).
    """
    gamma = np.abs(layer.params.get("gamma", 1.0))
    var = x.var(axis=0) if training else layer.state["moving_variance"]
    x_max = np.max(np.abs(x), axis=0)
    return {
        "output": float(np.max(x_max * gamma / np.sqrt(var + layer.epsilon)
                               + np.abs(layer.params.get("beta", 0.0)))),
        "moving_mean": float(np.max(np.abs(layer.state["moving_mean"]) + x_max)),
        "moving_variance": float(np.max(layer.state["moving_variance"] + x_max**2)),
    }


def compare_layer(layer, twin, x, training, rtol, what):
    """One forward pass of `layer` and its Keras twin: outputs, then every weight by name."""
    names = [*layer.params, *layer.state]  # Keras order for these layers: trainable first
    scales = batch_norm_scales(layer, x, training) if "moving_mean" in names else {}
    expected = oracle.forward(twin, x, training=training)
    x_before = x.copy()
    actual = layer.forward(x, training=training)
    np.testing.assert_array_equal(x, x_before, err_msg=f"{type(layer).__name__} changed its input")
    assert_close(actual, expected, rtol, f"{what}: output (training={training})",
                 scale=scales.get("output", 0.0))
    for name, ours, theirs in zip(names, layer.get_weights(), twin.get_weights(), strict=True):
        assert_close(ours, theirs, rtol, f"{what}: {name} after the call", scale=scales.get(name, 0.0))


def check_layer_forward(layer_spec, x, training=False, seed=0):
    """The layer of `layer_spec` in both libraries, same random weights: same output, same weights after.

    The weights after the call cover BatchNormalization's moving statistics.
    """
    layer = build(layer_spec, scratch_nn)
    layer.build(x.shape[1:])
    rng = np.random.default_rng(seed)
    layer.set_weights(random_weights(rng, layer))
    twin = twins.keras_twin_layer(layer_spec, layer)
    activation = getattr(getattr(layer, "activation", None), "name", None)
    compare_layer(layer, twin, x, training, tolerance(x.dtype, [activation]), type(layer).__name__)


def check_layer_gradients(layer_spec, x, upstream, training=False, seed=0, tol=None):
    """The layer of `layer_spec` in both libraries, same random weights: same output, dL/dx and dL/dw.

    `upstream` is dL/dy. Inputs and `upstream` must not be written to.
    Returns the scratch_nn layer, for further checks.
    """
    layer = build(layer_spec, scratch_nn)
    layer.build(x.shape[1:])
    layer.set_weights(random_weights(np.random.default_rng(seed), layer))
    twin = twins.keras_twin_layer(layer_spec, layer)
    expected_y, expected_dx, expected_dw = oracle.layer_value_and_gradients(twin, x, upstream, training)
    x_before, upstream_before = x.copy(), upstream.copy()
    y = layer.forward(x, training=training)
    dx = layer.backward(upstream)
    what = f"{layer_spec.name}({layer_spec.kwargs})"
    np.testing.assert_array_equal(x, x_before, err_msg=f"{what} changed its input")
    np.testing.assert_array_equal(upstream, upstream_before, err_msg=f"{what} backward wrote into dout")
    tol = tol or tolerance(x.dtype)
    assert_close(y, expected_y, tol, f"{what} output (training={training})")
    # dx and dw are sums of upstream-sized terms: judged against their size.
    scale = float(np.max(np.abs(upstream))) * max(1.0, float(np.max(np.abs(x))))
    assert_close(dx, expected_dx, tol, f"{what} input gradient", scale=scale)
    assert len(layer.params) == len(expected_dw), f"{what}: trainable weights {list(layer.params)}"
    for name, theirs in zip(layer.params, expected_dw):
        assert_close(layer.grads[name], theirs, tol, f"{what} gradient of {name}",
                     scale=scale * x.shape[0])
    return layer


def check_activation(name, x, upstream, **kwargs):
    """Activation `name` (with `kwargs`): forward and `backward(upstream)` equal Keras's value and VJP."""
    expected_y, expected_dx = oracle.activation_value_and_gradient(name, x, upstream, **kwargs)
    act = type(activations.get(name))(**kwargs) if kwargs else activations.get(name)
    x_before, upstream_before = x.copy(), upstream.copy()
    y = act.forward(x)
    dx = act.backward(upstream)
    np.testing.assert_array_equal(x, x_before, err_msg=f"{name} changed its input")
    np.testing.assert_array_equal(upstream, upstream_before, err_msg=f"{name} backward wrote into dout")
    rtol = tolerance(x.dtype, [name])
    what = f"{name}({kwargs})" if kwargs else name
    assert y.dtype == x.dtype and dx.dtype == x.dtype, f"{what}: {y.dtype}/{dx.dtype} from {x.dtype}"
    assert_close(y, expected_y, rtol, f"{what} forward")
    # |f'| <= 1 for most activations, so the gradient's terms are at most |upstream|
    # (where f' is larger, SELU's 1.76, max|desired| is the larger scale).
    assert_close(dx, expected_dx, rtol, f"{what} gradient", scale=np.max(np.abs(upstream)))


def check_dropout_training(rate, x, upstream, seed):
    """Training-mode Dropout: kept units scaled by 1/(1-rate), fraction kept ~ 1-rate, same mask back.

    `x` has no zero entries, so a zero output means a dropped unit. The same
    structural checks run on Keras's own Dropout, so the property is checked to
    be the reference's too.
    """
    spec = Spec("layers.Dropout", {"rate": rate, "seed": seed, "dtype": x.dtype.name})
    layer = build(spec, scratch_nn)
    layer.build(x.shape[1:])
    twin = twins.keras_twin_layer(spec, layer)
    tight = 100 * np.finfo(x.dtype).eps
    for who, y in (("scratch_nn", layer.forward(x, training=True)),
                   ("keras", oracle.forward(twin, x, training=True))):
        kept = y != 0
        assert_close(y[kept], x[kept] / (1 - rate), tight, f"{who} Dropout({rate}) kept units")
        n, k = x.size, int(kept.sum())
        sigma = np.sqrt(n * rate * (1 - rate))
        assert abs(k - n * (1 - rate)) <= 5 * sigma + 1, (
            f"{who} Dropout({rate}) kept {k} of {n} units, expected {n * (1 - rate):.0f} +- {5 * sigma:.0f}"
        )
    y = layer.forward(x, training=True)
    dx = layer.backward(upstream)
    assert_close(dx, upstream * (y / x), tight, f"Dropout({rate}) gradient")


def check_batch_norm_steps(layer_spec, batches, seed=0):
    """The BatchNormalization of `layer_spec` in both libraries over n training steps, then at inference.

    After every step: same output and same moving mean and variance.
    """
    x0 = batches[0]
    layer = build(layer_spec, scratch_nn)
    layer.build(x0.shape[1:])
    rng = np.random.default_rng(seed)
    layer.set_weights(random_weights(rng, layer))
    twin = twins.keras_twin_layer(layer_spec, layer)
    rtol = tolerance(x0.dtype)
    for step, x in enumerate(batches):
        compare_layer(layer, twin, x, True, rtol, f"BatchNormalization step {step}")
    compare_layer(layer, twin, x0, False, rtol, "BatchNormalization after training")


# -- losses --------------------------------------------------------------------------
def logits_gradient_scale(z):
    """The size of the terms of a cross-entropy's gradient in its logits, 1/n.

    dL/dz = (softmax(z) - t) / n subtracts numbers up to 1/n: a saturated
    softmax leaves a small difference carrying their rounding error (a float32
    ulp of 1, over n), not a relative error of its own.
    """
    return 1.0 / z.shape[0]


def probability_term_scales(loss_spec, y_true, p):
    """The size of the terms of a loss's value and gradient on probabilities `p`: `(value, grad)`.

    Sparse: ``L = mean(log S - log c_y)`` (``c`` clipped, ``S = sum(c)``) and
    ``dL/dp_j = (1/S - [j = y]/c_y) / n`` cancel when ``c_y ~ S``; dense:
    ``dL/dp = (g - sum(g o)) / (S n)`` with ``g = -t/c`` cancels when ``o``
    is one-hot-like; MSE: ``2 (p - y) / (n k)`` cancels when ``p ~ y``. Each
    difference carries the rounding error of its terms.
    """
    p = p.astype(np.float64)
    n, eps = p.shape[0], 1e-7
    if loss_spec.name == "SparseCategoricalCrossentropy":
        c = np.clip(p, eps, 1 - eps)
        total, c_y = c.sum(axis=-1), c[np.arange(n), y_true]
        value = np.mean(np.abs(np.log(total)) + np.abs(np.log(c_y)))
        return float(value), float(np.max(np.maximum(1 / total, 1 / c_y)) / n)
    if loss_spec.name == "CategoricalCrossentropy":
        total = p.sum(axis=-1, keepdims=True)
        c = np.clip(p / total, eps, 1 - eps)
        return 0.0, float(np.max(y_true / c / total) / n)
    return 0.0, float(2 * max(np.max(np.abs(p)), np.max(np.abs(y_true))) / p.size)


def check_loss(loss_spec, y_true, y_pred, scales=None):
    """The loss of `loss_spec` and its gradient on `y_pred`, in both libraries: same value and gradient.

    Args:
        scales: `(value, gradient)` sizes of the terms each is computed from
            (`assert_close`'s scale); by default the cross-entropies' and MSE's.
    """
    dtype = y_pred.dtype
    loss = build(loss_spec, scratch_nn)
    expected_value, expected_grad = oracle.loss_value_and_gradient(
        twins.keras_loss(loss_spec, dtype), y_true, y_pred)
    y_pred_before = y_pred.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        value, grad = loss(y_true, y_pred), loss.gradient(y_true, y_pred)
    np.testing.assert_array_equal(y_pred, y_pred_before, err_msg="the loss changed y_pred")
    assert grad.shape == y_pred.shape and grad.dtype == dtype, (
        f"{loss_spec.name}: gradient {grad.shape} {grad.dtype} for y_pred {y_pred.shape} {dtype}")
    rtol = tolerance(dtype)
    from_logits = loss_spec.kwargs.get("from_logits", False)
    what = f"{loss_spec.name}({loss_spec.kwargs})"
    if scales is not None:
        value_scale, grad_scale = scales
    elif from_logits:
        value_scale, grad_scale = 0.0, logits_gradient_scale(y_pred)
    else:
        value_scale, grad_scale = probability_term_scales(loss_spec, y_true, y_pred)
    assert_close(value, expected_value, rtol, f"{what} value", scale=value_scale)
    assert_close(grad, expected_grad, rtol, f"{what} gradient", scale=grad_scale)


def check_softmax_output_loss(loss_spec, y_true, z):
    """A model ending in a softmax: its loss and dL/dz equal Keras's `_keras_logits` path."""
    dtype = z.dtype
    model = scratch_nn.Sequential([layers.Input(z.shape[1:], dtype=dtype),
                                   layers.Activation("softmax", dtype=dtype)])
    model.compile(optimizer="sgd", loss=build(loss_spec, scratch_nn))
    with oracle.keras_floatx(dtype):
        expected_value, _, expected_grad = oracle.softmax_loss_value_and_gradient(
            twins.keras_loss(loss_spec, dtype), y_true, z)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value, _, grad = model.compute_loss_and_gradients(z, y_true, need_input_grad=True)
    rtol = tolerance(dtype)
    assert_close(value, expected_value, rtol, f"{loss_spec.name} on a softmax output: value")
    assert_close(grad, expected_grad, rtol, f"{loss_spec.name} on a softmax output: dL/dlogits",
                 scale=logits_gradient_scale(z))


# -- optimizers ----------------------------------------------------------------------
def scratch_trajectory(optimizer, variables, gradient_steps):
    """Apply a scratch_nn optimizer k times; its state after each step, as `oracle.OptimizerState`."""
    variables = [v.copy() for v in variables]
    states = []
    for grads in gradient_steps:
        learning_rate = optimizer.learning_rate
        optimizer.apply_gradients(zip(grads, variables))
        slots = {}
        for name in oracle.SLOT_NAMES:
            values = getattr(optimizer, name, None)
            if values:
                slots[name] = [s.copy() for s in values]
        states.append(oracle.OptimizerState([v.copy() for v in variables], slots,
                                            float(learning_rate), optimizer.iterations))
    return states


def check_optimizer(spec, variables, gradient_steps):
    """The optimizer of `spec` in both libraries: same state after every one of the k steps."""
    dtype = variables[0].dtype
    optimizer = spec.build()
    with oracle.keras_floatx(dtype):
        expected = oracle.optimizer_trajectory(
            lambda: twins.keras_optimizer(spec.spec()), variables, gradient_steps, dtype)
    actual = scratch_trajectory(optimizer, variables, gradient_steps)
    rtol = tolerance(dtype)
    for step, (a, e) in enumerate(zip(actual, expected)):
        where = f"{spec.name}{spec.kwargs} schedule={spec.schedule}, step {step}"
        assert a.iterations == e.iterations, f"{where}: iterations {a.iterations} != {e.iterations}"
        assert_close(a.learning_rate, e.learning_rate, rtol, f"{where}: learning rate")
        assert sorted(a.slots) == sorted(e.slots), f"{where}: slots {sorted(a.slots)} != {sorted(e.slots)}"
        for name in e.slots:
            assert_all_close(a.slots[name], e.slots[name], rtol, f"{where}: {name}")
        assert_all_close(a.variables, e.variables, rtol, f"{where}: variables")


# -- whole models --------------------------------------------------------------------
def check_model_gradients(spec, training=True):
    """Loss, weight and input gradients of `spec` built in both libraries (float64) agree."""
    dtype = np.float64
    model = build_scratch_model(spec, dtype)
    x, y = model_data(spec, dtype)
    with oracle.keras_floatx(dtype):
        twin = twins.keras_twin(spec.model_spec(dtype), model)
        expected_loss, expected_grads, expected_dx = oracle.model_loss_and_gradients(
            twin, twins.keras_loss(spec.loss_spec(), dtype), x, y, training=training)
    loss, grads, dx = model.compute_loss_and_gradients(x, y, training=training, need_input_grad=True)
    rtol = tolerance(dtype, spec.activations)
    assert_close(loss, expected_loss, rtol, "loss")
    assert_all_close([*grads, dx], [*expected_grads, expected_dx], rtol,
                     "gradients [dL/dw in Keras trainable_weights order..., dL/dx]", joint=True)
    assert_all_close(model.get_weights(), [np.asarray(w) for w in twin.get_weights()], rtol,
                     "weights after the step (BatchNormalization moving statistics)")



# -- training loop ---------------------------------------------------------------------
def check_validation_split(x, validation_split):
    """`fit` with `validation_split` trains and validates on the parts Keras's split gives."""
    (train_idx,), (val_idx,) = train_validation_split((np.arange(x.shape[0]),), validation_split)
    x_train, x_val = x[np.asarray(train_idx)], x[np.asarray(val_idx)]
    model = scratch_nn.Sequential([layers.Input((1,), dtype="float64"),
                                   layers.Dense(1, use_bias=False, kernel_initializer="ones",
                                                dtype="float64")])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, np.zeros_like(x), batch_size=x.shape[0], epochs=1, verbose=0,
                        shuffle=False, validation_split=validation_split)
    assert_close(history.history["loss"][0], np.mean(x_train**2), 1e-12,
                 f"training loss with validation_split={validation_split}, n={x.shape[0]}")
    assert_close(history.history["val_loss"][0], np.mean(x_val**2), 1e-12,
                 f"val_loss with validation_split={validation_split}, n={x.shape[0]}")


class FakeModel:
    """Just what EarlyStopping touches: weights (the epoch they come from) and stop_training."""

    def __init__(self):
        self.weights = [np.array([-1.0])]
        self.stop_training = False

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def run_early_stopping(callback, values):
    """Drive `callback` through epochs with `values` as the monitored metric; returns the outcome."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    last_epoch = None
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {callback.monitor: value, "unwatched": 0.0})
        last_epoch = epoch
        if model.stop_training:
            break
    callback.on_train_end()
    best = None if callback.best is None else float(callback.best)
    return {
        "last_epoch": last_epoch, "stopped_epoch": callback.stopped_epoch,
        "best_epoch": callback.best_epoch, "wait": callback.wait, "best": best,
        "final_weights": float(model.weights[0][0]),
    }


def check_early_stopping(kwargs, values):
    """scratch_nn's and Keras's EarlyStopping on the same scripted sequence: same decisions."""
    ours = run_early_stopping(callbacks.EarlyStopping(**kwargs), values)
    theirs = run_early_stopping(keras.callbacks.EarlyStopping(**kwargs), values)
    assert ours == theirs, f"EarlyStopping({kwargs}) on {values}: scratch_nn {ours} != keras {theirs}"
