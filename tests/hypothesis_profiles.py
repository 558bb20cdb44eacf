"""Hypothesis profiles, chosen by the environment variable HYPOTHESIS_PROFILE.

- ``ci`` (the default): deterministic (``derandomize=True``, no example
  database), 20 examples per property, sized so the TensorFlow property suite
  runs in a few minutes on 2 cores.
- ``dev``: 5 times the examples, random seeds, the example database on, for a
  longer search on a workstation: ``HYPOTHESIS_PROFILE=dev make test``.

Both turn deadlines off: TensorFlow's first call of an op traces and can take
seconds. Importing this module registers and loads the profile; tests that are
expensive per example ask for fewer with :func:`examples`, which scales with
the profile.
"""

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=20, deadline=None, derandomize=True, database=None,
    print_blob=True, suppress_health_check=_SLOW_OK,
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, print_blob=True, suppress_health_check=_SLOW_OK,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

#: examples per property in ``ci``; :func:`examples` scales other counts by the same ratio
_CI_EXAMPLES = 20


def examples(ci_count):
    """A ``settings`` decorator for ``ci_count`` examples in ``ci``, scaled in other profiles."""
    scaled = ci_count * settings.default.max_examples // _CI_EXAMPLES
    return settings(max_examples=max(1, scaled))
