"""``keras.ops`` for the array helpers MLP code calls, on NumPy arrays.

Mirrors the signatures of ``keras/src/ops/core.py``, ``numpy.py`` and
``nn.py`` (Keras 3). scratch_nn's "tensors" are NumPy arrays: every op
takes arrays (or anything ``np.asarray`` reads) and returns a
:class:`~scratch_nn.tensor.Tensor`, an ``ndarray`` with ``.numpy()``, as
Keras's ops return tensors (``ops.softmax(model(x).numpy()).numpy()``);
``convert_to_numpy`` returns a plain ``ndarray`` and ``shape`` a tuple.
The scope is what Keras MLP programs (keras.io guides,
TensorFlow tutorials, book notebooks) apply to arrays around a model:

- conversion: ``convert_to_tensor``, ``convert_to_numpy``, ``cast``, ``shape``
- creation: ``zeros``, ``ones``, ``arange``, ``one_hot``
- reductions: ``sum``, ``mean``, ``max``, ``min``, ``std``, ``var``,
  ``argmax``, ``argmin``
- element-wise: ``abs``, ``square``, ``sqrt``, ``exp``, ``log``, ``power``,
  ``clip``, ``maximum``, ``minimum``, ``equal``, ``where``
- shapes: ``reshape``, ``expand_dims``, ``squeeze``, ``transpose``,
  ``concatenate``, ``stack``, ``matmul``
- activations: ``relu``, ``sigmoid``, ``tanh``, ``softmax``, ``log_softmax``

Dtypes follow Keras's TensorFlow backend where MLP code can see them: a
Python float (or list of floats) becomes ``floatx()``, a Python int
``int32``; a NumPy array keeps its dtype; ``mean``/``std``/``var`` and
``sqrt``/``exp``/``log`` of integers give ``floatx()``; ``argmax`` and
``argmin`` give ``int32``; ``one_hot`` gives ``floatx()``. Anything else in
``keras.ops`` (convolutions, linear algebra, image ops...) is not provided.
"""

import functools

import numpy as np

from scratch_nn import activations
from scratch_nn.config import floatx
from scratch_nn.tensor import as_tensor


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as an array: Python floats become ``floatx()``, Python ints ``int32``."""
    if sparse or ragged:
        raise NotImplementedError("ops.convert_to_tensor: sparse and ragged tensors are not supported")
    if dtype is not None:
        return np.asarray(x, dtype=dtype)
    arr = np.asarray(x)
    if not isinstance(x, (np.ndarray, np.generic)):
        if arr.dtype == np.float64:
            arr = arr.astype(floatx())
        elif arr.dtype == np.int64:
            arr = arr.astype(np.int32)
    return arr


def convert_to_numpy(x):
    """``x`` as a plain NumPy array (objects with ``.numpy()`` are converted through it)."""
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(x)


def cast(x, dtype):
    """``x`` as ``dtype``."""
    return np.asarray(x).astype(dtype)


def shape(x):
    """The shape of ``x`` as a tuple."""
    return np.shape(x)


def zeros(shape, dtype=None):
    """An array of zeros, ``floatx()`` by default."""
    return np.zeros(shape, dtype=dtype or floatx())


def ones(shape, dtype=None):
    """An array of ones, ``floatx()`` by default."""
    return np.ones(shape, dtype=dtype or floatx())


def arange(start, stop=None, step=None, dtype=None):
    """``start, start + step, ...`` below ``stop``; Python numbers' dtypes as :func:`convert_to_tensor`."""
    return convert_to_tensor(np.arange(start, stop, step if step is not None else 1).tolist(), dtype)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """``out[..., j] = [x == j]`` for ``j < num_classes`` (indices outside give all zeros)."""
    if sparse:
        raise NotImplementedError("ops.one_hot: sparse=True is not supported")
    x = np.asarray(x)
    out = (x[..., None] == np.arange(num_classes)).astype(dtype or floatx())
    return np.moveaxis(out, -1, axis)


