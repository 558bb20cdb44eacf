"""keras/src/activations/activations_test.py

The table in ``data/activations_test.py`` (random inputs drawn once, with seed 1337, when the table was extracted), replayed on ``scratch_nn.activations``.
"""

import math

import numpy as np
import pytest

from scratch_nn import activations
from tests.keras_cases.data import activations_test as data
from tests.keras_cases.replay import in_scope, params, replay
from tests.keras_cases.support import need, need_kwarg

#: not ported: activations of other architectures, neither in scratch_nn nor planned
OUT_OF_SCOPE = ('celu', 'glu', 'sparsemax', 'hard_shrink', 'tanh_shrink', 'squareplus', 'soft_shrink', 'sparse_plus', 'sparse_sigmoid', 'log_sigmoid', 'hard_tanh', 'threshold', 'log_softmax', 'hard_silu')
CASES = in_scope(data.CASES, OUT_OF_SCOPE)


#: cases where scratch_nn differs from Keras on purpose
KNOWN_DIFFERENCES = {
    "ActivationsTest::test_get_method": "activations.get returns the activation object a layer "
                                         "uses (forward and backward), not Keras's function",
}


@pytest.mark.parametrize("case", params(CASES, KNOWN_DIFFERENCES))
def test_case(case):
    if case["id"].startswith("ActivationsTest::test_relu_"):  # relu's Keras arguments
        need_kwarg(activations.relu, "negative_slope", "activations.relu(negative_slope=, ...)")
    replay(activations, case)


def _gelu(x, approximate=False):
    """Keras's reference in test_gelu (``x * norm.cdf(x)`` written with ``erf``)."""
    if approximate:
        return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * np.power(x, 3))))
    return x * 0.5 * (1.0 + np.vectorize(math.erf)(x / np.sqrt(2.0)))


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu(approximate):
    """ActivationsTest::test_gelu (by hand: Keras's reference uses SciPy, here ``math.erf``)."""
    gelu = need(activations, "gelu")
    x = np.random.RandomState(1337).random_sample((2, 5))
    kwargs = {"approximate": True} if approximate else {}
    np.testing.assert_allclose(gelu(x[np.newaxis, :], **kwargs)[0], _gelu(x, approximate),
                               rtol=1e-5, atol=1e-6)
