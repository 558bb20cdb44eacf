"""Classes of bug the doctor's step-0 and rate checks handle, each on small generated data.

- a forward signal that collapses through a ReLU stack (kernels far below the
  activation's variance-preserving scale) gets the activation's matched
  initializer, probed;
- a hidden activation that overflows at step 0 (``exponential``) gets SELU
  with LeCun-normal kernels, probed;
- a variance-preserving initializer matched to its activation is never a
  PROBLEM by itself, and no initializer is probed against it;
- a rate far below the range test's suggestion is a PROBLEM only when it
  does not reach the held-out level on the probe.

The probes are replaced by a stand-in recording the fix it was asked about,
as in ``test_doctor_probe.py``: the rule's decision is under test, not the
probe's measurement.
"""

import math

import numpy as np

import scratch_nn as keras
from experiments.doctor import initialization, learning_rate, probe
from experiments.doctor.report import OK, PROBLEM, WARN
from experiments.doctor.setup import Setup


def _recording_compare(asked, current_cost=100.0, gain=5.0):
    """A stand-in for `probe.compare` that records each fix and measures it ``gain``x sooner."""
    def compare(setup, current, fix, steps, seeds=probe.PROBE_SEEDS, bar=probe.MATERIAL_GAIN):
        asked.append(fix)
        return probe.Comparison(current, fix, 0.9, [current_cost] * seeds, [100.0 / gain] * seeds,
                                [0.95] * seeds, [0.95] * seeds, (steps, steps), "steps", 200,
                                bar=bar)
    return compare


def _circles(n=300):
    rng = np.random.default_rng(0)
    radius, angle = rng.uniform(0, 2, n), rng.uniform(0, 2 * np.pi, n)
    x = np.c_[radius * np.cos(angle), radius * np.sin(angle)].astype("float32")
    return x, (radius > 1).astype("float32")


def _blobs(n=300, spread=5.0):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, n)
    centres = rng.normal(0, spread, (3, 2))
    return (centres[y] + rng.normal(0, 1, (n, 2))).astype("float32"), y


def _stack(depth, activation, initializer, classes, separate=True):
    """``depth`` hidden layers of 5 units (as Dense + Activation when ``separate``)."""
    keras.utils.set_random_seed(0)
    layers = [keras.Input((2,))]
    for _ in range(depth):
        if separate:
            layers += [keras.layers.Dense(5, kernel_initializer=initializer),
                       keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(5, activation=activation,
                                             kernel_initializer=initializer))
    binary = classes == 2
    layers.append(keras.layers.Dense(1 if binary else classes,
                                     activation="sigmoid" if binary else "softmax",
                                     kernel_initializer=initializer))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="binary_crossentropy" if binary
                  else "sparse_categorical_crossentropy")
    return model


def test_a_signal_collapsing_through_a_relu_stack_gets_he_kernels(monkeypatch):
    asked = []
    monkeypatch.setattr(probe, "compare", _recording_compare(asked))
    small = keras.initializers.RandomUniform(-0.05, 0.05)
    x, y = _circles()
    result = initialization.check(Setup(_stack(8, "relu", small, 2), x, y, batch_size=32), 1.0)
    assert result.status == PROBLEM
    assert result.evidence["signal_ratio_through_stack"] < 1 / initialization.SIGNAL_RATIO
    assert "forward signal shrinks" in result.summary, result.details
    assert [fix.initializer for fix in asked] == ["he_uniform"]
    assert result.change == {"initializer": "he_uniform"}


def test_an_overflowing_activation_gets_selu(monkeypatch):
    asked = []
    monkeypatch.setattr(probe, "compare", _recording_compare(asked))
    x, y = _blobs()
    setup = Setup(_stack(6, "exponential", "glorot_uniform", 3), x, y, batch_size=32)
    result = initialization.check(setup, 1.0)
    assert result.status == PROBLEM
    assert "`exponential` activation overflows" in result.summary, result.details
    [fix] = asked
    assert (fix.hidden_activation, fix.initializer, fix.replaced) == (
        "selu", "lecun_normal", ("exponential",))
    assert result.change == {"activation": "selu", "initializer": "lecun_normal"}


def test_clone_replaces_the_named_hidden_activations_only():
    x, y = _blobs()
    setup = Setup(_stack(2, "exponential", "glorot_uniform", 3, separate=False), x, y)
    twin = setup.clone(hidden_activation="selu", replaced=("exponential",))
    names = [layer.activation.name for layer in twin.layers]
    assert names == ["selu", "selu", "softmax"]
    assert [layer.activation.name for layer in setup.clone().layers] == [
        "exponential", "exponential", "softmax"]


