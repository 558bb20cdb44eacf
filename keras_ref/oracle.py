"""The TensorFlow side of every comparison: what real Keras computes.

Each helper takes NumPy arrays, runs the real Keras 3 object (layer, model, loss,
optimizer) on the TensorFlow backend, and returns NumPy arrays, so a test can
put scratch_nn's answer next to TensorFlow's with nothing else in between:

- `forward`: the output of a Keras layer or model.
- `activation_value_and_gradient`: an activation and its vector-Jacobian
  product with an upstream gradient, by `tf.GradientTape`;
  `layer_value_and_gradients` the same for a layer, with its weights' gradients.
- `loss_value_and_gradient`: a loss and dL/dy_pred; `softmax_loss_value_and_gradient`
  the same loss fed by `keras.activations.softmax(logits)`, so that Keras takes
  its `_keras_logits` path (keras/src/backend/tensorflow/nn.py, `_get_logits`).
- `model_loss_and_gradients`: the training loss (with regularization) of a
  whole model and its gradient with respect to every trainable weight and to
  the input.
- `optimizer_trajectory`: k steps of a real Keras optimizer on given gradients,
  with the variables, the slots (m, v, velocity...) and the learning rate seen
  after every step.
- `fit_history`: `model.fit` with the per-epoch losses and weights recorded.

TensorFlow is imported here, never by `scratch_nn`.
"""

import contextlib
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras.src.backend.common import global_state

#: Public names of the optimizer slots, as scratch_nn exposes them. Keras 3
#: keeps them on the optimizer as `_momentums`, `_velocities`,
#: `_velocity_hats`, `_average_gradients` (Adam, RMSprop, Lion), `momentums`
#: (SGD), `_accumulators` (Adagrad, Ftrl), `_linears` (Ftrl),
#: `_accumulated_grads`, `_accumulated_delta_vars` (Adadelta), `_m`, `_u` (Adamax).
SLOT_NAMES = ("momentums", "velocities", "velocity_hats", "average_gradients", "accumulators",
              "linears", "accumulated_grads", "accumulated_delta_vars", "m", "u")


@contextlib.contextmanager
def keras_floatx(dtype):
    """Set Keras's default float type inside the block, then restore it.

    Keras makes an optimizer's learning-rate variable, and converts Python
    floats, in `floatx()`; comparing float64 maths needs both in float64, or
    the learning rate alone carries a float32 rounding error (~3e-8 relative).

    Keras also caches a global dtype policy from `floatx()` the first time a
    layer is made without a dtype; that cache is cleared on entry and put back
    on exit, so a layer made inside gets `dtype` and one made after gets the
    old float type again.
    """
    previous = keras.config.floatx()
    previous_policy = global_state.get_global_attribute("dtype_policy", None)
    keras.config.set_floatx(np.dtype(dtype).name)
    global_state.set_global_attribute("dtype_policy", None)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)
        global_state.set_global_attribute("dtype_policy", previous_policy)


def to_numpy(value):
    """A TensorFlow tensor, Keras variable or array as a NumPy array."""
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def forward(layer, x, training=False):
    """Output of a Keras layer or model on `x`.

    Args:
        layer: a built or unbuilt Keras layer or model.
        x: NumPy input, `(batch, ...)`.
        training: the Keras `training` flag (Dropout, BatchNormalization).

    Returns:
        NumPy array, the layer's output.
    """
    return to_numpy(layer(tf.constant(x), training=training))


def activation_value_and_gradient(name, x, upstream, **kwargs):
    """Keras activation `name` on `x` and the product of its Jacobian with `upstream`.

    Args:
        name: a Keras activation name ('relu', 'softmax', ...).
        x: NumPy array `(batch, units)`.
        upstream: dL/dy, same shape as `x`.
        kwargs: the activation's arguments (`relu`'s `max_value`, `gelu`'s `approximate`...).

    Returns:
        `(y, dx)` with `dx = upstream @ dy/dx` (for softmax the full Jacobian,
        elementwise activations the diagonal).
    """
    fn = keras.activations.get(name)
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        y = fn(x_t, **kwargs)
    return to_numpy(y), to_numpy(tape.gradient(y, x_t, output_gradients=tf.constant(upstream)))


