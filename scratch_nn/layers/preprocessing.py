"""Rescaling and Normalization: the input scaling Keras tutorials put first in a model.

Mirror ``keras/src/layers/preprocessing/rescaling.py`` and
``normalization.py``. Neither has trainable weights; both pass gradients
through their affine map.

Rescaling, e.g. ``scale=1/255`` for pixels::

    y = x * scale + offset,    dx = dout * scale

Normalization, with ``mean`` and ``variance`` per feature (given, or
computed from data by :meth:`Normalization.adapt`) and Keras's
``epsilon() = 1e-7`` as the smallest standard deviation::

    std = max(sqrt(variance), 1e-7)
    y   = (x - mean) / std,    dx = dout / std
    y   = mean + x * std,      dx = dout * std        # invert=True

Both cast their input to the layer's dtype first, as Keras's do, so
``uint8`` pixels go in as they are.
"""

import math

import numpy as np

from scratch_nn.layers.base import Layer

#: keras.backend.epsilon(): the smallest standard deviation Normalization divides by.
EPSILON = 1e-7


class Rescaling(Layer):
    """Multiply by ``scale`` and add ``offset``: ``y = x * scale + offset``.

    Args:
        scale: a float, or an array broadcast against one sample (per channel).
        offset: likewise, 0 by default.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        # Kept as plain numbers or lists, so a config is JSON as it stands.
        self.scale = np.asarray(scale).tolist()
        self.offset = np.asarray(offset).tolist()

    def forward(self, x, training=False):
        self._scale = np.asarray(self.scale, self.dtype)
        return np.asarray(x, self.dtype) * self._scale + np.asarray(self.offset, self.dtype)

    def backward(self, dout, need_input_grad=True):
        return dout * self._scale if need_input_grad else None


class Normalization(Layer):
    """Standardize features with a fixed mean and variance: ``y = (x - mean) / sqrt(variance)``.

    Weights (Keras's names, none trainable), unless ``mean`` and ``variance``
    are given: ``mean`` and ``variance`` of the shape of the kept axes, and
    ``count`` (an int64 scalar Keras keeps for old files; 0).

    Args:
        axis: the axis or axes that keep their own statistics, counted with
            the batch axis as 0 (``-1``: one mean per feature; ``None``: one
            mean for everything). The batch axis itself cannot be kept.
        mean, variance: optional, both or neither: a float, or an array
            broadcast against the kept axes (aligned from the right).
        invert: undo a normalization instead: ``y = mean + x * std``.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             f"set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have "
                                 f"the same shape. Received: mean shape {np.shape(mean)} and "
                                 f"variance shape {np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError("The rank of `mean` must be less than or equal to the number of "
                                 f"axes ({len(self.axis)}). Received: mean shape "
                                 f"{np.shape(mean)} for axis {self.axis}")
            mean, variance = np.asarray(mean).tolist(), np.asarray(variance).tolist()
        self.input_mean, self.input_variance = mean, variance
        self.invert = invert

    def get_config(self):
        """The constructor arguments (Keras's keys: ``mean`` and ``variance`` as given)."""
        return {"axis": list(self.axis), "mean": self.input_mean, "variance": self.input_variance,
                "invert": self.invert, "name": self.name, "dtype": self.dtype,
                "trainable": self.trainable}

    def build(self, input_shape):
        ndim = len(input_shape) + 1
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Received "
                             f"inputs with ndim={ndim}, while axis={self.axis}")
        keep = sorted(a % ndim for a in self.axis)
        if 0 in keep:
            raise ValueError(f"Normalization {self.name!r}: axis={self.axis} keeps the batch "
                             "axis, whose size is not known when the layer is built")
        full = (None, *input_shape)
        self._reduce_axes = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(full[d] if d in keep else 1 for d in range(ndim))
        stats_shape = tuple(full[d] for d in keep)
        if self.input_mean is None:
            self.add_weight("mean", stats_shape, lambda shape, dtype: np.zeros(shape, dtype),
                            trainable=False)
            self.add_weight("variance", stats_shape, lambda shape, dtype: np.ones(shape, dtype),
                            trainable=False)
            self.add_weight("count", (), lambda shape, dtype: np.zeros(shape, dtype),
                            trainable=False, dtype=np.int64)
        else:
            # Keras aligns the given statistics with the kept axes from the right.
            aligned = [1] * ndim
            for i, size in enumerate(reversed(np.shape(self.input_mean)), 1):
                aligned[keep[-i]] = size
            self._given = [np.broadcast_to(np.reshape(np.asarray(v, self.dtype), aligned)[0],
                                           self._broadcast_shape[1:])
                           for v in (self.input_mean, self.input_variance)]
        super().build(input_shape)

    def _statistics(self):
        """``(mean, std)`` shaped to broadcast against one batch."""
        if self.input_mean is not None:
            mean, variance = self._given
        else:
            mean = self.state["mean"].reshape(self._broadcast_shape[1:])
            variance = self.state["variance"].reshape(self._broadcast_shape[1:])
        return mean, np.maximum(np.sqrt(variance), np.asarray(EPSILON, variance.dtype))

    def forward(self, x, training=False):
        x = np.asarray(x, self.dtype)
        mean, self._std = self._statistics()
        if self.invert:
            return mean + x * self._std
        return (x - mean) / self._std

    def backward(self, dout, need_input_grad=True):
        if not need_input_grad:
            return None
        return dout * self._std if self.invert else dout / self._std

    def adapt(self, data):
        """Set ``mean`` and ``variance`` from ``data``: an array, or an iterable of batches.

        An array's statistics are computed at once over every axis not kept
        (the batch axis included). Batches (arrays, or ``(x, y)`` tuples whose
        ``x`` is used) are merged one at a time, as Keras merges them::

            w        = n_batch / (n_seen + n_batch)
            new_mean = (1 - w) * mean + w * batch_mean
            var      = (1 - w) * (var + (mean - new_mean)**2)
                       + w * (batch_var + (batch_mean - new_mean)**2)

        Raises:
            ValueError: ``mean`` and ``variance`` were given to the constructor,
                or the data's kept axes do not match the layer's.
        """
        if self.input_mean is not None:
            raise ValueError(f"Normalization {self.name!r}: adapt() cannot change the mean and "
                             "variance given to the constructor")
        if isinstance(data, np.ndarray) or hasattr(data, "__array__"):
            batches = [np.asarray(data)]
        else:
            batches = (np.asarray(b[0] if isinstance(b, tuple) else b) for b in data)
        total_mean = total_var = None
        seen = 0
        for batch in batches:
            if not self.built:
                self.build(batch.shape[1:])
            kept = [d for d in range(batch.ndim) if d not in self._reduce_axes]
            if batch.ndim != len(self._broadcast_shape) or any(
                    batch.shape[d] != self._broadcast_shape[d] for d in kept):
                raise ValueError(f"Normalization {self.name!r}: built for samples of shape "
                                 f"{self.input_shape}, adapt() received data of shape {batch.shape}")
            batch = batch.astype(np.float64)
            mean, var = batch.mean(axis=self._reduce_axes), batch.var(axis=self._reduce_axes)
            count = math.prod(batch.shape[d] for d in self._reduce_axes)
            if total_mean is None:
                total_mean, total_var, seen = mean, var, count
                continue
            seen += count
            w = count / seen
            new_mean = total_mean * (1 - w) + mean * w
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1 - w)
                         + (var + (mean - new_mean) ** 2) * w)
            total_mean = new_mean
        if total_mean is None:
            raise ValueError("adapt() received an empty iterable (no batches). Expected at "
                             "least one batch.")
        self.state["mean"][...] = total_mean
        self.state["variance"][...] = total_var
