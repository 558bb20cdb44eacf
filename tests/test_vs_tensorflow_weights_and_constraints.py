"""Sample weights, class weights and weight constraints against Keras, in float64.

Properties:

- Each constraint (``MaxNorm``, ``NonNeg``, ``UnitNorm``, ``MinMaxNorm``,
  with drawn arguments and axis) maps any weight array to what Keras's
  constraint of the same arguments gives. Tolerance 1e-10 relative to the
  largest entry (float64; the same operations in another order).
- ``fit`` with ``sample_weight`` (or ``class_weight``) on a Dense model,
  its kernel and bias under drawn constraints, from the same initial weights
  and batches (``shuffle=False``), logs the same loss and (unweighted)
  accuracy each epoch and ends with the same weights as Keras's ``fit``;
  ``evaluate(sample_weight=)`` returns the same loss. Losses: sparse and
  categorical cross-entropy on a softmax output (the fused path) and mean
  squared error on a linear one. Tolerance 1e-10 relative to each array's
  largest entry for weights and evaluate's loss: two epochs of SGD in float64
  leave rounding far below it, while a weight applied as ``sum(w l) / sum(w)``
  instead of Keras's ``sum(w l) / n``, or a constraint applied before the
  step, moves them by percents. Keras runs with ``floatx() == "float64"``
  here: it casts the arrays given to ``fit`` to ``floatx()``.

Both models are built from the literal arguments each test draws; only the
initial weights are copied from scratch_nn to Keras. Sample and class weights
are multiples of 1/16, exact in float32: Keras casts them to ``floatx()``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref import oracle
from tests.hypothesis_profiles import examples

RTOL = 1e-10

CONSTRAINTS = {
    "MaxNorm": st.fixed_dictionaries({"max_value": st.floats(0.1, 3.0), "axis": st.sampled_from([0, 1])}),
    "NonNeg": st.just({}),
    "UnitNorm": st.fixed_dictionaries({"axis": st.sampled_from([0, 1])}),
    "MinMaxNorm": st.fixed_dictionaries({
        "min_value": st.floats(0.0, 1.0), "max_value": st.floats(1.0, 3.0),
        "rate": st.floats(0.0, 1.0), "axis": st.sampled_from([0, 1])}),
}
constraint_specs = st.sampled_from(sorted(CONSTRAINTS)).flatmap(
    lambda name: st.tuples(st.just(name), CONSTRAINTS[name]))


def assert_close(actual, desired, what, rtol=RTOL):
    """``max |actual - desired| <= rtol * max |desired|`` (an exact match when ``desired`` is 0)."""
    actual, desired = np.asarray(actual, np.float64), np.asarray(desired, np.float64)
    scale = float(np.max(np.abs(desired), initial=0.0))
    err = float(np.max(np.abs(actual - desired), initial=0.0))
    assert err <= rtol * scale, f"{what}: max error {err:.3g} > {rtol:g} * {scale:.3g}"


@pytest.fixture(autouse=True)
def _keras_in_float64():
    """Keras casts arrays given to fit/evaluate (weights included) to ``floatx()``: make it float64."""
    with oracle.keras_floatx("float64"):
        yield


def make_constraint(module, spec):
    """``module.constraints.<name>(**kwargs)`` for ``spec = (name, kwargs)``, or ``None``."""
    if spec is None:
        return None
    name, kwargs = spec
    return getattr(module.constraints, name)(**kwargs)


@given(spec=constraint_specs, seed=st.integers(0, 2**16), shape=st.sampled_from([(4, 3), (1, 5), (6, 1)]),
       scale=st.sampled_from([0.01, 1.0, 10.0]))
@examples(20)
def test_constraints_project_weights_as_keras_does(spec, seed, shape, scale):
    w = np.random.default_rng(seed).normal(scale=scale, size=shape)
    got = make_constraint(scratch_nn, spec)(w)
    want = keras.ops.convert_to_numpy(make_constraint(keras, spec)(w))
    assert_close(got, want, f"{spec}")


def dense_model(module, loss, kernel_constraint, bias_constraint):
    """Input (4,) -> Dense(3) in float64, softmax for the cross-entropies, linear for mse."""
    activation = None if loss == "mse" else "softmax"
    model = module.Sequential([
        module.Input((4,), dtype="float64"),
        module.layers.Dense(3, activation=activation, dtype="float64",
                            kernel_constraint=make_constraint(module, kernel_constraint),
                            bias_constraint=make_constraint(module, bias_constraint)),
    ])
    model.compile(optimizer=module.optimizers.SGD(learning_rate=0.5), loss=loss,
                  metrics=[] if loss == "mse" else ["accuracy"])
    return model


def targets(loss, labels, rng):
    if loss == "sparse_categorical_crossentropy":
        return labels
    if loss == "categorical_crossentropy":
        return np.eye(3)[labels]
    return rng.normal(size=(labels.shape[0], 3))


def sixteenths(rng, n):
    """``n`` weights in [0, 3], multiples of 1/16."""
    return rng.integers(0, 49, size=n) / 16


weightings = st.one_of(
    st.just(("sample_weight", None)),
    st.tuples(st.just("class_weight"),
              st.dictionaries(st.integers(0, 2), st.integers(0, 48).map(lambda k: k / 16),
                              max_size=3)),
)


@given(loss=st.sampled_from(["sparse_categorical_crossentropy", "categorical_crossentropy", "mse"]),
       weighting=weightings, n=st.integers(3, 12), batch_size=st.integers(1, 8),
       kernel_constraint=st.one_of(st.none(), constraint_specs),
       bias_constraint=st.one_of(st.none(), st.just(("NonNeg", {})), st.just(("MaxNorm", {"max_value": 0.1}))),
       seed=st.integers(0, 2**16))
@examples(6)
def test_weighted_fit_and_evaluate_match_keras(loss, weighting, n, batch_size, kernel_constraint,
                                               bias_constraint, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = targets(loss, rng.integers(0, 3, size=n), rng)
    kind, value = weighting
    if kind == "sample_weight" or loss == "mse":  # class weights need class labels
        fit_kwargs = {"sample_weight": sixteenths(rng, n)}
    else:
        fit_kwargs = {"class_weight": value}
    scratch_nn.utils.set_random_seed(seed)
    ours = dense_model(scratch_nn, loss, kernel_constraint, bias_constraint)
    theirs = dense_model(keras, loss, kernel_constraint, bias_constraint)
    theirs.set_weights(ours.get_weights())
    common = {"batch_size": batch_size, "epochs": 2, "shuffle": False, "verbose": 0, **fit_kwargs}
    got = ours.fit(x, y, **common).history
    want = theirs.fit(x, y, **common).history
    assert sorted(got) == sorted(want)
    for key in want:
        assert_close(got[key], want[key], f"history[{key!r}]")
    for i, (a, b) in enumerate(zip(ours.get_weights(), theirs.get_weights())):
        assert_close(a, b, f"weight {i} after fit")
    weights = sixteenths(rng, n)
    got = ours.evaluate(x, y, sample_weight=weights, batch_size=batch_size, verbose=0, return_dict=True)
    want = theirs.evaluate(x, y, sample_weight=weights, batch_size=batch_size, verbose=0,
                           return_dict=True)
    assert_close(got["loss"], want["loss"], "evaluate loss")


def test_class_weight_and_sample_weight_together_are_refused_as_keras_does():
    model = dense_model(scratch_nn, "sparse_categorical_crossentropy", None, None)
    with pytest.raises(ValueError, match="class_weight` and `sample_weight` at the same time"):
        model.fit(np.zeros((2, 4)), np.zeros(2), class_weight={0: 1.0}, sample_weight=np.ones(2),
                  verbose=0)
