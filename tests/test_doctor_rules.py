"""The doctor's rules on what counts as a finding, each on small synthetic data (no MNIST).

- probe seeds re-draw the initial weights with the model's own initializers;
- ``/ 255`` only for whole numbers that span the 8-bit range;
- a bounded regression output is a finding when the targets' best reachable
  ``R^2`` under it is low, not when a target lies a little outside;
- symptoms without a measured fix become notes when the short run learns;
- a speed fix is advice only when it saves real time over the whole training;
- an output/loss fix is probed together with a rate suited to it.

The probes' measurements are replaced by synthetic ones where a rule's own
decision is under test, as in ``test_doctor_probe.py``.
"""

import numpy as np
import pytest

import scratch_nn as keras
from experiments.doctor import (
    _defer_rate_to_scale,
    _read_against_learning,
    generalization,
    input_scale,
    learning_rate,
    output_loss,
    probe,
    speed,
    target_scale,
)
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult
from experiments.doctor.setup import Setup
from experiments.doctor.task import detect, model_facts
from tests.doctor_helpers import fake_short_runs


def _blobs(n=400, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centres = rng.normal(0, 2, (classes, features))
    return (centres[y] + rng.normal(0, 1, (n, features))).astype("float32"), y


def _model(output="softmax", units=3, loss="sparse_categorical_crossentropy", optimizer="adam",
           initializer="glorot_uniform", features=4):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(8, activation="relu", kernel_initializer=initializer),
        keras.layers.Dense(units, activation=output, kernel_initializer=initializer)])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _fake_compare(gain_of):
    """A stand-in for `probe.compare`: the fix named ``name`` costs ``100 / gain_of(name)``."""
    def compare(setup, current, fix, steps, seeds=probe.PROBE_SEEDS, bar=probe.MATERIAL_GAIN):
        gain = gain_of(fix.name)
        return probe.Comparison(current, fix, 0.9, [100.0] * seeds, [100.0 / gain] * seeds,
                                [0.95] * seeds, [0.95] * seeds, (steps, steps), "steps", 200,
                                bar=bar)
    return compare


def test_probe_seeds_redraw_the_weights_with_the_models_own_initializers():
    x, y = _blobs()
    setup = Setup(_model(), x, y, batch_size=32)
    user = setup.model.get_weights()
    same = probe.train(setup, probe.Variant("as given"), 0, 1, seed=0).model.get_weights()
    for mine, theirs in zip(user, same):
        np.testing.assert_array_equal(mine, theirs)
    one = probe.train(setup, probe.Variant("as given"), 0, 1, seed=1).model.get_weights()
    again = probe.train(setup, probe.Variant("as given"), 0, 1, seed=1).model.get_weights()
    two = probe.train(setup, probe.Variant("as given"), 0, 1, seed=2).model.get_weights()
    assert not np.array_equal(user[0], one[0]) and not np.array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[0], again[0])
    # The model's own initializer: glorot_uniform's limit sqrt(6 / (fan_in + fan_out)).
    assert np.abs(one[0]).max() <= np.sqrt(6 / (4 + 8)) + 1e-6
    zeros = Setup(_model(initializer="zeros"), x, y, batch_size=32)
    redrawn = probe.train(zeros, probe.Variant("as given"), 0, 1, seed=2).model.get_weights()
    assert not any(np.any(w) for w in redrawn)


def test_only_whole_numbers_spanning_the_8_bit_range_are_pixels():
    codes = np.random.default_rng(0).integers(65, 71, (100, 3)).astype("float32")
    assert not input_scale.pixel_like(codes, input_scale.statistics(codes))
    image = np.random.default_rng(0).integers(0, 256, (100, 16)).astype("float32")
    assert input_scale.pixel_like(image, input_scale.statistics(image))


def test_narrow_integer_codes_are_standardized_not_divided_by_255(monkeypatch):
    monkeypatch.setattr(probe, "compare", _fake_compare(lambda name: 4.0))
    rng = np.random.default_rng(0)
    x = rng.integers(65, 71, (400, 3)).astype("float32")
    y = (x[:, 0] > (x[:, 1] + x[:, 2]) / 2).astype(int)
    setup = Setup(_model("sigmoid", 1, "binary_crossentropy", features=3), x, y, batch_size=16)
    result = input_scale.check(setup, 1.0)
    assert result.status == PROBLEM and result.change == {"preprocessing": "standardize"}
    assert "/ 255" not in result.fix


