"""THE SLOW REFERENCE: a deliberately naive MLP trainer, one sample at a time in Python.

Never train anything with this. It exists so that the ``implementation``
experiment can measure what vectorization buys. It computes what ``scratch_nn``
and Keras compute for hidden Dense(relu) layers, a Dense(softmax) output,
sparse categorical cross-entropy and plain SGD, but like Michael Nielsen's
``network.py`` (``update_mini_batch``: ``for x, y in mini_batch:
self.backprop(x, y)``) it backpropagates every sample on its own and sums the
per-sample gradients, so each step costs a Python loop over the batch instead
of one matrix product. Unlike ``network.py`` it is row-major, as the rest of
the project: a sample is a row ``(features,)``, a kernel is ``(in, out)``.

Per sample, with ``a_0 = x`` and ``a_l = relu(a_{l-1} W_l + b_l)``::

    p = softmax(a_{L-1} W_L + b_L),   loss = -log p[y]
    delta_L = p - onehot(y)                      (dloss/dz of the output layer)
    dW_l = outer(a_{l-1}, delta_l),  db_l = delta_l
    delta_{l-1} = (W_l delta_l) * (a_{l-1} > 0)

and per mini-batch of n samples ``W <- W - learning_rate * sum(dW) / n``.
"""

import itertools

import numpy as np

_CLIP = 1e-7  # as Keras clips probabilities before the log


class Callback:
    """The part of ``keras.callbacks.Callback`` that `NaiveMLP.fit` calls."""

    def __init__(self):
        self.model = None

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        """Called before each epoch."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after each epoch with its ``logs``."""


class NaiveMLP:
    """An MLP trained by per-sample backpropagation and mini-batch SGD.

    Args:
        sizes: layer widths, input first: ``(784, 128, 10)``.
        learning_rate: the SGD step size.
        seed: seeds the Glorot-uniform kernels and the epoch shuffles.
    """

    def __init__(self, sizes, learning_rate, seed=0):
        self.rng = np.random.default_rng(seed)
        self.kernels = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.kernels.append(self.rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"))
        self.biases = [np.zeros(fan_out, dtype="float32") for fan_out in sizes[1:]]
        self.learning_rate = learning_rate
        self.stop_training = False

    def forward(self, x):
        """Activations of every layer for one sample ``x`` ``(784,)``; the last is p."""
        activations = [x]
        for kernel, bias in zip(self.kernels[:-1], self.biases[:-1]):
            activations.append(np.maximum(activations[-1] @ kernel + bias, 0.0))
        logits = activations[-1] @ self.kernels[-1] + self.biases[-1]
        exp = np.exp(logits - logits.max())
        activations.append(exp / exp.sum())
        return activations

    def backprop(self, x, label):
        """Loss and per-layer (dW, db) for one sample, by the chain rule above."""
        activations = self.forward(x)
        probabilities = activations[-1]
        delta = probabilities.copy()
        delta[label] -= 1.0
        grads = []
        for layer in reversed(range(len(self.kernels))):
            grads.append((np.outer(activations[layer], delta), delta))
            if layer > 0:
                delta = (self.kernels[layer] @ delta) * (activations[layer] > 0)
        loss = -np.log(max(probabilities[label], _CLIP))
        return loss, grads[::-1], int(np.argmax(probabilities) == label)

    def train_batch(self, x_batch, y_batch):
        """One SGD step on a mini-batch, a sample at a time. Returns (loss sum, hits)."""
        kernel_sums = [np.zeros_like(kernel) for kernel in self.kernels]
        bias_sums = [np.zeros_like(bias) for bias in self.biases]
        loss_sum, hits = 0.0, 0
        for x, label in zip(x_batch, y_batch):
            loss, grads, hit = self.backprop(x, label)
            loss_sum, hits = loss_sum + loss, hits + hit
            for layer, (d_kernel, d_bias) in enumerate(grads):
                kernel_sums[layer] += d_kernel
                bias_sums[layer] += d_bias
        step = self.learning_rate / len(x_batch)
        for layer in range(len(self.kernels)):
            self.kernels[layer] -= step * kernel_sums[layer]
            self.biases[layer] -= step * bias_sums[layer]
        return loss_sum, hits

    def fit(self, x, y, batch_size=32, epochs=1, validation_split=0.0, callbacks=(), verbose=0):
        """Train as ``keras.Model.fit`` does (last ``validation_split`` held out).

        Returns:
            None; callbacks receive ``logs`` with loss, accuracy (and val_*).
        """
        x = np.asarray(x, dtype="float32").reshape(len(x), -1)
        n_train = len(x) - int(len(x) * validation_split)
        validation = (x[n_train:], y[n_train:]) if n_train < len(x) else None
        for callback in callbacks:
            callback.set_model(self)
        for epoch in range(epochs):
            for callback in callbacks:
                callback.on_epoch_begin(epoch)
            order = self.rng.permutation(n_train)
            loss_sum, hits = 0.0, 0
            for start in range(0, n_train, batch_size):
                batch = order[start:start + batch_size]
                batch_loss, batch_hits = self.train_batch(x[batch], y[batch])
                loss_sum, hits = loss_sum + batch_loss, hits + batch_hits
            logs = {"loss": loss_sum / n_train, "accuracy": hits / n_train}
            if validation is not None:
                logs["val_loss"], logs["val_accuracy"] = self.evaluate(*validation)
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs)
            if self.stop_training:
                break

    def evaluate(self, x, y, verbose=0):
        """[mean loss, accuracy] on ``x``, one sample at a time."""
        x = np.asarray(x, dtype="float32").reshape(len(x), -1)
        losses, hits = 0.0, 0
        for sample, label in zip(x, y):
            probabilities = self.forward(sample)[-1]
            losses += -np.log(max(probabilities[label], _CLIP))
            hits += int(np.argmax(probabilities) == label)
        return [losses / len(x), hits / len(x)]


def from_setting(setting, seed):
    """The `NaiveMLP` for a `Setting`; only plain SGD, relu and Glorot are supported."""
    name, kwargs = setting.optimizer if not isinstance(setting.optimizer, str) else ("SGD", {})
    unsupported = (
        name != "SGD"
        or set(kwargs) - {"learning_rate"}
        or setting.activation != "relu"
        or setting.initializer != "glorot_uniform"
        or setting.dropout
        or setting.l2
        or setting.early_stopping
    )
    if unsupported:
        raise ValueError(f"the naive loop trains only plain SGD, relu, glorot_uniform: {setting}")
    sizes = (28 * 28, *setting.hidden, 10)
    return NaiveMLP(sizes, kwargs.get("learning_rate", 0.01), seed)