def layer_value_and_gradients(layer, x, upstream, training=False):
    """A built Keras layer's output and the vector-Jacobian products with `upstream`, by `tf.GradientTape`.

    Args:
        layer: a built Keras layer.
        x: NumPy input, `(batch, ...)`.
        upstream: dL/dy, shaped like the output.
        training: the Keras `training` flag.

    Returns:
        `(y, dx, weight_grads)`: the output, dL/dx and a list of dL/dw aligned
        with `layer.trainable_weights` (zeros for a weight the output does
        not depend on).
    """
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        y = layer(x_t, training=training)
    grads = tape.gradient(y, [x_t, *layer.trainable_weights], output_gradients=tf.constant(upstream),
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return to_numpy(y), to_numpy(grads[0]), [to_numpy(g) for g in grads[1:]]


def loss_value_and_gradient(loss, y_true, y_pred):
    """A Keras loss (reduced over the batch) and its gradient dL/dy_pred.

    `y_pred` enters as a plain tensor, so for probabilities Keras clips to
    [1e-7, 1 - 1e-7] (and the gradient is zero where it clipped).

    Args:
        loss: a Keras loss object, e.g. `keras.losses.CategoricalCrossentropy()`.
        y_true: NumPy labels (integers for the sparse loss, else like `y_pred`).
        y_pred: NumPy predictions `(batch, classes)`.

    Returns:
        `(value, grad)`: float and NumPy array shaped like `y_pred`.
    """
    y_pred_t = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(y_pred_t)
        value = loss(tf.constant(y_true), y_pred_t)
    return float(value), to_numpy(tape.gradient(value, y_pred_t))


def softmax_loss_value_and_gradient(loss, y_true, logits):
    """A Keras loss on `softmax(logits)` and its gradient with respect to the logits.

    The probabilities come from `keras.activations.softmax`, which tags them
    with `_keras_logits`; the loss then works from the logits, unclipped,
    exactly as it does behind a `Dense(..., activation='softmax')` layer.

    Returns:
        `(value, probabilities, grad_logits)`.
    """
    logits_t = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(logits_t)
        probabilities = keras.activations.softmax(logits_t)
        value = loss(tf.constant(y_true), probabilities)
    return float(value), to_numpy(probabilities), to_numpy(tape.gradient(value, logits_t))


def model_loss_and_gradients(model, loss, x, y, training=True):
    """Training loss of a Keras model and its gradients, by `tf.GradientTape`.

    The loss is what Keras's `train_step` differentiates:
    `loss(y, model(x, training)) + sum(model.losses)` (the regularization
    penalties, keras/src/trainers/trainer.py `_compute_loss`).

    Args:
        model: a built Keras model. With `training=True` its BatchNormalization
            moving statistics are updated once, as in a real step.
        loss: a Keras loss object.
        x, y: NumPy inputs and targets.

    Returns:
        `(value, weight_grads, input_grad)`: the float loss, a list of NumPy
        gradients aligned with `model.trainable_weights`, and dL/dx.
    """
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        value = loss(tf.constant(y), model(x_t, training=training))
        if model.losses:
            value = value + tf.add_n(model.losses)
    grads = tape.gradient(value, [*model.trainable_weights, x_t])
    return float(value), [to_numpy(g) for g in grads[:-1]], to_numpy(grads[-1])


@dataclass
class OptimizerState:
    """What a Keras optimizer holds after one step.

    Attributes:
        variables: the updated variables, NumPy arrays in the order given.
        slots: slot name (one of `SLOT_NAMES`) -> list of NumPy arrays aligned
            with `variables`; only the slots this optimizer configuration has.
        learning_rate: the learning rate the step used (a schedule is read at
            the iteration count before the step, as Keras does).
        iterations: the optimizer's step counter after the step.
    """

    variables: list
    slots: dict
    learning_rate: float
    iterations: int


def optimizer_slots(optimizer):
    """The slot variables of a built Keras optimizer, by public name, as NumPy."""
    slots = {}
    for name in SLOT_NAMES:
        values = getattr(optimizer, "_" + name, None) or getattr(optimizer, name, None)
        if values:
            slots[name] = [to_numpy(v) for v in values]
    return slots


def optimizer_trajectory(make_optimizer, variables, gradient_steps, dtype):
    """Apply a real Keras optimizer for k steps and record its state after each.

    Args:
        make_optimizer: zero-argument callable returning a fresh Keras
            optimizer; called under `keras_floatx(dtype)` so its learning rate
            lives in `dtype`.
        variables: list of NumPy arrays, the initial variables (not mutated).
        gradient_steps: list of k lists of NumPy arrays, one gradient per
            variable per step.
        dtype: float dtype of the variables and of the arithmetic.

    Returns:
        list of k `OptimizerState`.
    """
    states = []
    with keras_floatx(dtype):
        optimizer = make_optimizer()
        tf_vars = [keras.Variable(np.array(v, dtype=dtype), dtype=dtype) for v in variables]
        for grads in gradient_steps:
            learning_rate = float(to_numpy(optimizer.learning_rate))
            optimizer.apply_gradients(
                [(tf.constant(np.asarray(g, dtype=dtype)), v) for g, v in zip(grads, tf_vars)]
            )
            states.append(
                OptimizerState(
                    variables=[to_numpy(v) for v in tf_vars],
                    slots=optimizer_slots(optimizer),
                    learning_rate=learning_rate,
                    iterations=int(to_numpy(optimizer.iterations)),
                )
            )
    return states


def weights_recorder(base=keras.callbacks.Callback):
    """A callback keeping `model.get_weights()` at the end of every epoch.

    Args:
        base: the callback class to derive from: Keras's, or
            `scratch_nn.callbacks.Callback` for the scratch_nn side.
    """

    class WeightsRecorder(base):
        def __init__(self):
            super().__init__()
            self.weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append(self.model.get_weights())

    return WeightsRecorder()


def fit_history(model, x, y, **fit_kwargs):
    """Run Keras `model.fit` (no XLA) and record weights after every epoch.

    The model must be compiled; pass `jit_compile=False` to `compile` or rely
    on this function to turn XLA off, since XLA may fuse and reorder float32
    arithmetic.

    Returns:
        `(history_dict, weights_per_epoch)`: `History.history` and a list with,
        for each epoch, the list of NumPy weights.
    """
    model.jit_compile = False
    recorder = weights_recorder()
    callbacks = [*fit_kwargs.pop("callbacks", []), recorder]
    history = model.fit(x, y, verbose=0, callbacks=callbacks, **fit_kwargs)
    return history.history, recorder.weights
