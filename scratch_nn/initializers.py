"""Weight initializers with Keras's names, defaults and formulas.

Mirrors ``keras/src/initializers/random_initializers.py`` and
``constant_initializers.py`` (the names ``get`` accepts: ``__init__.py``
there). An initializer is called as
``init(shape, dtype)`` and returns a new array. Fans follow Keras's
``compute_fans``: for a ``(in, units)`` kernel, ``fan_in = in`` and
``fan_out = units``; for a vector, both are its length.

Random initializers without a ``seed`` draw from the global generator
(:mod:`scratch_nn.random`), so ``set_random_seed`` makes them repeat.
"""

import math
import re

import numpy as np

from scratch_nn import random as _random
from scratch_nn.config import resolve, standardize_dtype
from scratch_nn.serialization import Configurable

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


class Initializer(Configurable):
    """Base class: ``__call__(shape, dtype=None)`` returns a new array.

    ``get_config()`` / ``from_config()`` (``keras/src/initializers/initializer.py``)
    come from :class:`~scratch_nn.serialization.Configurable`: the
    constructor's arguments (``{"seed": None}`` for ``GlorotUniform()``).
    """

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


class Constant(Initializer):
    """Every entry ``value`` (Keras default 0.0)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        return np.asarray(self.value, dtype) * np.ones(shape, dtype)


class Identity(Initializer):
    """``gain * I``: ones on the diagonal of a 2-D ``(rows, cols)`` shape (rectangular too)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        return (self.gain * np.eye(*shape)).astype(standardize_dtype(dtype))


class RandomNormal(Initializer):
    """``w ~ N(mean, stddev**2)``; Keras defaults mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        g = _random.make_generator(self.seed)
        w = self.mean + self.stddev * g.standard_normal(shape)
        return w.astype(standardize_dtype(dtype))


class RandomUniform(Initializer):
    """``w ~ U(minval, maxval)``; Keras defaults -0.05 and 0.05 (old code's ``init='uniform'``)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        g = _random.make_generator(self.seed)
        return g.uniform(self.minval, self.maxval, shape).astype(standardize_dtype(dtype))


class TruncatedNormal(Initializer):
    """``w = mean + stddev z``, ``z ~ N(0, 1)`` redrawn until ``|z| <= 2``; defaults 0 and 0.05.

    Unlike ``VarianceScaling``, ``stddev`` is not corrected for the
    truncation: the draws' standard deviation is ``0.8796 stddev``, as in Keras.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        g = _random.make_generator(self.seed)
        w = self.mean + truncated_normal(g, shape, self.stddev)
        return w.astype(standardize_dtype(dtype))


class Orthogonal(Initializer):
    """``gain * Q``, ``Q`` from the QR factorization of a normal matrix: orthonormal rows or columns.

    The shape is flattened to ``(rows, cols) = (prod(shape[:-1]), shape[-1])``;
    ``A ~ N(0, 1)`` of shape ``(max, min)`` is factored ``A = Q R`` and ``Q``'s
    columns are multiplied by ``sign(diag(R))`` (so ``Q`` is uniformly
    distributed over the orthogonal matrices), then transposed when there
    are fewer rows than columns. So ``W^T W = gain**2 I`` when
    ``rows >= cols``, else ``W W^T = gain**2 I``.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = _random.make_generator(self.seed).standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(standardize_dtype(dtype))


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


class LecunNormal(VarianceScaling):
    """Truncated normal with ``var = 1 / fan_in`` (for SELU layers)."""

    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed)


class LecunUniform(VarianceScaling):
    """``w ~ U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``."""

    def __init__(self, seed=None):
        super().__init__(1.0, "fan_in", "uniform", seed)


def _snake_case(name):
    """``GlorotUniform`` -> ``glorot_uniform``, as Keras's ``to_snake_case``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
            Orthogonal, VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform,
            LecunNormal, LecunUniform)

#: Keras's names: each class's own and its snake_case form, and Keras's aliases.
_REGISTRY = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{_snake_case(cls.__name__): cls for cls in _CLASSES},
    "normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros,
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
}


def get(identifier):
    """Return an initializer for a Keras name or an :class:`Initializer` instance.

    Names, as ``keras.initializers.get`` takes them: a class name
    (``"RandomUniform"``), its snake_case form (``"random_uniform"``) or one of
    Keras's aliases (``"uniform"``, ``"normal"``, ``"one"``, ``"zero"``); ``None`` gives ``None``.
    """
    if identifier is None:
        return None
    return resolve("initializer", identifier, _REGISTRY, Initializer)
