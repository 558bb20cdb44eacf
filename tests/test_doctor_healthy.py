"""The doctor warns about nothing on healthy setups (12,000 MNIST images, default budget).

Pixels / 255 (and standardized pixels), 784-128-10, Adam(1e-3), batch 128,
a 20% validation split: every check must be OK. A recommendation here would
be advice that makes a healthy setup no faster, which the probes behind each
fix (`experiments.doctor.probe`) exist to prevent. The full diagnosis (all
ten checks, every probe) leaves the user's model as it was.
"""

import numpy as np
import pytest

from experiments.doctor import OK, diagnose
from experiments.doctor.seed_setups import example_setting, setup_arguments
from scratch_nn import utils

pytestmark = pytest.mark.mnist


@pytest.mark.parametrize("preprocessing", ["scale", "standardize"])
def test_healthy_setup_gets_no_warning(mnist, preprocessing):
    (x, y), (x_test, y_test) = mnist
    setting = example_setting(1, preprocessing=preprocessing, optimizer="adam", batch_size=128,
                              epochs=10, validation_split=0.2)
    utils.set_random_seed(0)
    model, arguments = setup_arguments(setting, (x[:12000], y[:12000], x_test[:2000],
                                                 y_test[:2000]))
    before = model.get_weights()
    report = diagnose(model, **arguments)
    flagged = [(r.key, r.status, r.summary) for r in report.results if r.status != OK]
    assert flagged == []
    assert report.ranked_fixes() == []
    assert len(report.results) == 10
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert model.optimizer.iterations == 0
    assert "Fixes, ranked by expected gain" in report.to_markdown()