def _float(x):
    """Integers and booleans as ``floatx()``, floats unchanged (Keras's rule for mean, sqrt...)."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(floatx())


def sum(x, axis=None, keepdims=False):
    """``sum(x)`` over ``axis`` (all axes when ``None``)."""
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims))


def mean(x, axis=None, keepdims=False):
    """``sum(x) / count`` over ``axis``; integers give ``floatx()``."""
    x = _float(x)
    return np.asarray(np.mean(x, axis=axis, keepdims=keepdims), dtype=x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    """The largest entry over ``axis``."""
    kwargs = {} if initial is None else {"initial": initial}
    return np.asarray(np.max(x, axis=axis, keepdims=keepdims, **kwargs))


def min(x, axis=None, keepdims=False, initial=None):
    """The smallest entry over ``axis``."""
    kwargs = {} if initial is None else {"initial": initial}
    return np.asarray(np.min(x, axis=axis, keepdims=keepdims, **kwargs))


def std(x, axis=None, keepdims=False):
    """``sqrt(mean((x - mean(x))**2))`` over ``axis`` (population, ``ddof=0``)."""
    x = _float(x)
    return np.asarray(np.std(x, axis=axis, keepdims=keepdims), dtype=x.dtype)


def var(x, axis=None, keepdims=False):
    """``mean((x - mean(x))**2)`` over ``axis``."""
    x = _float(x)
    return np.asarray(np.var(x, axis=axis, keepdims=keepdims), dtype=x.dtype)


def argmax(x, axis=None, keepdims=False):
    """Index of the largest entry (the first one on ties), ``int32``."""
    return np.asarray(np.argmax(x, axis=axis, keepdims=keepdims), dtype=np.int32)


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest entry (the first one on ties), ``int32``."""
    return np.asarray(np.argmin(x, axis=axis, keepdims=keepdims), dtype=np.int32)


def abs(x):
    """``|x|``."""
    return np.abs(x)


def square(x):
    """``x**2``."""
    return np.square(x)


def sqrt(x):
    """``x**0.5``; integers give ``floatx()``."""
    return np.sqrt(_float(x))


def exp(x):
    """``e**x``; integers give ``floatx()``."""
    return np.exp(_float(x))


def log(x):
    """Natural logarithm; integers give ``floatx()``."""
    return np.log(_float(x))


def power(x1, x2):
    """``x1**x2`` element-wise."""
    return np.power(x1, x2)


def clip(x, x_min, x_max):
    """``min(max(x, x_min), x_max)``."""
    return np.clip(x, x_min, x_max)


def maximum(x1, x2):
    """Element-wise maximum."""
    return np.maximum(x1, x2)


def minimum(x1, x2):
    """Element-wise minimum."""
    return np.minimum(x1, x2)


def equal(x1, x2):
    """``x1 == x2`` element-wise (booleans)."""
    return np.equal(x1, x2)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with one argument, the indices where it holds."""
    if x1 is None and x2 is None:
        return np.nonzero(condition)
    return np.where(condition, x1, x2)


def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one ``-1`` is inferred)."""
    return np.reshape(x, newshape)


def expand_dims(x, axis):
    """``x`` with a new axis of length 1 at ``axis``."""
    return np.expand_dims(x, axis)


def squeeze(x, axis=None):
    """``x`` without its axes of length 1 (or only ``axis``)."""
    return np.squeeze(x, axis=axis)


def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed when ``axes`` is ``None``)."""
    return np.transpose(x, axes)


def concatenate(xs, axis=0):
    """The arrays ``xs`` joined along ``axis``."""
    return np.concatenate(xs, axis=axis)


def stack(x, axis=0):
    """The arrays ``x`` stacked along a new ``axis``."""
    return np.stack(x, axis=axis)


def matmul(x1, x2):
    """Matrix product ``x1 @ x2``."""
    return np.matmul(x1, x2)


def relu(x):
    """``max(x, 0)``."""
    return activations.relu(np.asarray(x))


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return activations.sigmoid(_float(x))


def tanh(x):
    """``tanh(x)``."""
    return np.tanh(_float(x))


def softmax(x, axis=-1):
    """``exp(x - max(x)) / sum(exp(x - max(x)))`` along ``axis``."""
    return activations.softmax(_float(x), axis=axis)


def log_softmax(x, axis=-1):
    """``x - max(x) - log(sum(exp(x - max(x))))`` along ``axis``."""
    x = _float(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _returning_tensor(op):
    """``op`` with its result as a :class:`~scratch_nn.tensor.Tensor` (no copy)."""
    @functools.wraps(op)
    def wrapped(*args, **kwargs):
        return as_tensor(op(*args, **kwargs))
    return wrapped


for _name in ("convert_to_tensor", "cast", "zeros", "ones", "arange", "one_hot", "sum", "mean",
              "max", "min", "std", "var", "argmax", "argmin", "abs", "square", "sqrt", "exp", "log",
              "power", "clip", "maximum", "minimum", "equal", "where", "reshape", "expand_dims",
              "squeeze", "transpose", "concatenate", "stack", "matmul", "relu", "sigmoid", "tanh",
              "softmax", "log_softmax"):
    globals()[_name] = _returning_tensor(globals()[_name])
del _name