def _regression_task(activation, y):
    model = _model(activation, 1, "mean_squared_error", features=2)
    return detect(model_facts(model), y)


def test_a_relu_output_that_cannot_reach_negative_targets_is_a_finding():
    y = np.linspace(-1.0, 1.2, 30)  # nearly half negative: a ReLU output loses them
    assert output_loss.reach_ceiling(y, 0, np.inf) < output_loss.REACH_CEILING
    found = output_loss.findings(_regression_task("relu", y), y)
    assert [(f.status, f.activation) for f in found] == [(PROBLEM, "linear")]
    assert "R^2" in found[0].text


def test_a_tanh_output_a_few_percent_short_of_the_targets_is_no_finding():
    y = np.concatenate([np.linspace(-0.9, 0.9, 28), [-1.02, 1.24]])
    assert output_loss.reach_ceiling(y, -1, 1) > 0.95
    assert output_loss.findings(_regression_task("tanh", y), y) == []
    # A sigmoid on targets far outside [0, 1] is still one.
    assert output_loss.findings(_regression_task("sigmoid", 3 + 100 * y ** 2), 3 + 100 * y ** 2)


def _results(learns, health_evidence=None):
    return [CheckResult("health", "Optimization health", PROBLEM, "dense: 54% dead.",
                        health_evidence or {"diverged_at": None}),
            CheckResult("initialization", "Initialization", WARN, "dense: output std 20."),
            CheckResult("learning_rate", "Learning rate", WARN, "too low", {}, [], "fix", 3.0),
            CheckResult("generalization", "Epochs and generalization", OK, "fine",
                        {"learns": learns})]


def test_symptoms_without_a_fix_are_notes_when_the_run_learns():
    results = _results(learns=True)
    _read_against_learning(results)
    statuses = {r.key: r.status for r in results}
    assert statuses == {"health": OK, "initialization": OK, "learning_rate": WARN,
                        "generalization": OK}
    assert results[0].summary.startswith("Note:") and "did not stop" in results[0].details[-1]
    stuck = _results(learns=False)
    _read_against_learning(stuck)
    assert [r.status for r in stuck] == [PROBLEM, WARN, WARN, OK]
    diverged = _results(learns=True, health_evidence={"diverged_at": 3})
    _read_against_learning(diverged)
    assert diverged[0].status == PROBLEM


@pytest.mark.parametrize("epochs, advised", [(1, False), (100, True)])
def test_a_batch_size_fix_must_save_real_time_over_the_whole_training(monkeypatch, epochs,
                                                                       advised):
    monkeypatch.setattr(probe, "compare", _fake_compare(lambda name: 4.0))
    monkeypatch.setattr(speed, "fit_overhead", lambda sizes, times: (1e-3, 1e-6))
    x, y = _blobs(800)
    setup = Setup(_model(), x, y, batch_size=1, epochs=epochs, validation_split=0.25)
    result = speed.check(setup, 1.0)[0]
    assert (result.status != OK) == advised, result.summary
    # 600 samples at batch 1: 600 steps an epoch at the reference cost (~0.15 ms).
    assert (result.evidence["saved_seconds_over_training"] >= probe.MIN_SAVED_SECONDS) == advised
    if not advised:
        assert "(a note)" in result.summary and result.change is None


def test_an_output_fix_is_probed_with_a_rate_suited_to_it(monkeypatch):
    """MSE on one-hot labels at a rate far off: the output fix alone is no faster, with a rate it is."""
    monkeypatch.setattr(probe, "compare", _fake_compare(
        lambda name: 4.0 if "learning_rate=" in name else 1.0))
    suited = learning_rate.RangeTest(np.ones(3), np.ones(3), np.ones(3), 0.3, 0.1, None, True)
    monkeypatch.setattr(learning_rate, "median_range_test",
                        lambda setup, steps, lo=None, hi=None, variant=None: (suited, [suited]))
    x, y = _blobs()
    onehot = np.eye(3, dtype="float32")[y]
    model = _model("linear", 3, "mean_squared_error",
                   optimizer=keras.optimizers.SGD(learning_rate=30.0))
    result = output_loss.check(Setup(model, x, onehot, batch_size=32), 1.0)
    assert result.status == WARN, result.summary
    assert result.change == {"output_activation": "softmax", "loss": "categorical_crossentropy",
                             "learning_rate": 0.1}
    assert "compound" in result.fix and result.gain == pytest.approx(4.0)


