"""Training-loop semantics against Keras: validation split, EarlyStopping, normalize.

Properties:

- `fit(validation_split=s)` trains on exactly the samples Keras trains on and
  validates on exactly the ones Keras holds out (its
  `train_validation_split`: the last `n - floor(n * (1 - s))`, before
  shuffling). Observed through `fit` itself: a one-weight linear model with
  learning rate 0 and y = 0 has per-sample loss x_i**2, so the epoch's `loss`
  and `val_loss` are the means of x_i**2 over the two parts. Tolerance 1e-12
  relative (float64 sums of the same numbers).
- EarlyStopping, driven by a scripted metric sequence through
  `on_train_begin` / `on_epoch_end` / `on_train_end` with a fake model whose
  weights record the epoch, stops at the same epoch, has the same
  `stopped_epoch`, `best_epoch`, `wait` and `best`, and restores the same
  weights as Keras's EarlyStopping for every monitor, mode, patience,
  min_delta, baseline, restore_best_weights and start_from_epoch drawn. The
  values are multiples of 1/16 (as are min_delta and baseline), exact in
  binary, so both libraries see the same ties. Compared exactly.
- `scratch_nn.utils.normalize(x, axis, order)` equals
  `keras.utils.normalize` for orders 1, 2 and inf on any axis but 0 (see the
  test), with all-zero slices: 1e-15 relative (the same NumPy operations).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from tests.checks import check_early_stopping, check_validation_split
from tests.hypothesis_profiles import examples
from tests.strategies import early_stopping_cases, seeds
from tests.tolerances import assert_close


# -- validation_split ----------------------------------------------------------------
@st.composite
def split_cases(draw):
    """n samples with distinct squares, and a split leaving both parts non-empty."""
    n = draw(st.integers(2, 60))
    split = draw(st.sampled_from([0.1, 0.2, 0.3, 0.7, 0.9]) | st.floats(0.01, 0.99))
    split_at = int(np.floor(n * (1.0 - split)))
    if split_at in (0, n):
        split = 0.5
    rng = np.random.default_rng(draw(seeds))
    return rng.uniform(1, 2, (n, 1)) * (1 + np.arange(n))[:, None], split


@given(case=split_cases())
def test_validation_split_holds_out_what_keras_holds_out(case):
    check_validation_split(*case)


# -- EarlyStopping -------------------------------------------------------------------
@examples(60)
@given(case=early_stopping_cases())
def test_early_stopping_decides_like_keras(case):
    check_early_stopping(*case)


# -- normalize -----------------------------------------------------------------------
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), order=st.sampled_from([1, 2, np.inf]),
       seed=seeds, data=st.data())
def test_normalize_matches_keras(shape, order, seed, data):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * data.draw(st.sampled_from([1e-3, 1.0, 255.0]))
    x[rng.random(shape) < 0.3] = 0.0
    # Not axis 0: Keras's NumPy branch does `axis = axis or -1`, so axis=0
    # normalizes along 0 and then divides along -1 (an error, or a wrong result
    # for square arrays); scratch_nn copies that line.
    axis = data.draw(st.sampled_from([a for a in range(-len(shape), len(shape)) if a != 0]))
    expected = keras.utils.normalize(x.copy(), axis=axis, order=order)
    assert_close(scratch_nn.utils.normalize(x, axis=axis, order=order), expected, 1e-15,
                 f"normalize(axis={axis}, order={order})")
