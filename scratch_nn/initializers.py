"""Weight initializers with Keras's names, defaults and formulas.

Mirrors ``keras/src/initializers/random_initializers.py`` and
``constant_initializers.py``. An initializer is called as
``init(shape, dtype)`` and returns a new array. Fans follow Keras's
``compute_fans``: for a ``(in, units)`` kernel, ``fan_in = in`` and
``fan_out = units``; for a vector, both are its length.

Random initializers without a ``seed`` draw from the global generator
(:mod:`scratch_nn.random`), so ``set_random_seed`` makes them repeat.
"""

import math

import numpy as np

from scratch_nn import random as _random
from scratch_nn.config import resolve, standardize_dtype

# std of a unit normal truncated to [-2, 2]; Keras divides by it so the
# truncated draw keeps the intended variance.
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape):
    """Return ``(fan_in, fan_out)`` for a weight shape, as Keras computes them."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def truncated_normal(generator, shape, stddev):
    """Normal draws with mean 0 and ``stddev``, redrawn until within two ``stddev``."""
    out = generator.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = generator.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out * stddev


class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns a new array."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, standardize_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(shape, standardize_dtype(dtype))


class RandomNormal(Initializer):
    """``w ~ N(mean, stddev**2)``; Keras defaults mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        g = _random.make_generator(self.seed)
        w = self.mean + self.stddev * g.standard_normal(shape)
        return w.astype(standardize_dtype(dtype))


class VarianceScaling(Initializer):
    """Scale-aware draws: ``var(w) = scale / n``, ``n`` = fan_in, fan_out or their mean.

    ``distribution='uniform'``: ``w ~ U(-limit, limit)``, ``limit = sqrt(3 scale / n)``.
    ``distribution='truncated_normal'``: ``w ~ N(0, s**2)`` truncated at ``2 s``,
    ``s = sqrt(scale / n) / 0.8796`` (so the truncated variance is ``scale / n``).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        # Keras's messages (keras/src/initializers/random_initializers.py), word for word
        if not scale > 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                f"Invalid `mode` argument: {mode}. Please use one of "
                "{'fan_in', 'fan_out', 'fan_avg'}"
            )
        if distribution not in ("uniform", "truncated_normal"):
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}.Please use one of "
                "{'uniform', 'truncated_normal'} (Keras's 'untruncated_normal' is not "
                "in scratch_nn)"
            )
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        g = _random.make_generator(self.seed)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            w = g.uniform(-limit, limit, shape)
        else:
            w = truncated_normal(g, shape, math.sqrt(scale) / _TRUNCATED_STD)
        return w.astype(standardize_dtype(dtype))


class GlorotUniform(VarianceScaling):
    """``w ~ U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Dense's default)."""

    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)


class GlorotNormal(VarianceScaling):
    """Truncated normal with ``var = 2 / (fan_in + fan_out)``."""

    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)


class HeNormal(VarianceScaling):
    """Truncated normal with ``var = 2 / fan_in`` (for ReLU layers)."""

    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)


class HeUniform(VarianceScaling):
    """``w ~ U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``."""

    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "uniform", seed)


_REGISTRY = {
    "zeros": Zeros,
    "ones": Ones,
    "random_normal": RandomNormal,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
}


def get(identifier):
    """Return an initializer for a Keras name or an :class:`Initializer` instance (``None``: ``None``)."""
    if identifier is None:
        return None
    return resolve("initializer", identifier, _REGISTRY, Initializer)
