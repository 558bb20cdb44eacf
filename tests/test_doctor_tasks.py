"""The doctor on any classification or regression task, and the bug classes of real programs (no MNIST).

Each check is run on a small generated data set where its bug shows, and on
the fixed version, where it must raise no alarm. The data: Gaussian blobs
(multi-class, binary, multi-label) and a noisy linear regression.
"""

import numpy as np
import pytest

import scratch_nn as keras
from experiments.doctor import OK, PROBLEM, WARN, diagnose
from experiments.doctor.setup import Setup
from experiments.doctor.task import ModelFacts, detect

BUDGET = 8.0


def _blobs(n=1200, features=8, classes=3, seed=0, spread=2.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centres = rng.normal(0, spread, (classes, features))
    return (centres[y] + rng.normal(0, 1, (n, features))).astype("float32"), y


def _multilabel(n=1200, features=8, labels=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (n, features)).astype("float32")
    w = rng.normal(0, 1, (features, labels))
    return x, (x @ w > 0.3).astype("float32")


def _regression(n=1200, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (n, features)).astype("float32")
    w = rng.normal(0, 1, (features, 1))
    return x, (x @ w + 0.1 * rng.normal(0, 1, (n, 1))).astype("float32")


def _model(units, activation, loss, features=8, optimizer="adam", hidden=32):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((features,)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _facts(loss, activation="softmax", units=3, from_logits=False):
    return ModelFacts(loss, from_logits, activation, units)


@pytest.mark.parametrize("facts, y, kind, classes, labels", [
    (_facts("sparse_categorical_crossentropy"), [0, 1, 2, 1], "multiclass", 3, "sparse"),
    (_facts("categorical_crossentropy"), np.eye(3)[[0, 1, 2, 1]], "multiclass", 3, "one-hot"),
    (_facts("binary_crossentropy", "sigmoid", 1), [0, 1, 1, 0], "binary", 2, "binary"),
    (_facts("categorical_crossentropy", "softmax", 2), np.eye(2)[[0, 1, 1]], "binary", 2,
     "one-hot"),
    (_facts("sparse_categorical_crossentropy", "softmax", 10), [0, 1, 1, 0], "multiclass", 10,
     "sparse"),
    (_facts("binary_crossentropy", "sigmoid", 3), [[1, 1, 0], [0, 0, 1], [1, 0, 0]],
     "multilabel", 3, "multi-hot"),
    (_facts("mse", "linear", 1), [0.5, 1.25, -3.0], "regression", 1, "continuous"),
    (_facts("mean_absolute_error", "linear", 1), [3, 10, 250, 7], "regression", 1,
     "continuous"),
    (_facts("mse", "sigmoid", 1), [0, 1, 1, 0], "binary", 2, "binary"),
    (_facts("binary_crossentropy", "tanh", 1), [-1, 1, 1, -1], "binary", 2, "binary"),
])
def test_the_task_is_read_from_labels_loss_and_output(facts, y, kind, classes, labels):
    task = detect(facts, np.asarray(y))
    assert (task.kind, task.classes, task.labels) == (kind, classes, labels)


def test_the_metric_floor_is_reachable_for_every_width():
    binary = detect(_facts("binary_crossentropy", "sigmoid", 1), np.array([0, 1] * 50))
    assert binary.floor(np.array([0, 1] * 50)) == pytest.approx(0.75)
    ten = detect(_facts("sparse_categorical_crossentropy", "softmax", 10), np.arange(100) % 10)
    assert ten.floor(np.arange(100) % 10) == pytest.approx(0.2)
    regression = detect(_facts("mse", "linear", 1), np.linspace(0, 1, 10))
    assert regression.floor(None) < 1
    y = np.linspace(-1, 1, 50)[:, None]
    assert regression.score(y, y) == pytest.approx(1.0)
    assert regression.score(np.zeros_like(y), y) == pytest.approx(0.0)


def test_single_output_models_are_probed():
    """Binary features around 100 (raw measurements): the input-scale fix is measured on one
    sigmoid unit (the old probe level, 2 / units, was 2.0: never reached, never advised)."""
    x, y = _blobs(classes=2, spread=1.0)
    result = diagnose(_model(1, "sigmoid", "binary_crossentropy"), x * 30 + 100, y,
                      batch_size=32, budget_seconds=BUDGET, checks=["input_scale"])["input_scale"]
    assert result.status == PROBLEM, result.details
    assert result.gain >= 1.5
    assert "standardize each feature" in result.fix
    assert "/ 255" not in result.fix and "pixels" not in result.summary


def test_held_out_split_does_not_depend_on_the_data_order():
    x, y = _blobs()
    order = np.argsort(y, kind="stable")
    setup = Setup(_model(3, "softmax", "sparse_categorical_crossentropy"), x[order], y[order])
    _, y_train, _, y_held = setup.split(0.2, 2000)
    assert set(np.unique(y_held)) == {0, 1, 2}
    assert set(np.unique(y_train)) == {0, 1, 2}


def test_class_sorted_data_trains_fine_without_alarm():
    x, y = _blobs()
    order = np.argsort(y, kind="stable")
    report = diagnose(_model(3, "softmax", "sparse_categorical_crossentropy"), x[order],
                      y[order], batch_size=32, epochs=5, budget_seconds=BUDGET,
                      checks=["generalization", "data_order"])
    assert [r.status for r in report.results] == [OK, OK], [r.summary for r in report.results]


@pytest.mark.parametrize("sort", [True, False])
def test_validation_split_of_sorted_data_is_flagged(sort):
    x, y = _blobs()
    order = np.argsort(y, kind="stable") if sort else np.arange(len(y))
    report = diagnose(_model(3, "softmax", "sparse_categorical_crossentropy"), x[order],
                      y[order], batch_size=32, epochs=3, validation_split=0.3,
                      budget_seconds=BUDGET, checks=["data_order", "generalization"])
    result = report["data_order"]
    assert (result.status == PROBLEM) == sort, result.summary
    if sort:
        assert "shuffle" in result.fix
        assert result.evidence["distribution_shift"] > 0.5
        # The probes held out a random share instead: no false "not learning".
        assert report["generalization"].status == OK, report["generalization"].summary


@pytest.mark.parametrize("case", ["softmax_one_unit", "cce_on_relu", "multilabel_softmax_mse",
                                  "regression_softmax"])
def test_output_loss_bugs_are_found_and_their_fix_measured(case):
    if case == "softmax_one_unit":
        x, y = _blobs(classes=2)
        bad, good = (_model(1, "softmax", "binary_crossentropy"),
                     _model(1, "sigmoid", "binary_crossentropy"))
    elif case == "cce_on_relu":
        x, y = _blobs()
        bad, good = (_model(3, "relu", "sparse_categorical_crossentropy"),
                     _model(3, "softmax", "sparse_categorical_crossentropy"))
    elif case == "multilabel_softmax_mse":
        x, y = _multilabel()
        bad, good = _model(4, "softmax", "mse"), _model(4, "sigmoid", "binary_crossentropy")
    else:
        x, y = _regression()
        bad, good = _model(1, "softmax", "mse"), _model(1, "linear", "mse")
    found = diagnose(bad, x, y, batch_size=32, budget_seconds=BUDGET,
                     checks=["output_loss"])["output_loss"]
    assert found.status == PROBLEM, (found.summary, found.details)
    # Measured: sooner to the level, or ending higher on every seed.
    assert (found.gain or 0) >= 1.5 or "held-out on every probe seed" in found.gain_text
    assert found.change
    fixed = diagnose(good, x, y, batch_size=32, budget_seconds=BUDGET,
                     checks=["output_loss"])["output_loss"]
    assert fixed.status == OK, fixed.summary


def test_labels_out_of_range_are_reported_not_raised():
    x, y = _blobs(classes=6)
    report = diagnose(_model(4, "softmax", "sparse_categorical_crossentropy"), x, y,
                      batch_size=32, budget_seconds=BUDGET)
    assert report["output_loss"].status == PROBLEM
    assert "Labels run to 5" in report["output_loss"].summary
    assert "Dense(6" in report["output_loss"].fix
    assert "Skipped" in report["probes"].summary
    assert "learning_rate" in report["probes"].evidence["skipped_checks"]


def test_one_hot_labels_with_sparse_crossentropy_are_reported():
    x, y = _blobs()
    report = diagnose(_model(3, "softmax", "sparse_categorical_crossentropy"), x,
                      np.eye(3)[y], batch_size=32, budget_seconds=BUDGET)
    assert report["output_loss"].status == PROBLEM
    assert "categorical_crossentropy" in report["output_loss"].fix


@pytest.mark.parametrize("scale", [1000.0, 1.0])
def test_regression_targets_on_a_large_scale(scale):
    x, y = _regression()
    result = diagnose(_model(1, "linear", "mse"), x, y * scale + scale, batch_size=32,
                      budget_seconds=BUDGET, checks=["target_scale"])["target_scale"]
    if scale > 1:
        assert result.status == PROBLEM, result.details
        assert result.gain >= 1.5
        assert "y_std" in result.fix
    else:
        assert result.status == OK, result.summary


def _bright_blocks(n=1200, classes=3, features=12, seed=0, bump=0.2):
    """Non-negative features in [0, 1.2], each class a brighter block: overlapping classes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.uniform(0, 1, (n, features))
    width = features // classes
    for c in range(classes):
        x[y == c, c * width:(c + 1) * width] += bump
    return x.astype("float32"), y


@pytest.mark.parametrize("test_scale", [255.0, 1.0])
def test_preprocessing_mismatch_is_judged_on_the_loss(test_scale):
    """Train in one scale, test in 255x it (the seed's Example 3): the accuracy holds, the loss does not."""
    x, y = _bright_blocks()
    x_test, y_test = _bright_blocks(seed=1)
    result = diagnose(_model(3, "softmax", "sparse_categorical_crossentropy", features=12), x, y,
                      batch_size=32, test_data=(x_test * test_scale, y_test),
                      budget_seconds=BUDGET, checks=["input_scale"])["input_scale"]
    if test_scale > 1:
        assert result.status == PROBLEM, result.details
        evidence = result.evidence
        assert evidence["test_metric_as_given"] > evidence["held_out_metric"] - 0.02
        assert evidence["test_loss_as_given"] > 2 * evidence["held_out_loss"]
    else:
        assert result.status == OK, result.summary


def test_a_tiny_data_set_gets_no_advice():
    """XOR on four samples: nothing can be judged on held-out data, so nothing is advised."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    y = np.array([0, 1, 1, 0])
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    report = diagnose(model, x, y, batch_size=4, epochs=50, budget_seconds=BUDGET,
                      checks=["output_loss", "generalization"])
    assert [r.status for r in report.results] == [OK, OK], [r.summary for r in report.results]
    assert "too few" in " ".join(report["generalization"].details).lower()
    assert report.ranked_fixes() == []


def test_static_problems_do_not_raise_warn_on_a_healthy_regression():
    x, y = _regression()
    report = diagnose(_model(1, "linear", "mse"), x, y, batch_size=32, epochs=3,
                      validation_split=0.2, budget_seconds=BUDGET,
                      checks=["output_loss", "data_order", "target_scale", "input_scale"])
    assert all(r.status == OK for r in report.results), [r.summary for r in report.results]
    assert report.setup["task"].startswith("regression")
    assert WARN not in {r.status for r in report.results}


@pytest.mark.parametrize("fixed", [False, True])
def test_compound_input_scale_and_rate_are_found_together(fixed):
    """Raw 0-255 features under SGD(1e-4): /255 alone is slower, the pair is faster."""
    x, y = _bright_blocks()
    pixels = np.round(x / 1.2 * 255).astype("float32")
    rate = 0.1 if fixed else 1e-4
    model = _model(3, "softmax", "sparse_categorical_crossentropy", features=12,
                   optimizer=keras.optimizers.SGD(rate))
    result = diagnose(model, pixels / 255 if fixed else pixels, y, batch_size=32,
                      budget_seconds=BUDGET, checks=["input_scale"])["input_scale"]
    if fixed:
        assert result.status == OK, result.summary
    else:
        assert result.status == PROBLEM, result.details
        assert "/ 255" in result.fix and "learning_rate" in result.change


@pytest.mark.parametrize("diverged", [True, False])
def test_a_diverging_rate_is_not_passed_when_no_level_is_reached(monkeypatch, diverged):
    """Neither rate reaches the held-out level, but the user's goes NaN on every seed: PROBLEM."""
    from experiments.doctor import learning_rate, probe

    def compare(setup, current, fix, steps, seeds=2, deadline=None):
        inf = float("inf")
        return probe.Comparison(current, fix, 0.9, [inf, inf], [inf, inf], [0.3, 0.3],
                                [0.5, 0.5], (steps, steps), "steps", 200, "accuracy",
                                ([diverged] * 2, [False] * 2))
    monkeypatch.setattr(probe, "compare", compare)
    x, y = _blobs()
    setup = Setup(_model(3, "softmax", "sparse_categorical_crossentropy",
                         optimizer=keras.optimizers.SGD(10.0)), x, y, batch_size=32)
    result = learning_rate.check(setup, 3.0)
    assert (result.status == PROBLEM) == diverged, result.summary
    if diverged:
        assert "too high" in result.summary and "diverged" in result.gain_text


@pytest.mark.parametrize("budget", [1e-4, BUDGET])
def test_a_network_too_large_for_the_budget_gets_fewer_probes(budget):
    """One probe would take far longer than the budget: the static checks only, and the report says why."""
    x, y = _blobs()
    report = diagnose(_model(3, "softmax", "sparse_categorical_crossentropy"), x, y,
                      batch_size=32, budget_seconds=budget)
    keys = [r.key for r in report.results]
    if budget < 1:
        assert "probes" in keys and "learning_rate" not in keys
        assert "budget" in report["probes"].summary
    else:
        assert "probes" not in keys and "learning_rate" in keys


def _stack(activation, depth, initializer="glorot_uniform", optimizer="sgd", features=8):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((features,))]
        + [keras.layers.Dense(32, activation=activation, kernel_initializer=initializer)
           for _ in range(depth)]
        + [keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_a_deep_sigmoid_stack_gets_relu_and_he(activation):
    x, y = _blobs()
    result = diagnose(_stack(activation, 6), x, y, batch_size=32, budget_seconds=BUDGET,
                      checks=["initialization"])["initialization"]
    if activation == "sigmoid":
        assert result.status == WARN, result.details
        assert result.change == {"activation": "relu", "initializer": "he_uniform"}
    else:
        assert result.status == OK, result.summary


@pytest.mark.parametrize("stddev", [1.0, None])
def test_saturated_tanh_units_at_step_0(stddev):
    x, y = _blobs()
    initializer = keras.initializers.RandomNormal(stddev=stddev) if stddev else "glorot_uniform"
    result = diagnose(_stack("tanh", 1, initializer), x, y, batch_size=32,
                      budget_seconds=BUDGET, checks=["initialization"])["initialization"]
    saturated = result.evidence["saturated_fraction"]
    if stddev:
        assert max(saturated.values()) > 0.5
        assert result.status == WARN and "saturated" in result.summary, result.details
        assert result.change == {"initializer": "glorot_uniform"}
    else:
        assert max(saturated.values()) < 0.1 and result.status == OK, result.summary


def test_dead_relus_from_the_initialization_are_reported():
    """Kernels drawn around -0.05 on non-negative inputs: most ReLU units never fire."""
    x, y = _bright_blocks()
    initializer = keras.initializers.RandomNormal(mean=-0.05, stddev=0.05)
    result = diagnose(_stack("relu", 1, initializer, features=12), x, y, batch_size=32,
                      budget_seconds=BUDGET, checks=["initialization"])["initialization"]
    assert max(result.evidence["dead_relu_fraction_at_step_0"].values()) > 0.5
    healthy = diagnose(_stack("relu", 1, features=12), x, y, batch_size=32,
                       budget_seconds=BUDGET, checks=["initialization"])["initialization"]
    assert max(healthy.evidence["dead_relu_fraction_at_step_0"].values()) < 0.1
    assert healthy.status == OK


def test_symptoms_of_an_output_bug_point_to_it():
    """Softmax over one unit: the top fix is the output's, the other checks' symptoms point to it."""
    x, y = _blobs(classes=2)
    report = diagnose(_model(1, "softmax", "binary_crossentropy"), x, y, batch_size=32,
                      budget_seconds=BUDGET, checks=["output_loss", "initialization", "health"])
    assert report.ranked_fixes()[0].key == "output_loss"
    for key in ("initialization", "health"):
        assert report[key].status == OK or "consequence of the output and loss" in \
            report[key].details[-1], report[key].details


@pytest.mark.parametrize("dead_units, status", [(4, OK), (8, WARN)])
def test_a_few_dead_relus_are_no_alarm_a_quarter_are(dead_units, status):
    """Hidden units killed by hand (zero kernel column, bias -1: never fire, never revive).

    4 of 20 (20%) is what healthy small networks carry (the corpus's fixed
    programs had 14% and 17% and trained to their target): no WARN; 8 of 20
    (40%) is over ``health.DEAD_WARN``.
    """
    x, y = _blobs()
    model = _model(3, "softmax", "sparse_categorical_crossentropy", hidden=20)
    kernel, bias, *rest = model.get_weights()
    kernel[:, :dead_units], bias[:dead_units] = 0.0, -1.0
    model.set_weights([kernel, bias, *rest])
    result = diagnose(model, x, y, batch_size=32, budget_seconds=BUDGET,
                      checks=["health"])["health"]
    fraction = max(result.evidence["dead_relu_fraction"].values())
    assert fraction >= dead_units / 20
    assert result.status == status, result.details
