"""The floor for NumPy: a plain vectorized training loop with nothing around it.

The benchmark's ``numpy_loop`` row. It trains the benchmark's 784-128-10
ReLU/softmax MLP with sparse categorical cross-entropy and Adam (Keras's
defaults) using the same arithmetic as ``scratch_nn``'s ``fit``: one matrix
product per layer and direction (after `scratch_nn.blas.warm_up`, as a
``Sequential`` model), the fused softmax cross-entropy gradient,
and ``scratch_nn``'s own Adam, twelve in-place passes over one flat parameter
buffer. It has no layers, callbacks, metrics objects, input checks or progress
bar; it only sums the loss and the hits, as ``fit`` logs them. ``fit`` minus
this loop is what the library's structure costs; this loop minus the matrix
products alone is what the rest of the arithmetic (softmax, ReLU, Adam) costs.

For a batch ``x`` ``(n, 784)`` with labels ``y``::

    h = relu(x W1 + b1),  z = h W2 + b2,  p = softmax(z)
    loss = mean(-log p[y]),  dz = (p - onehot(y)) / n
    dW2 = h^T dz,  db2 = sum(dz),  dh = (dz W2^T) * (h > 0)
    dW1 = x^T dh,  db1 = sum(dh)

then one Adam step (`scratch_nn.optimizers.Adam`) on every weight at once.
"""

import numpy as np

from scratch_nn import blas
from scratch_nn.optimizers import Adam


class PlainMLP:
    """A two-layer MLP whose weights are views of one flat float32 buffer.

    Args:
        weights: ``[W1, b1, W2, b2]`` as ``get_weights`` returns them.
        learning_rate: Adam's step size.
    """

    def __init__(self, weights, learning_rate):
        sizes = [w.size for w in weights]
        self.flat = np.concatenate([np.ravel(w) for w in weights]).astype(np.float32)
        self.grads = np.zeros_like(self.flat)
        bounds = np.cumsum([0, *sizes])
        self.w1, self.b1, self.w2, self.b2 = (
            self.flat[a:b].reshape(w.shape) for a, b, w in zip(bounds, bounds[1:], weights))
        self.g1, self.gb1, self.g2, self.gb2 = (
            self.grads[a:b].reshape(w.shape) for a, b, w in zip(bounds, bounds[1:], weights))
        self.optimizer = Adam(learning_rate)
        blas.warm_up()

    def get_weights(self):
        return [w.copy() for w in (self.w1, self.b1, self.w2, self.b2)]

    def accuracy(self, x, y):
        """Fraction of ``x`` whose largest logit ``relu(x W1 + b1) W2 + b2`` is at the label ``y``."""
        z = np.maximum(x @ self.w1 + self.b1, 0) @ self.w2 + self.b2
        return float(np.mean(z.argmax(axis=1) == y))

    def train_step(self, x, y):
        """One Adam step on the batch; returns ``(summed loss, hits)``."""
        n = x.shape[0]
        rows = np.arange(n)
        h = x @ self.w1
        h += self.b1
        np.maximum(h, 0, out=h)
        z = h @ self.w2
        z += self.b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        total = p.sum(axis=1, keepdims=True)
        loss = float(np.sum(np.log(total[:, 0]) - z[rows, y]))
        hits = int(np.count_nonzero(z.argmax(axis=1) == y))
        p /= total * n
        p[rows, y] -= np.float32(1 / n)
        np.matmul(h.T, p, out=self.g2)
        p.sum(axis=0, out=self.gb2)
        dh = p @ self.w2.T
        dh *= h > 0
        np.matmul(x.T, dh, out=self.g1)
        dh.sum(axis=0, out=self.gb1)
        self.optimizer.apply_gradients([(self.grads, self.flat)])
        return loss, hits

    def epoch(self, x, y, batch_size, rng):
        """One shuffled epoch; returns the mean loss and accuracy over it."""
        order = rng.permutation(x.shape[0])
        loss, hits = 0.0, 0
        for first in range(0, x.shape[0], batch_size):
            idx = order[first:first + batch_size]
            batch_loss, batch_hits = self.train_step(x[idx], y[idx])
            loss, hits = loss + batch_loss, hits + batch_hits
        return loss / x.shape[0], hits / x.shape[0]
