"""``scratch_nn.backend`` and ``scratch_nn.ops`` against ``keras.backend`` and ``keras.ops``.

Properties:
- The settings start at Keras's values; ``set_epsilon`` changes the clip of
  the cross-entropies as Keras's does (same loss on a probability of 0).
- The same layer-creating code in both libraries gives the same layer
  names before and after ``clear_session`` (``keras.utils`` too).
- Each op, called with the same literal arguments in both libraries on the
  same arrays, returns the same values (float32: 1e-6 relative) and the
  same dtype.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import scratch_nn
from scratch_nn import backend, ops


@pytest.fixture
def restore_epsilon():
    yield
    backend.set_epsilon(1e-7)
    keras.backend.set_epsilon(1e-7)


def test_settings_start_at_keras_values():
    assert backend.floatx() == keras.backend.floatx()
    assert backend.epsilon() == keras.backend.epsilon()
    assert backend.image_data_format() == keras.backend.image_data_format()
    assert backend.backend() == "numpy"


def test_set_epsilon_changes_the_clip_as_in_keras(restore_epsilon):
    p = np.array([[0.0, 0.6, 0.4]])
    t = np.array([[1.0, 0.0, 0.0]])
    backend.set_epsilon(1e-3)
    keras.backend.set_epsilon(1e-3)
    ours = scratch_nn.losses.categorical_crossentropy(t, p)
    theirs = keras.losses.categorical_crossentropy(t, p).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert ours[0] == pytest.approx(-np.log(1e-3), rel=1e-6)


@pytest.mark.parametrize("value", [0, -1e-3, 0.5, "1e-3"])
def test_set_epsilon_refuses_bad_values(value):
    with pytest.raises(ValueError, match="set_epsilon"):
        backend.set_epsilon(value)


def layer_names(lib, clear):
    clear()
    first = [lib.layers.Dense(2).name for _ in range(3)] + [lib.layers.Dropout(0.1).name]
    clear()
    return first + [lib.layers.Dense(2).name]


@pytest.mark.parametrize("where", ["backend", "utils"])
def test_clear_session_resets_layer_names_as_keras(where):
    ours = layer_names(scratch_nn, getattr(scratch_nn, where).clear_session)
    theirs = layer_names(keras, getattr(keras, where).clear_session)
    assert ours == theirs == ["dense", "dense_1", "dense_2", "dropout", "dense"]


RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 5)).astype("float32")
POS = np.abs(X) + 0.1
IDS = np.array([0, 3, 1, 2])

#: (op name, positional args, keyword args)
CASES = [
    ("convert_to_tensor", ([[1.0, 2.0]],), {}),
    ("convert_to_tensor", ([1, 2],), {}),
    ("convert_to_tensor", (X,), {"dtype": "float64"}),
    ("convert_to_numpy", (X,), {}),
    ("cast", (X, "int32"), {}),
    ("zeros", ((2, 3),), {}),
    ("ones", ((3,),), {"dtype": "int32"}),
    ("arange", (5,), {}),
    ("arange", (1, 7, 2), {}),
    ("one_hot", (IDS, 4), {}),
    ("one_hot", (IDS, 4), {"axis": 0}),
    ("sum", (X,), {}),
    ("sum", (X,), {"axis": 1, "keepdims": True}),
    ("mean", (X,), {"axis": 0}),
    ("mean", (IDS,), {}),
    ("max", (X,), {"axis": -1}),
    ("min", (X,), {}),
    ("std", (X,), {"axis": 1}),
    ("var", (X,), {}),
    ("argmax", (X,), {"axis": -1}),
    ("argmin", (X,), {"axis": 0}),
    ("abs", (X,), {}),
    ("square", (X,), {}),
    ("sqrt", (POS,), {}),
    ("exp", (X,), {}),
    ("log", (POS,), {}),
    ("sqrt", (IDS,), {}),
    ("power", (POS, 1.5), {}),
    ("clip", (X, -0.5, 0.5), {}),
    ("maximum", (X, 0.0), {}),
    ("minimum", (X, POS), {}),
    ("equal", (IDS, 3), {}),
    ("where", (X > 0, X, 0.0), {}),
    ("reshape", (X, (5, -1)), {}),
    ("expand_dims", (X, 1), {}),
    ("squeeze", (X[:, :1],), {}),
    ("transpose", (X,), {}),
    ("concatenate", ([X, X],), {"axis": 1}),
    ("stack", ([X, X],), {}),
    ("matmul", (X, X.T), {}),
    ("relu", (X,), {}),
    ("sigmoid", (X,), {}),
    ("tanh", (X,), {}),
    ("softmax", (X,), {}),
    ("softmax", (X,), {"axis": 0}),
    ("log_softmax", (X,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES)
def test_op_matches_keras(name, args, kwargs):
    ours = getattr(ops, name)(*args, **kwargs)
    theirs = keras.ops.convert_to_numpy(getattr(keras.ops, name)(*args, **kwargs))
    assert isinstance(ours, np.ndarray)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
