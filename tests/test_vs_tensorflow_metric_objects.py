"""Metric objects against Keras's: the running result after every update, and the names in the logs.

Properties:
- Each metric class, built in both libraries from the same literal
  arguments (or none, so each applies its own defaults), fed the same
  batches (with and without per-sample weights, labels as ids, one-hot,
  binary or regression targets as the metric needs), gives Keras's
  ``result()`` after every ``update_state``, after ``reset_state`` and when
  called as a function. Tolerance 1e-6 relative: Keras accumulates in
  float32.
- ``compile(metrics=[...])`` with names and objects logs the same keys as
  Keras in ``fit`` and ``evaluate``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

keras = pytest.importorskip("keras")

import scratch_nn
from scratch_nn import metrics
from tests.hypothesis_profiles import examples

K = 4  # classes

#: (class name, literal kwargs, kind of targets)
CASES = [
    ("SparseCategoricalAccuracy", {}, "ids"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("Accuracy", {}, "ids_vs_ids"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary"),
    ("TopKCategoricalAccuracy", {}, "onehot"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "ids"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("SparseCategoricalCrossentropy", {}, "ids"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "ids_logits"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
]


def make_batch(rng, kind, n):
    """``(y_true, y_pred)`` of the kind a metric reads."""
    probs = rng.dirichlet(np.ones(K), size=n).astype("float32")
    ids = rng.integers(0, K, size=n)
    if kind == "ids":
        return ids, probs
    if kind == "ids_logits":
        return ids, rng.normal(size=(n, K)).astype("float32")
    if kind == "onehot":
        return np.eye(K, dtype="float32")[ids], probs
    if kind == "ids_vs_ids":
        return ids, np.where(rng.random(n) < 0.6, ids, rng.integers(0, K, size=n))
    if kind == "binary":
        return (rng.integers(0, 2, size=(n, 2)).astype("float32"),
                rng.uniform(0.01, 0.99, size=(n, 2)).astype("float32"))
    if kind == "binary_logits":
        return (rng.integers(0, 2, size=(n, 2)).astype("float32"),
                rng.normal(scale=2, size=(n, 2)).astype("float32"))
    return (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32"))


def assert_result(ours, theirs):
    assert float(ours) == pytest.approx(float(theirs), rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("name,kwargs,kind", CASES)
@examples(3)
@given(seed=st.integers(0, 2**16), sizes=st.lists(st.integers(1, 6), min_size=1, max_size=3),
       weighted=st.lists(st.booleans(), min_size=3, max_size=3))
def test_metric_object_matches_keras(name, kwargs, kind, seed, sizes, weighted):
    rng = np.random.default_rng(seed)
    ours = getattr(metrics, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    assert ours.name == theirs.name
    for n, use_weights in zip(sizes, weighted):
        y_true, y_pred = make_batch(rng, kind, n)
        sample_weight = rng.uniform(0, 2, size=n).astype("float32") if use_weights else None
        ours.update_state(y_true, y_pred, sample_weight=sample_weight)
        theirs.update_state(y_true, y_pred, sample_weight=sample_weight)
        assert_result(ours.result(), theirs.result())
    ours.reset_state()
    theirs.reset_state()
    assert_result(ours.result(), theirs.result())
    y_true, y_pred = make_batch(rng, kind, 3)
    assert_result(ours(y_true, y_pred), theirs(y_true, y_pred))


def test_mean_matches_keras():
    ours, theirs = metrics.Mean(), keras.metrics.Mean()
    for values, weights in (([1.0, 2.0, 4.0], None), ([3.0, -1.0], [0.5, 2.0]),
                            ([[1.0, 2.0], [3.0, 5.0]], [1.0, 3.0]), (7.0, None)):
        ours.update_state(values, sample_weight=weights)
        theirs.update_state(values, sample_weight=weights)
        assert_result(ours.result(), theirs.result())
    assert ours.name == theirs.name == "mean"


def test_mean_object_in_compile_is_refused_by_name():
    with pytest.raises(TypeError, match="Mean"):
        metrics.get(metrics.Mean())


def fit_logs(lib, metric_list):
    lib.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((32, 5)).astype("float32")
    y = np.arange(32) % 3
    model = lib.Sequential([lib.Input((5,)), lib.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=metric_list)
    history = model.fit(x, y, epochs=1, batch_size=16, validation_split=0.25, verbose=0)
    return set(history.history), set(model.evaluate(x, y, verbose=0, return_dict=True))


def test_compile_with_metric_objects_logs_keras_names():
    def metric_list(lib):
        return ["accuracy", lib.metrics.SparseCategoricalAccuracy(),
                lib.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")]
    assert fit_logs(scratch_nn, metric_list(scratch_nn)) == fit_logs(keras, metric_list(keras))


def test_subclass_with_plain_attributes_works_and_add_weight_is_refused():
    class Count(metrics.Metric):
        def __init__(self, name="count"):
            super().__init__(name=name)
            self.n = 0.0

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.n += len(y_true)

        def result(self):
            return self.n

        def reset_state(self):
            self.n = 0.0

    count = Count()
    assert count([1, 2], [[0.1, 0.9], [0.8, 0.2]]) == 2
    with pytest.raises(NotImplementedError, match="Count.add_weight"):
        count.add_weight(name="tp", initializer="zeros")
