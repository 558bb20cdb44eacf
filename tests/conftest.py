"""Shared fixtures: Hypothesis profile, quiet TensorFlow, MNIST with skip-or-fail logic."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

import tests.hypothesis_profiles  # noqa: F401  (registers and loads the profile)
from scratch_nn import config
from scratch_nn.datasets import mnist as mnist_module


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST arrays; skipped when absent, unless ``MNIST_REQUIRED=1`` makes it a failure."""
    if not mnist_module.available():
        message = "MNIST not found (set MNIST_DATA_DIR or fill the Keras cache)"
        if os.environ.get("MNIST_REQUIRED") == "1":
            pytest.fail(message + "; MNIST_REQUIRED=1 forbids skipping")
        pytest.skip(message)
    return mnist_module.load_data()


@pytest.fixture(autouse=True)
def _restore_floatx():
    """A test that calls ``set_floatx`` cannot leak its float type into the next one."""
    before = config.floatx()
    yield
    config.set_floatx(before)


@pytest.fixture
def rng():
    """A seeded NumPy generator for test data."""
    return np.random.default_rng(1234)
