"""`scratch_nn.matmul.matmul`: the blocked float32 product is the product.

The blocks only reorder float32 additions, so the result must sit within the
rounding bound of a float32 dot product of that depth around the exact
(float64) product: ``|err| <= depth * eps32 * (|x| @ |kernel|)``. A block that
skipped or repeated one of the ``depth`` rows would be off by about
``1/depth`` of the sum, 10-60 times that bound for these depths.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scratch_nn.matmul import BLOCK, SPLIT_ABOVE, matmul


@given(batch=st.integers(1, 8), depth=st.integers(SPLIT_ABOVE - 2, 3 * BLOCK + 5),
       units=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_blocked_float32_product_is_the_product(batch, depth, units, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 1.0, (batch, depth)).astype(np.float32)
    kernel = rng.uniform(0.5, 1.0, (depth, units)).astype(np.float32)
    exact = x.astype(np.float64) @ kernel.astype(np.float64)
    got = matmul(x, kernel)
    assert got.dtype == np.float32 and got.shape == (batch, units)
    bound = depth * np.finfo(np.float32).eps * (np.abs(x).astype(np.float64) @ np.abs(kernel))
    assert np.all(np.abs(got - exact) <= bound)


def test_float64_and_shallow_products_are_left_whole():
    rng = np.random.default_rng(0)
    for dtype, depth in ((np.float64, 784), (np.float32, SPLIT_ABOVE)):
        x, kernel = rng.random((5, depth)).astype(dtype), rng.random((depth, 3)).astype(dtype)
        np.testing.assert_array_equal(matmul(x, kernel), x @ kernel)
