"""keras/src/losses/losses_test.py

The test classes of the losses an MLP uses (mean squared/absolute/percentage/
log errors, the hinges, cosine similarity, Huber, log-cosh, KL divergence,
Poisson, the three cross-entropies), from the table in
``data/losses_test.py``. Not ported: the focal, CTC, Dice, Tversky, Circle and
generalized cross-entropy classes (sequence, segmentation and metric-learning
losses, not MLP building blocks).
"""

import pytest

from scratch_nn import losses
from tests.keras_cases.data import losses_test as data
from tests.keras_cases.replay import params, replay
from tests.keras_cases.support import refused

_SEGMENTATION = ("ignore_class and a class axis other than the last are arguments for "
                 "per-pixel segmentation; scratch_nn refuses them (test_scratch_segmentation_refused)")
#: cases that need what scratch_nn refuses by design
REFUSED = {
    "SparseCategoricalCrossentropyTest::test_ignore_class": _SEGMENTATION,
    "SparseCategoricalCrossentropyTest::test_binary_segmentation_different_axis": _SEGMENTATION,
    "SparseCategoricalCrossentropyTest::test_squeezes_singleton_class_dim_on_user_axis":
        _SEGMENTATION,
    "SparseCategoricalCrossentropyTest::test_multi_class_segmentation_different_axis":
        _SEGMENTATION,
}


_CONFIG = ("Keras 3.15's config of this loss holds only name and reduction (from_config "
           "loses {}); scratch_nn's holds the constructor's arguments")
#: cases where scratch_nn differs from Keras on purpose
KNOWN_DIFFERENCES = {
    "CosineSimilarityTest::test_config": _CONFIG.format("axis"),
    "HuberLossTest::test_config": _CONFIG.format("delta"),
}


@pytest.mark.parametrize("case", params(data.CASES, KNOWN_DIFFERENCES))
def test_case(case):
    if case["id"] in REFUSED:
        refused(REFUSED[case["id"]])
    replay(losses, case)


@pytest.mark.parametrize("kwargs", [{"ignore_class": -1}, {"axis": 1}])
def test_scratch_segmentation_refused(kwargs):
    """The documented refusal: ``NotImplementedError`` naming the argument."""
    with pytest.raises(NotImplementedError, match=next(iter(kwargs))):
        losses.SparseCategoricalCrossentropy(**kwargs)
