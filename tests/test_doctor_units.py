"""The doctor's pieces on synthetic data: formulas, ranking, copies, errors (no MNIST)."""

import json
import math

import numpy as np
import pytest

import scratch_nn as keras
from experiments.doctor import CheckResult, Report, diagnose
from experiments.doctor.initialization import symmetric
from experiments.doctor.input_scale import column_normalized
from experiments.doctor.learning_rate import (
    SUGGESTION_DIVISOR,
    range_test,
    smooth,
    suggest_learning_rate,
)
from experiments.doctor.setup import Setup, fresh_optimizer
from experiments.doctor.speed import fit_overhead, flops_per_sample


def _model(optimizer="adam", hidden=16, features=8, classes=3):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((features,)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


def _blobs(n=600, features=8, classes=3, seed=0):
    """Three Gaussian clusters: learnable in a few dozen steps."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centres = rng.normal(0, 2, (classes, features))
    return (centres[y] + rng.normal(0, 1, (n, features))).astype("float32"), y


def test_fit_overhead_recovers_a_and_c():
    a, c = 2e-4, 3e-6
    sizes = [1, 16, 512]
    got_a, got_c = fit_overhead(sizes, [a + c * b for b in sizes])
    assert got_a == pytest.approx(a, rel=1e-9)
    assert got_c == pytest.approx(c, rel=1e-9)


def test_fit_overhead_never_negative():
    a, c = fit_overhead([16, 128, 512], [1.0, 0.9, 0.8])
    assert a >= 0 and c >= 0


def test_flops_per_sample_counts_forward_and_both_gradients():
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    # First layer: forward + kernel gradient (no input gradient); second: all three.
    assert flops_per_sample(model) == 4 * 784 * 128 + 6 * 128 * 10


def test_smooth_is_centred():
    values = np.array([0.0, 0, 0, 9, 0, 0, 0])
    out = smooth(values, 3)
    np.testing.assert_allclose(out, [0, 0, 3, 3, 3, 0, 0])


def test_symmetric_kernels():
    assert symmetric(np.zeros((4, 3)))
    assert symmetric(np.ones((4, 3)) * np.arange(4)[:, None])
    assert not symmetric(np.eye(3))


def test_column_normalized_recognizes_keras_normalize_axis_1():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (50, 28, 28)).astype("float64")
    assert column_normalized(keras.utils.normalize(images, axis=1))
    assert not column_normalized(images / 255)
    assert not column_normalized(keras.utils.normalize(images, axis=2))


def test_fresh_optimizer_copies_hyperparameters_not_state():
    optimizer = keras.optimizers.SGD(learning_rate=0.3, momentum=0.9, nesterov=True)
    optimizer.apply_gradients([(np.ones(3), np.zeros(3))])
    fresh = fresh_optimizer(optimizer, learning_rate=0.01)
    assert type(fresh) is keras.optimizers.SGD
    assert (fresh.momentum, fresh.nesterov, fresh.learning_rate) == (0.9, True, 0.01)
    assert fresh.iterations == 0 and not fresh.built


def test_clone_trains_without_touching_the_original():
    model = _model()
    x, y = _blobs()
    before = model.get_weights()
    twin = Setup(model, x, y, batch_size=32).clone()
    for _ in range(5):
        twin.train_step(x[:32], y[:32])
    assert not np.array_equal(twin.get_weights()[0], before[0])
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert model.optimizer.iterations == 0


def test_range_test_finds_the_valley_on_blobs():
    model = _model(optimizer="sgd")
    x, y = _blobs()
    test = range_test(Setup(model, x, y, batch_size=32), steps=150)
    assert test.conclusive
    assert test.smoothed.min() < 0.5 * test.smoothed[0]
    # SGD on unit-scale blobs learns from ~1e-2; the suggestion sits below the minimum,
    # which sits below the rate where the loss climbs back.
    assert test.rises_at is not None
    assert 1e-3 < test.suggestion < test.best < test.rises_at
    assert test.suggestion == test.best / SUGGESTION_DIVISOR


def test_suggest_learning_rate_is_the_range_test_suggestion():
    model = _model(optimizer="sgd")
    x, y = _blobs()
    assert suggest_learning_rate(model, x, y, steps=150) == range_test(
        Setup(model, x, y, batch_size=32), 150).suggestion


def _result(key, status, gain=None):
    return CheckResult(key, key.title(), status, f"{key} summary", {"x": 1.0}, [], "do it", gain,
                       "some gain" if gain else "")


def test_report_ranks_problems_first_then_by_gain():
    report = Report({"model": "m"}, [_result("a", "WARN", 50.0), _result("b", "PROBLEM", 2.0),
                                     _result("c", "OK"), _result("d", "PROBLEM", 9.0),
                                     _result("e", "PROBLEM")])
    assert [r.key for r in report.ranked_fixes()] == ["d", "b", "e", "a"]
    assert report.status == "PROBLEM"
    markdown = report.to_markdown()
    assert markdown.index("**[PROBLEM] D**") < markdown.index("**[PROBLEM] B**")
    assert markdown.index("**[PROBLEM] E**") < markdown.index("**[WARN] A**")


def test_report_json_is_valid_with_infinities():
    report = Report({"model": "m"}, [CheckResult("a", "A", "WARN", "s", {"v": math.inf}, [], "f")])
    data = json.loads(report.to_json())
    assert data["checks"][0]["evidence"]["v"] == "inf"
    assert data["ranked_fixes"] == ["a"]


def test_check_result_rejects_unknown_status():
    with pytest.raises(ValueError, match="OK, WARN or PROBLEM"):
        CheckResult("a", "A", "BAD", "s")


def test_diagnose_rejects_an_uncompiled_model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
    x, y = _blobs()
    with pytest.raises(ValueError, match="compile the model first"):
        diagnose(model, x, y)


def test_diagnose_rejects_data_of_the_wrong_shape():
    x, y = _blobs(features=5)
    with pytest.raises(ValueError, match="model expects"):
        diagnose(_model(), x, y, budget_seconds=1)


def test_report_lookup_names_the_available_checks():
    report = Report({}, [_result("a", "OK")])
    with pytest.raises(KeyError, match="it has"):
        report["missing"]