@pytest.mark.parametrize("epochs, advised", [(1, False), (200, True)])
def test_a_merely_low_rate_must_save_real_time_to_be_advice(monkeypatch, epochs, advised):
    monkeypatch.setattr(probe, "compare", _fake_compare(lambda name: 4.0))
    # The range test's minimum at 0.3: suggestion 0.1, and SGD at 0.01 is 10x below it (WARN).
    suited = learning_rate.RangeTest(np.ones(3), np.ones(3), np.ones(3), 0.3, 0.1, 1.0, True)
    monkeypatch.setattr(learning_rate, "median_range_test",
                        lambda setup, steps, lo=None, hi=None, variant=None: (suited, [suited]))
    x, y = _blobs()
    model = _model(optimizer=keras.optimizers.SGD(learning_rate=0.01))
    result = learning_rate.check(Setup(model, x, y, batch_size=8, epochs=epochs), 1.0)
    assert (result.status == WARN) == advised, result.summary
    assert (result.change is not None) == advised
    if not advised:
        assert "(a note)" in result.summary


def test_the_generalization_run_says_whether_the_setting_learns():
    x, y = _blobs(1200)
    learns = generalization.check(Setup(_model(), x, y, batch_size=32, epochs=3), 1.0)
    assert learns.evidence["learns"] is True
    stuck = _model(optimizer=keras.optimizers.SGD(learning_rate=1e-7))
    assert generalization.check(Setup(stuck, x, y, batch_size=32, epochs=3),
                                1.0).evidence["learns"] is False


@pytest.mark.parametrize("epochs, advised", [(1, False), (50, True)])
def test_inputs_mildly_off_scale_need_a_real_saving_to_be_advice(monkeypatch, epochs, advised):
    monkeypatch.setattr(probe, "compare", _fake_compare(lambda name: 4.0))
    x, y = _blobs()
    x = 2 * x  # RMS about 4.5: the WARN band
    setup = Setup(_model(), x, y, batch_size=1, epochs=epochs)
    result = input_scale.check(setup, 1.0)
    assert 3 < result.evidence["train_rms"] < 10
    assert (result.status == WARN) == advised, result.summary
    if not advised:
        assert "(a note)" in result.summary and result.change is None


@pytest.mark.parametrize("epochs, advised", [(1, False), (50, True)])
def test_targets_mildly_off_scale_need_a_real_saving_to_be_advice(monkeypatch, epochs, advised):
    monkeypatch.setattr(probe, "compare", _fake_compare(lambda name: 4.0))
    x, _ = _blobs()
    y = 5 * (x[:, 0] - x[:, 1]) / np.std(x[:, 0] - x[:, 1])  # RMS about 5: the WARN band
    model = _model("linear", 1, "mean_squared_error")
    result = target_scale.check(Setup(model, x, y, batch_size=1, epochs=epochs), 1.0)
    assert 3 < result.evidence["target_rms"] < 10
    assert (result.status == WARN) == advised, result.summary


def test_a_rate_in_the_warn_band_waits_for_a_recommended_scale_fix():
    def results(rate_status):
        return [CheckResult("target_scale", "Target scale", PROBLEM, "RMS 54",
                            {"probe_gains": [5.0] * 3}, [], "scale", 5.0),
                CheckResult("learning_rate", "Learning rate", rate_status, "too high", {}, [],
                            "lower it", 12.0, "12x", {"learning_rate": 2e-4})]
    warned = results(WARN)
    _defer_rate_to_scale(warned)
    assert warned[1].status == OK and warned[1].change is None
    assert "run the doctor again" in warned[1].details[-1]
    broken = results(PROBLEM)  # diverging: broken whatever the scale
    _defer_rate_to_scale(broken)
    assert broken[1].status == PROBLEM and broken[1].fix
    alone = results(WARN)[1:]
    _defer_rate_to_scale(alone)
    assert alone[0].status == WARN
    # A train/test mismatch whose fix keeps the training inputs' scale leaves their rate as
    # it is; one whose fix rescales them (Example 3's `normalize`d images) defers it.
    for rescales in (False, True):
        mismatch = [CheckResult("input_scale", "Input scale", PROBLEM, "mismatch",
                                {"fix_rescales_training": rescales}, [], "same", None),
                    results(WARN)[1]]
        _defer_rate_to_scale(mismatch)
        assert mismatch[1].status == (OK if rescales else WARN)


