"""One-off BLAS warm-up: a single large product, once per process, before training.

On the development machine (NumPy 2.4 with OpenBLAS 0.3.31, one thread, AMD
EPYC), the matrix products of a small MLP run at half speed until the process
has computed one large product. MNIST's first layer, a float32
``(128, 784) @ (784, 128)`` product, took 1.66 ms before any product of
512 x 512 x 512 or more, and 0.73 ms after one (float32 or float64 alike;
256^3 did not switch it). A whole ``fit`` epoch of a 784-128-10 Adam model at
batch 512 took 2.27 s without it and 0.94 s with it. The state lasts for the
rest of the process. The cause inside OpenBLAS was not pinned down (its
buffer allocation for small products is the likely place); another BLAS may
not need this.

``warm_up()`` computes one float32 ``512 x 512 x 512`` product (0.27 GFLOP,
about 8 ms here) the first time it is called and nothing afterwards.
:class:`~scratch_nn.models.Sequential` calls it when it builds, so every
model's training, evaluation and prediction run after it. It changes no
result: products are computed the same way, only faster.
"""

import numpy as np

#: Side of the square float32 product that switches OpenBLAS (512 is the smallest tried that did).
WARM_UP_SIZE = 512

_warmed = False


def warm_up():
    """Compute one ``WARM_UP_SIZE``-cubed float32 product, once per process."""
    global _warmed
    if _warmed:
        return
    a = np.ones((WARM_UP_SIZE, WARM_UP_SIZE), np.float32)
    np.matmul(a, a, out=a.copy())
    _warmed = True
