"""One random source for the whole library, so one seed repeats a run bit for bit.

``set_seed`` resets the global generator; every initializer, dropout layer and
shuffle without its own ``seed`` draws from it, in creation order. Mirrors the
role of ``keras/src/utils/rng_utils.py`` (``set_random_seed``).
"""

import numpy as np

_global = {"generator": np.random.default_rng()}


def set_seed(seed):
    """Reset the global generator to ``np.random.default_rng(seed)``."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"seed must be a non-negative integer, received {seed!r}"
        )
    _global["generator"] = np.random.default_rng(int(seed))


def global_generator():
    """Return the global ``np.random.Generator``."""
    return _global["generator"]


def make_generator(seed=None):
    """Return a generator of its own: from ``seed`` if given, else drawn from the global one."""
    if seed is None:
        seed = int(_global["generator"].integers(2**63))
    return np.random.default_rng(seed)