def test_a_matched_initializer_is_never_a_problem_by_itself(monkeypatch):
    """He-uniform ReLU layers on inputs of RMS about 5: the scale is the inputs', not the kernels'."""
    asked = []
    monkeypatch.setattr(probe, "compare", _recording_compare(asked))
    x, y = _blobs()
    result = initialization.check(Setup(_stack(10, "relu", "he_uniform", 3), x, y,
                                        batch_size=32), 1.0)
    assert result.status != PROBLEM and result.fix is None, result.details
    assert asked == []


def _rate_setup(epochs):
    keras.utils.set_random_seed(0)
    x, y = _blobs(spread=2.0)
    model = _stack(1, "relu", "glorot_uniform", 3)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy")
    return Setup(model, x, y, batch_size=32, epochs=epochs)


def _suggest_40x(monkeypatch, rate):
    real = learning_rate.range_test

    def range_test(*args, **kwargs):
        test = real(*args, **kwargs)
        test.conclusive, test.rises_at, test.best = True, None, 120 * rate
        test.suggestion = 40 * rate
        return test
    monkeypatch.setattr(learning_rate, "range_test", range_test)


def test_a_rate_far_below_the_suggestion_is_a_problem_only_when_it_does_not_learn(monkeypatch):
    setup = _rate_setup(epochs=5000)  # long: a speed-up saves real time either way
    _suggest_40x(monkeypatch, 0.01)
    monkeypatch.setattr(probe, "compare", _recording_compare([], current_cost=math.inf))
    stuck = learning_rate.check(setup, 1.0)
    assert stuck.status == PROBLEM and "too low" in stuck.summary, stuck.summary
    monkeypatch.setattr(probe, "compare", _recording_compare([], current_cost=100.0))
    learns = learning_rate.check(setup, 1.0)
    assert learns.status == WARN and "too low" not in learns.summary, learns.summary
    # The same, on a training too short for the speed-up to matter: a note.
    short = learning_rate.check(_rate_setup(epochs=1), 1.0)
    assert short.status == OK, short.summary


def test_a_probe_where_nothing_reached_the_level_is_run_again_longer(monkeypatch):
    """Neither variant settling measures nothing: the initialization probe runs once more, longer."""
    lengths = []

    def compare(setup, current, fix, steps, seeds=probe.PROBE_SEEDS, bar=probe.MATERIAL_GAIN):
        lengths.append(steps)
        fix_cost = math.inf if len(lengths) == 1 else 20.0
        return probe.Comparison(current, fix, 0.9, [math.inf] * seeds, [fix_cost] * seeds,
                                [0.5] * seeds, [0.95] * seeds, (steps, steps), "steps", 200,
                                bar=bar)
    monkeypatch.setattr(probe, "compare", compare)
    small = keras.initializers.RandomUniform(-0.05, 0.05)
    x, y = _circles()
    result = initialization.check(Setup(_stack(8, "relu", small, 2), x, y, batch_size=32), 1.0)
    assert lengths[1:] == [initialization.LONGER * lengths[0]]
    assert result.status == PROBLEM and result.change == {"initializer": "he_uniform"}


def test_a_fix_that_ends_higher_on_every_seed_is_advice_when_nothing_reaches_the_level(monkeypatch):
    """A collapsed signal stays at chance; He kernels end well above it on every seed: advice."""
    def compare(setup, current, fix, steps, seeds=probe.PROBE_SEEDS, bar=probe.MATERIAL_GAIN):
        def runs(final):
            return {"runs": [{"x": [steps], "metric": [final]}] * seeds}
        return probe.Comparison(current, fix, 0.76, [math.inf] * seeds, [math.inf] * seeds,
                                [0.51] * seeds, [0.72] * seeds, (steps, steps), "steps", 200,
                                curves={"current": runs(0.51), "fix": runs(0.72)}, bar=bar)
    monkeypatch.setattr(probe, "compare", compare)
    small = keras.initializers.RandomUniform(-0.05, 0.05)
    x, y = _circles()
    result = initialization.check(Setup(_stack(8, "relu", small, 2), x, y, batch_size=32), 1.0)
    assert result.status == PROBLEM and result.change == {"initializer": "he_uniform"}
    assert "on every probe seed" in result.gain_text, result.gain_text
