"""keras/src/optimizers/{sgd,adam,rmsprop,nadam,adagrad,adamw,adamax,adadelta,lion,ftrl}_test.py

The cases these ten files share (one optimizer step, weight decay with
exclusions, five golden steps, clipping, the config round trip) as one table,
and each file's own cases below it. Numbers are Keras 3.15.1's; ``source``
names the file and test. Variables are float32, as Keras's ``backend.Variable``.
"""

import numpy as np
import pytest

from scratch_nn import optimizers
from tests.keras_cases.support import close, need, refused

#: (Keras file, optimizer class, single-step kwargs, expected variable after one step)
SINGLE_STEP = [
    ("sgd_test.py", "SGD", {"learning_rate": 0.5}, [0.5, -1.0, -0.5, 3.0]),
    ("adam_test.py", "Adam", {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    ("rmsprop_test.py", "RMSprop", {"learning_rate": 0.5}, [-0.5811, 0.4189, 1.4189, 2.4189]),
    ("nadam_test.py", "Nadam", {"learning_rate": 0.5}, [0.4686, 1.4686, 2.4686, 3.4686]),
    ("adagrad_test.py", "Adagrad", {"learning_rate": 0.5}, [0.5233, 1.5007, 2.5005, 3.5061]),
    ("adamw_test.py", "AdamW", {"learning_rate": 0.5}, [0.4980, 1.4960, 2.494, 3.492]),
    ("adamax_test.py", "Adamax", {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    ("adadelta_test.py", "Adadelta", {"learning_rate": 0.5}, [0.9993, 1.9993, 2.9993, 3.9993]),
    ("lion_test.py", "Lion", {"learning_rate": 0.5}, [0.5, 1.5, 2.5, 3.5]),
    ("ftrl_test.py", "Ftrl", {"learning_rate": 0.5}, [0.2218, 1.3954, 2.3651, 2.8814]),
]

#: (Keras file, class, constructor kwargs, golden rows: x after the first step and each next one)
GOLDEN = [
    ("sgd_test.py", "SGD", {"nesterov": True}, [
        [0.9999] * 10,
        [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
        [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
        [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
        [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599]]),
    ("adam_test.py", "Adam", {"amsgrad": True},
     [[v] * 10 for v in (0.999, 0.9982, 0.9974, 0.9965, 0.9955)]),
    ("rmsprop_test.py", "RMSprop", {"centered": True},
     [[v] * 10 for v in (0.9967, 0.9933, 0.9908, 0.9885, 0.9864)]),
    ("nadam_test.py", "Nadam", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67,
                                "epsilon": 1e-5}, [
        [0.4281] * 10,
        [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
        [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
        [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
        [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455,
         -1.7454]]),
    ("adagrad_test.py", "Adagrad", {"learning_rate": 0.2, "initial_accumulator_value": 0.3,
                                    "epsilon": 1e-6}, [
        [0.9963] * 10,
        [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
        [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
        [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
        [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825]]),
    ("adamw_test.py", "AdamW", {"learning_rate": 1.0, "weight_decay": 0.5, "epsilon": 2}, [
        [0.4998] * 10,
        [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
        [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
        [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
        [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159]]),
    ("adamax_test.py", "Adamax", {"learning_rate": 0.2, "beta_1": 0.85, "beta_2": 0.95,
                                  "epsilon": 1e-6}, [
        [0.8] * 10,
        [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
        [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
        [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
        [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126]]),
    ("adadelta_test.py", "Adadelta", {"learning_rate": 1.0, "rho": 0.8, "epsilon": 1e-6},
     [[v] * 10 for v in (0.9978, 0.9947, 0.9915, 0.9882, 0.9849)]),
    ("lion_test.py", "Lion", {}, [[v] * 10 for v in (0.999, 0.998, 0.997, 0.996, 0.995)]),
    ("ftrl_test.py", "Ftrl", {"learning_rate": 0.05, "learning_rate_power": -0.2,
                              "initial_accumulator_value": 0.4,
                              "l1_regularization_strength": 0.05,
                              "l2_regularization_strength": 0.15,
                              "l2_shrinkage_regularization_strength": 0.01, "beta": 0.3}, [
        [0.0] * 10,
        [-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354],
        [-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685],
        [-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999],
        [-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201,
         -0.1299]]),
]

#: (Keras file, class, test_config's constructor kwargs)
CONFIG = [
    ("sgd_test.py", "SGD", {"learning_rate": 0.5, "momentum": 0.06, "nesterov": True,
                            "weight_decay": 0.004}),
    ("adam_test.py", "Adam", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67,
                              "epsilon": 1e-5, "amsgrad": True}),
    ("rmsprop_test.py", "RMSprop", {"learning_rate": 0.5, "rho": 0.8, "momentum": 0.05,
                                    "epsilon": 1e-6, "centered": True}),
    ("nadam_test.py", "Nadam", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67,
                                "epsilon": 1e-5}),
    ("adagrad_test.py", "Adagrad", {"learning_rate": 0.5, "initial_accumulator_value": 0.2,
                                    "epsilon": 1e-5}),
    ("adamw_test.py", "AdamW", {"learning_rate": 0.5, "weight_decay": 0.008, "beta_1": 0.5,
                                "beta_2": 0.67, "epsilon": 1e-5, "amsgrad": True}),
    ("adamax_test.py", "Adamax", {"learning_rate": 0.5, "beta_1": 0.8, "beta_2": 0.95,
                                  "epsilon": 1e-5}),
    ("adadelta_test.py", "Adadelta", {"learning_rate": 0.5, "rho": 0.9, "epsilon": 1e-5}),
    ("lion_test.py", "Lion", {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67}),
    ("ftrl_test.py", "Ftrl", GOLDEN[-1][2]),
]

#: the files with test_weight_decay / test_clip_norm / test_clip_value (all but Ftrl's first)
WEIGHT_DECAY = [name for _, name, *_ in SINGLE_STEP if name != "Ftrl"]
CLIPPING = [name for _, name, *_ in SINGLE_STEP]


def _ids(table):
    return [f"{row[0]}::{row[1]}" for row in table]


class NamedVariable(np.ndarray):
    """A float32 array with a ``name``, as ``backend.Variable(2.0, name="exclude")``."""

    def __new__(cls, value, name):
        obj = np.asarray(value, "float32").copy().view(cls)
        obj.name = name
        return obj


@pytest.mark.parametrize(("source", "name", "kwargs", "expected"), SINGLE_STEP,
                         ids=_ids(SINGLE_STEP))
def test_single_step(source, name, kwargs, expected):
    """``<name>_test.py::test_single_step``: one step from [1, 2, 3, 4] with gradient [1, 6, 7, 2]."""
    optimizer = need(optimizers, name)(**kwargs)
    variable = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    optimizer.apply_gradients(zip([np.array([1.0, 6.0, 7.0, 2.0], "float32")], [variable]))
    close(variable, expected, rtol=1e-4, atol=1e-4)
    if name == "SGD":  # sgd_test.py also reads optimizer.variables: iterations 1, learning rate 0.5
        assert optimizer.iterations == 1
        assert float(optimizer.learning_rate) == 0.5


@pytest.mark.parametrize(("source", "name", "kwargs", "golden"), GOLDEN, ids=_ids(GOLDEN))
def test_correctness_with_golden(source, name, kwargs, golden):
    """``<name>_test.py::test_correctness_with_golden``: a step with 0.01, then five with 0.1..1.0."""
    optimizer = need(optimizers, name)(**kwargs)
    x = np.ones(10, "float32")
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    optimizer.apply_gradients(zip([np.full(10, 0.01, "float32")], [x]))
    for row in golden:
        close(x, row, rtol=5e-4, atol=5e-4)
        optimizer.apply_gradients(zip([grads], [x]))


@pytest.mark.parametrize("name", WEIGHT_DECAY)
def test_weight_decay(name):
    """``<name>_test.py::test_weight_decay``: decay 0.004 at rate 1, one variable excluded by name, one by object."""
    cls = need(optimizers, name)
    need(cls, "exclude_from_weight_decay")
    grads = np.zeros((), "float32")
    var1, var2, var3 = (NamedVariable(2.0, "variable"), NamedVariable(2.0, "exclude"),
                        NamedVariable(2.0, "variable"))
    optimizer_1 = cls(learning_rate=1.0, weight_decay=0.004)
    optimizer_1.apply_gradients(zip([grads], [var1]))
    optimizer_2 = cls(learning_rate=1.0, weight_decay=0.004)
    optimizer_2.exclude_from_weight_decay(var_names=["exclude"])
    optimizer_2.apply_gradients(zip([grads, grads], [var1, var2]))
    optimizer_3 = cls(learning_rate=1.0, weight_decay=0.004)
    optimizer_3.exclude_from_weight_decay(var_list=[var3])
    optimizer_3.apply_gradients(zip([grads, grads], [var1, var3]))
    np.testing.assert_almost_equal(float(var1), 1.9760959, decimal=6)
    np.testing.assert_almost_equal(float(var2), 2.0, decimal=6)
    np.testing.assert_almost_equal(float(var3), 2.0, decimal=6)


@pytest.mark.parametrize("name", CLIPPING)
def test_clip_value(name):
    """``<name>_test.py::test_clip_value``: clipvalue=1 clips [100, 100] to [1, 1]."""
    optimizer = need(optimizers, name)(clipvalue=1)
    variable = np.zeros(2)
    ((clipped, _),) = optimizer._clip_gradients([(np.array([100.0, 100.0]), variable)])
    close(clipped, [1.0, 1.0])


@pytest.mark.parametrize("name", CLIPPING)
def test_clip_norm(name):
    """``<name>_test.py::test_clip_norm``: per-variable clipnorm, refused by design."""
    need(optimizers, name)
    refused("clipnorm is per variable and a model hands its parameters over as one flat "
            "buffer (global_clipnorm and clipvalue are provided); see test_scratch_clipnorm_refused")


def test_scratch_clipnorm_refused():
    """The documented refusal of ``clipnorm=``: ``NotImplementedError`` naming the argument."""
    with pytest.raises(NotImplementedError, match="clipnorm"):
        optimizers.SGD(clipnorm=1)


@pytest.mark.parametrize(("source", "name", "kwargs"), CONFIG, ids=_ids(CONFIG))
def test_config(source, name, kwargs):
    """``<name>_test.py::test_config``: ``run_class_serialization_test``, the config round trip.

    Keras's helper checks ``from_config(get_config())`` gives the same config,
    and the same through ``serialize``/``deserialize``.
    """
    cls = need(optimizers, name)
    serialize, deserialize = need(optimizers, "serialize"), need(optimizers, "deserialize")
    optimizer = cls(**kwargs)
    config = optimizer.get_config()
    for key, value in kwargs.items():
        assert config[key] == value, key
    assert cls.from_config(config).get_config() == config
    again = deserialize(serialize(optimizer))
    assert type(again) is cls
    assert again.get_config() == config


# -- each file's own cases ----------------------------------------------------
def test_sgd_invalid_momentum():
    """sgd_test.py::test_invalid_momentum: momentum outside [0, 1], Keras's message."""
    for momentum in (-1.0, 2.0):
        with pytest.raises(ValueError, match=r"`momentum` must be a float between \[0, 1\]."):
            optimizers.SGD(momentum=momentum)


def test_nadam_build_with_empty_var_list():
    """nadam_test.py::test_build_with_empty_var_list: ``build([])`` works.

    Keras's case reads the dtype of its private ``_u_product`` variable;
    scratch_nn keeps the running product as a Python float (``u_product``,
    cast to each variable's dtype in the step), so the port checks that it
    starts at 1.
    """
    optimizer = optimizers.Nadam()
    optimizer.build([])
    assert optimizer.u_product == 1.0


def test_adamw_weight_decay_is_none():
    """adamw_test.py::test_weight_decay_is_none: AdamW refuses ``weight_decay=None``, Keras's message."""
    cls = need(optimizers, "AdamW")
    with pytest.raises(ValueError, match="Argument `weight_decay` must be a float. "
                                         "Received: weight_decay=None"):
        cls(learning_rate=1.0, weight_decay=None)


@pytest.mark.parametrize("beta_1", [-0.1, 0.0, 1.1])
def test_lion_invalid_beta_1(beta_1):
    """lion_test.py::test_invalid_beta_1: beta_1 outside (0, 1], Keras's message."""
    cls = need(optimizers, "Lion")
    with pytest.raises(ValueError, match=(
            r"Argument `beta_1` must be in the \[0, 1\] range. Otherwise, the optimizer "
            rf"degenerates to SignSGD. Received: beta_1={beta_1}.")):
        cls(beta_1=beta_1)


@pytest.mark.parametrize(("argument", "invalid", "rule"), [
    ("initial_accumulator_value", -0.1, "positive or zero"),
    ("learning_rate_power", 0.1, "negative or zero"),
    ("l1_regularization_strength", -0.1, "positive or zero"),
    ("l2_regularization_strength", -0.1, "positive or zero"),
    ("l2_shrinkage_regularization_strength", -0.1, "positive or zero"),
])
def test_ftrl_invalid_arguments(argument, invalid, rule):
    """ftrl_test.py::test_invalid_<argument>: each refusal, Keras's message word for word."""
    cls = need(optimizers, "Ftrl")
    with pytest.raises(ValueError, match=(
            rf"^`{argument}` needs to be {rule}. Received: {argument}={invalid}.$")):
        cls(**{argument: invalid})


@pytest.mark.parametrize("source", ["adam_test.py::test_ema",
                                    "adam_test.py::test_ema_overwrite_frequency",
                                    "lion_test.py::test_ema"])
def test_ema(source):
    """The EMA cases: scratch_nn keeps no moving average of the weights."""
    refused("use_ema (a moving average of the weights) is not implemented; "
            "see test_scratch_ema_refused")


def test_scratch_ema_refused():
    """The documented refusal of ``use_ema=True``: ``NotImplementedError`` naming it."""
    with pytest.raises(NotImplementedError, match="use_ema"):
        optimizers.Adam(use_ema=True)


def test_adam_clipnorm_indexed_slices():
    """adam_test.py::test_clipnorm_indexed_slices: an Embedding layer's IndexedSlices on TensorFlow."""
    refused("Embedding layers and the TensorFlow backend's IndexedSlices are not in an MLP")


def test_scratch_optimizer_names_are_unique_keras_snake_case():
    """optimizer_test.py (names): ``Adam()`` twice is ``adam`` then ``adam_1``; ``SGD().name == 'sgd'``."""
    from scratch_nn import backend

    backend.clear_session()
    assert optimizers.Adam().name == "adam"
    assert optimizers.Adam().name == "adam_1"
    assert optimizers.SGD().name == "sgd"


def test_scratch_exclusions_apply_in_fit():
    """exclude_from_weight_decay(var_names=["bias"]) in fit: the kernel decays, the bias does not.

    One SGD step from the same weights with and without decay: the kernels
    differ by exactly ``lr * wd * kernel``, the biases not at all.
    """
    import scratch_nn as keras

    x, y = np.random.default_rng(0).random((4, 2)), np.ones((4, 1))
    results = []
    for decay in (None, 0.1):
        model = keras.Sequential([keras.layers.Input((2,)),
                                  keras.layers.Dense(1, kernel_initializer="ones",
                                                     bias_initializer="ones")])
        optimizer = optimizers.SGD(learning_rate=0.5, weight_decay=decay)
        optimizer.exclude_from_weight_decay(var_names=["bias"])
        model.compile(optimizer=optimizer, loss="mse")
        model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
        results.append(model.get_weights())
    (kernel, bias), (kernel_decayed, bias_decayed) = results
    np.testing.assert_allclose(kernel - kernel_decayed, 0.5 * 0.1 * np.ones((2, 1)), rtol=1e-6)
    np.testing.assert_array_equal(bias, bias_decayed)