def test_a_mismatch_fix_says_whether_it_rescales_the_training_inputs(monkeypatch):
    """Rows scaled to unit L2 norm (`normalize`) against a raw test set: standardizing moves them.

    The mismatch probe's measurement is replaced by a damaged test score.
    """
    monkeypatch.setattr(input_scale, "_mismatch_probe", lambda setup, steps: ((0.9, 0.3),
                                                                              (0.5, 5.0)))
    x, y = _blobs(600, features=16)
    x = np.abs(x) * 40
    x_test = x[:100].copy()
    for train, rescales in ((x / np.linalg.norm(x, axis=1, keepdims=True), True),
                            ((x - x.mean(axis=0)) / x.std(axis=0), False)):
        setup = Setup(_model(features=16), train.astype("float32"), y, batch_size=32, epochs=2,
                      test_data=(x_test, y[:100]))
        result = input_scale.check(setup, 2.0)
        assert result.change == {"preprocessing": "standardize"}, result.details
        assert result.evidence["fix_rescales_training"] is rescales, result.evidence


def _curve_check(monkeypatch, val_metric, val_loss=None, epochs=20):
    """`generalization.check` on a 10-class setup whose short run returns these curves."""
    val_loss = val_loss or [1.0] * len(val_metric)
    history = {"loss": [1.0] * len(val_metric), "val_loss": val_loss, "val_metric": val_metric}
    fake_short_runs(monkeypatch, history)
    x, y = _blobs(1200, classes=10)
    return generalization.check(Setup(_model(units=10), x, y, batch_size=32, epochs=epochs), 1.0)


@pytest.mark.parametrize("val_metric, words", [
    ([0.12, 0.25, 0.31, 0.15], "Not learning"),  # ends under twice chance (about 0.2)
    ([0.12, 0.3, 0.4, 0.27], "Barely learning"),  # ends over it, best under halfway (0.55)
])
def test_ending_at_chance_or_barely_over_it_is_one_status(monkeypatch, val_metric, words):
    """Example 1's seeds end either side of twice chance: one status, PROBLEM, either way."""
    result = _curve_check(monkeypatch, val_metric)
    assert result.status == PROBLEM, result.details
    assert result.details[0].startswith(words)
    assert result.evidence["learns"] is False


def test_a_run_that_does_not_learn_gets_no_early_stopping(monkeypatch):
    """Its held-out loss was lowest at epoch 2 of 20, but stopping early does not make it learn."""
    loss = [0.5, 0.4] + [0.4 + 0.05 * k for k in range(1, 19)]
    barely = _curve_check(monkeypatch, [0.3] * 20, loss)
    assert barely.status == PROBLEM and barely.change is None
    learning = _curve_check(monkeypatch, [0.9] * 20, loss)
    assert learning.status == WARN and learning.change is not None
    assert learning.evidence["learns"] is True


def test_a_noisy_plateau_is_no_rise_but_a_real_rise_is():
    """The held-out loss is read as trailing means over 5 epochs of a 20-epoch run."""
    assert generalization.smoothed([1.0, 2.0, 3.0])[1] == 1
    trailing, width = generalization.smoothed([float(k) for k in range(20)])
    assert width == 5 and trailing[4] == 2.0 and trailing[-1] == 17.0


@pytest.mark.parametrize("tail, warned", [
    ([0.100, 0.106, 0.101, 0.107, 0.100, 0.108], False),  # a plateau ending on a high draw
    ([0.104, 0.108, 0.112, 0.116, 0.120, 0.124], True),   # a rise
])
def test_wasted_epochs_need_a_rise_beyond_the_plateau_noise(monkeypatch, tail, warned):
    val_loss = [0.5, 0.3, 0.2, 0.15, 0.12, 0.11, 0.105, 0.102, 0.101, 0.100,
                0.106, 0.100, 0.107, 0.101] + tail
    result = _curve_check(monkeypatch, [0.9] * len(val_loss), val_loss, epochs=len(val_loss))
    assert (result.status == WARN) == warned, result.details
