"""The forward matrix product of a Dense layer, with deep float32 contractions split.

``matmul(x, kernel)`` is ``x @ kernel``. When ``x`` is float32 and the
contraction (``in``, the kernel's first axis) is deeper than ``SPLIT_ABOVE``,
it is summed from ``b`` equal blocks of at most ``BLOCK`` rows::

    x @ kernel = sum_j  x[:, k_j:k_{j+1}] @ kernel[k_j:k_{j+1}]

Why: on the development machine (OpenBLAS 0.3.31, one thread, AMD EPYC), the
float32 ``(batch, 784) @ (784, 128)`` product of MNIST's first layer took
0.78 s of a batch-128 epoch, twice the 0.36 s of the backward ``x.T @ dz``
(same FLOPs, contracted over the batch). Summed from two 392-deep products
it runs at the backward's rate: whole ``fit`` epochs of a 784-128-10 Adam
model were 1.14x, 1.37x and 1.31x faster at batch 32, 128 and 512 (the two
variants alternated epoch by epoch in one process, on an idle machine); at
width 32 1.17x, at width 1024 no difference beyond the noise. The cause
inside OpenBLAS was not pinned down, and another BLAS or CPU may not need
this. Float64 products are left whole (not measured). The blocks change only
the order of the float32 additions: the result matches ``x @ kernel`` to
float32 rounding (``tests/test_matmul.py``).
"""

import itertools

import numpy as np

#: Float32 contractions deeper than this are split.
SPLIT_ABOVE = 512
#: Upper bound on a block's depth (784 splits into 2 x 392).
BLOCK = 400


def matmul(x, kernel):
    """``x @ kernel`` for ``x`` ``(batch, in)`` and ``kernel`` ``(in, units)``; see the module."""
    depth = kernel.shape[0]
    if x.dtype != np.float32 or depth <= SPLIT_ABOVE:
        return x @ kernel
    blocks = -(-depth // BLOCK)
    edges = [depth * j // blocks for j in range(blocks + 1)]
    pairs = itertools.pairwise(edges)
    low, high = next(pairs)
    out = x[:, low:high] @ kernel[low:high]
    for low, high in pairs:
        out += x[:, low:high] @ kernel[low:high]
    return out
