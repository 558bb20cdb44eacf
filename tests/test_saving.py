"""Model.save / load_model and save_weights / load_weights (scratch_nn/saving.py).

Properties, no TensorFlow needed:

- A saved and loaded model (Sequential or functional; Dense with
  regularizers, BatchNormalization, Dropout) has the same layer classes and
  configs, the same weights, and predicts the same outputs, bit for bit.
- Continuing ``fit`` after ``save`` / ``load_model`` gives the same weights,
  bit for bit, as continuing without it, for SGD with momentum, Adam
  (AMSGrad, weight decay) and centred RMSprop with momentum: the optimizer's
  iterations and slots travel with the model. Without them (``compile=False``
  then a fresh ``compile``) the weights differ, which shows the comparison
  can fail.
- ``.weights.h5`` (and ``.npz``) files round-trip; names Keras refuses are
  refused with Keras's messages; a file written by Keras (HDF5) is refused by
  name; no temporary file is left behind.
"""

import zipfile

import numpy as np
import pytest

import scratch_nn
from scratch_nn import layers, optimizers, regularizers

OPTIMIZERS = {
    "sgd_momentum": lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "adam_amsgrad": lambda: optimizers.Adam(learning_rate=0.01, amsgrad=True, weight_decay=0.01),
    "rmsprop_centered": lambda: optimizers.RMSprop(learning_rate=0.01, momentum=0.5,
                                                   centered=True),
}


def data(seed=0, n=48):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 5)).astype(np.float32), rng.integers(0, 3, n)


def hidden_layers(dropout=True):
    out = [layers.Dense(8, activation="relu", kernel_regularizer=regularizers.L2(0.01)),
           layers.BatchNormalization()]
    if dropout:
        out.append(layers.Dropout(0.25, seed=3))
    return [*out, layers.Dense(3, activation="softmax")]


def sequential(dropout=True):
    return scratch_nn.Sequential([layers.Input((5,)), *hidden_layers(dropout)], name="seq")


def functional(dropout=True):
    inputs = scratch_nn.Input(shape=(5,))
    x = inputs
    for layer in hidden_layers(dropout):
        x = layer(x)
    return scratch_nn.Model(inputs, x, name="func")


def trained(build, optimizer, seed=0):
    scratch_nn.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = data(seed)
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    return model


@pytest.mark.parametrize("build", [sequential, functional])
def test_loaded_model_has_same_layers_weights_and_predictions(tmp_path, build):
    model = trained(build, "adam")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = scratch_nn.models.load_model(path)
    assert type(loaded) is type(model) and loaded.name == model.name
    assert [type(a) for a in loaded.layers] == [type(b) for b in model.layers]
    for a, b in zip(loaded.layers, model.layers):
        assert vars_config(a) == vars_config(b)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    x, _ = data(1)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, data(1)[1], verbose=0) == model.evaluate(x, data(1)[1], verbose=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]
    assert {"config.json", "metadata.json", "model.weights.npz"} <= set(
        zipfile.ZipFile(path).namelist())


def vars_config(layer):
    """The plain-valued attributes of a layer, and the class of each object attribute."""
    out = {}
    for key, value in vars(layer).items():
        if key.startswith("_") or key in ("params", "grads", "state", "name"):
            continue
        out[key] = value if isinstance(value, (int, float, str, tuple, type(None))) else (
            type(value).__name__, sorted((k, v) for k, v in vars(value).items()
                                         if isinstance(v, (int, float, str, type(None)))
                                         and not k.startswith("_")))
    return out


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("build", [sequential, functional])
def test_fit_continues_after_load_as_without_saving(tmp_path, name, build):
    make = OPTIMIZERS[name]
    model = trained(lambda: build(dropout=False), make())
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = scratch_nn.saving.load_model(path)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 3
    assert type(loaded.optimizer) is type(model.optimizer)
    x, y = data(2)
    for m in (model, loaded):
        m.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)

    # Without the optimizer's state the same continuation lands elsewhere.
    fresh = scratch_nn.saving.load_model(path, compile=False)
    fresh.compile(optimizer=make(), loss="sparse_categorical_crossentropy")
    fresh.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), model.get_weights()))


def test_uncompiled_model_saves_and_loads_uncompiled(tmp_path):
    model = sequential()
    model.save(tmp_path / "m.h5")
    loaded = scratch_nn.models.load_model(tmp_path / "m.h5")
    assert not loaded.compiled
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_schedule_and_loss_object_survive_saving(tmp_path):
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    model = sequential(dropout=False)
    model.compile(optimizer=optimizers.SGD(learning_rate=schedule),
                  loss=scratch_nn.losses.SparseCategoricalCrossentropy())
    model.fit(*data(), batch_size=16, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = scratch_nn.models.load_model(tmp_path / "m.keras")
    assert type(loaded.loss) is type(model.loss)
    for m in (model, loaded):
        m.fit(*data(1), batch_size=16, shuffle=False, verbose=0)
    assert loaded.optimizer.learning_rate == model.optimizer.learning_rate == 0.1 * 0.5**3
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_include_optimizer_false_leaves_the_state_out(tmp_path):
    model = trained(sequential, "adam")
    model.save(tmp_path / "m.h5", include_optimizer=False)
    loaded = scratch_nn.models.load_model(tmp_path / "m.h5")
    assert loaded.compiled and loaded.optimizer.iterations == 0


@pytest.mark.parametrize("suffix", [".weights.h5", ".npz"])
def test_weights_round_trip(tmp_path, suffix):
    model = trained(sequential, "sgd")
    path = tmp_path / f"w{suffix}"
    model.save_weights(path)
    other = sequential()
    other.load_weights(path)
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    other.load_weights(path)  # and from a whole saved model
    model.save(tmp_path / "m.keras")
    third = sequential()
    third.load_weights(tmp_path / "m.keras")
    for a, b in zip(third.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, "m.keras"])


def test_keras_file_name_rules(tmp_path):
    model = sequential()
    with pytest.raises(ValueError, match=r"Invalid filepath extension for saving.*m\.tf"):
        model.save(tmp_path / "m.tf")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"File format not supported"):
        scratch_nn.models.load_model(tmp_path / "m.tf")
    with pytest.raises(ValueError, match=r"File not found"):
        scratch_nn.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(FileNotFoundError, match=r"No such directory: .*missing', to write"):
        model.save_weights(tmp_path / "missing" / "w.weights.h5")
    with pytest.raises(ValueError, match=r"not supported: \['save_format'\]"):
        model.save(tmp_path / "m.keras", save_format="tf")
    assert list(tmp_path.iterdir()) == []


def test_files_written_by_keras_are_refused_by_name(tmp_path):
    hdf5 = tmp_path / "w.weights.h5"
    hdf5.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    with pytest.raises(ValueError, match="HDF5 file, as Keras writes"):
        sequential().load_weights(hdf5)
    keras_zip = tmp_path / "k.keras"
    with zipfile.ZipFile(keras_zip, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(ValueError, match="not written by scratch_nn"):
        scratch_nn.models.load_model(keras_zip)


def test_overwrite_false_keeps_the_existing_file(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"old")
    sequential().save(path, overwrite=False)
    assert path.read_bytes() == b"old"


def test_custom_layer_needs_custom_objects(tmp_path):
    class Scale(layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def forward(self, x, training=False):
            return x * self.factor

        def backward(self, dout, need_input_grad=True):
            return dout * self.factor

    model = scratch_nn.Sequential([layers.Input((5,)), Scale(2.0), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"custom_objects=\{'Scale': Scale\}"):
        scratch_nn.models.load_model(tmp_path / "m.keras")
    loaded = scratch_nn.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    x = data()[0]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unsaveable_constructor_argument_is_named(tmp_path):
    class Forgetful(layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)

        def forward(self, x, training=False):
            return x

        def backward(self, dout, need_input_grad=True):
            return dout

    model = scratch_nn.Sequential([layers.Input((5,)), Forgetful(2.0), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"Forgetful: its constructor argument 'factor'"):
        model.save(tmp_path / "m.keras")
    assert list(tmp_path.iterdir()) == []


def test_custom_layer_get_config_in_keras_style(tmp_path):
    """Keras's idiom: ``get_config`` extends ``super().get_config()`` with the layer's own arguments."""
    class Scale(layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self._factor = factor  # not kept under the argument's name: get_config says it

        def get_config(self):
            return {**super().get_config(), "factor": self._factor}

        def forward(self, x, training=False):
            return x * self._factor

        def backward(self, dout, need_input_grad=True):
            return dout * self._factor

    assert Scale(3.0, name="s").get_config() == {"factor": 3.0, "name": "s", "dtype": "float32",
                                                 "trainable": True}
    model = scratch_nn.Sequential([layers.Input((5,)), Scale(3.0), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    loaded = scratch_nn.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert loaded.layers[0]._factor == 3.0
    x = data()[0]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
