"""Saving and loading: ``Model.save``, ``load_model``, ``save_weights``, ``load_weights``.

Mirrors ``keras/src/saving/saving_api.py`` (which file names are accepted,
and the errors for the others) and ``keras/src/saving/saving_lib.py`` (what a
saved model holds: the architecture, the weights, the compile arguments and
the optimizer's state, so that training can continue where it stopped).

**The files are not Keras's files.** Keras writes its weights in HDF5
(``model.weights.h5`` inside a ``.keras`` zip, or a bare ``.weights.h5``),
which needs the compiled ``h5py`` package; scratch_nn depends on NumPy only,
so it keeps Keras's file *names* and writes NumPy archives:

- ``model.save("m.keras")`` (or ``"m.h5"``) writes a zip holding
  ``config.json`` (the architecture and compile arguments, scratch_nn's
  class names), ``metadata.json`` and ``model.weights.npz`` (the weights,
  then the optimizer's iteration count, slots and scalars). The layout follows
  Keras's ``.keras`` zip, but Keras cannot load it: it expects
  ``model.weights.h5`` and Keras's own layer configs.
- ``model.save_weights("w.weights.h5")`` writes a NumPy ``.npz`` archive
  (``arr_0``, ``arr_1``... in the order of ``get_weights()``) under the
  ``.weights.h5`` name Keras 3 requires; it is not an HDF5 file. The older
  ``.npz`` name is still accepted.

Loading a file Keras wrote (HDF5, or a ``.keras`` zip without
``model.weights.npz``) raises an error that says so. Every file is written
to a temporary name in the target folder and then renamed, so an
interrupted save never leaves a half-written file under the real name.
"""

import datetime
import importlib
import inspect
import io
import json
import os
import tempfile
import warnings
import zipfile

import numpy as np

from scratch_nn import serialization
from scratch_nn.layers.core import Input

_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.npz"


# -- whole models ------------------------------------------------------------
def save_model(model, filepath, overwrite=True, **kwargs):
    """Save ``model`` (architecture, weights, compile arguments, optimizer state) to ``filepath``.

    Args:
        model: a built :class:`~scratch_nn.models.Sequential` or functional
            :class:`~scratch_nn.models.Model`.
        filepath: ends in ``.keras`` (or ``.h5``/``.hdf5``, Keras's legacy
            name; the content is the same zip, see the module docstring).
        overwrite: when false and the file exists, nothing is written
            (Keras asks on the terminal instead).
        include_optimizer: keyword only; false leaves out the optimizer's
            state (its class and arguments are kept), as Keras's ``.h5``.
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    path = os.fspath(filepath)
    if not str(path).endswith(_MODEL_SUFFIXES):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension "
            f"for the native Keras format (recommended) or a `.h5` extension. "
            f"Received: filepath={path}."
        )
    model._require_built("save")
    if os.path.exists(path) and not overwrite:
        return
    config = {"class_name": model_class_name(model), "config": model_config(model),
              "compile_config": compile_config(model)}
    metadata = {"format": "scratch_nn", "keras_version_mirrored": "3",
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    arrays = {f"weights/{i}": w for i, w in enumerate(model.get_weights())}
    if include_optimizer:
        arrays.update(optimizer_state(model))
    npz = io.BytesIO()
    np.savez(npz, **arrays)

    def write(f):
        with zipfile.ZipFile(f, "w") as archive:
            archive.writestr(_CONFIG, json.dumps(config, indent=1))
            archive.writestr(_METADATA, json.dumps(metadata))
            archive.writestr(_WEIGHTS, npz.getvalue())
    write_atomically(path, write)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by :func:`save_model`; compiled, with its optimizer state, if it was.

    Args:
        filepath: a ``.keras`` (or ``.h5``) file written by scratch_nn.
        custom_objects: ``{"ClassName": cls}`` for classes defined outside
            scratch_nn (a layer subclass, a loss...).
        compile: compile the model (and restore its optimizer's state) when
            the saved model was compiled.
        safe_mode: accepted for Keras compatibility; scratch_nn never runs
            saved code.
    """
    path = os.fspath(filepath)
    if not str(path).endswith(_MODEL_SUFFIXES):
        raise ValueError(
            f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` "
            "files, legacy H5 format files (`.h5` extension)."
        )
    if not os.path.isfile(path):
        raise ValueError(f"File not found: filepath={path}. Please ensure the file is an "
                         "accessible `.keras` zip file.")
    with _open_archive(path) as archive:
        config = json.loads(archive.read(_CONFIG))
        with np.load(io.BytesIO(archive.read(_WEIGHTS))) as npz:
            arrays = {k: npz[k] for k in npz.files}
    model = model_from_config(config, custom_objects)
    model.set_weights([arrays[f"weights/{i}"] for i in range(_count(arrays, "weights/"))])
    if compile and config.get("compile_config"):
        cc = config["compile_config"]
        model.compile(optimizer=serialization.deserialize(cc["optimizer"], custom_objects),
                      loss=serialization.deserialize(cc["loss"], custom_objects),
                      metrics=[_metric_from_json(m, custom_objects) for m in cc["metrics"]])
        restore_optimizer_state(model, arrays)
    return model


def _open_archive(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _HDF5_SIGNATURE:
        raise ValueError(
            f"{path} is an HDF5 file, as Keras writes; scratch_nn reads only the NumPy-based "
            "files it writes itself (see scratch_nn.saving)"
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not a model file written by scratch_nn (not a zip archive)")
    archive = zipfile.ZipFile(path)
    if _WEIGHTS not in archive.namelist():
        archive.close()
        raise ValueError(
            f"{path} has no {_WEIGHTS}: it was not written by scratch_nn (Keras's .keras files "
            "hold HDF5 weights, which scratch_nn does not read)"
        )
    return archive


def _count(arrays, prefix):
    return sum(1 for k in arrays if k.startswith(prefix))


# -- the parts of a saved model ---------------------------------------------
def model_class_name(model):
    """``'Sequential'`` or ``'Functional'``, as Keras names the two in a config."""
    return "Functional" if hasattr(model, "inputs") else "Sequential"


def model_config(model):
    """Name, input shape, dtype and each layer's config (in order)."""
    inputs = getattr(model, "inputs", None)
    return {"name": model.name, "input_shape": list(model._input_shape),
            "input_name": inputs[0].name if inputs else None, "dtype": model.dtype,
            "layers": [serialization.serialize(layer) for layer in model._layers]}


#: ``class_name`` in a saved config -> ``build(inputs, layers, name)``, filled by the model
#: modules (:mod:`scratch_nn.sequential`, :mod:`scratch_nn.functional`) as they load, so
#: this module builds models by name without importing them (Keras's registry of
#: serializable classes, ``keras/src/saving/object_registration.py``, plays this part).
_MODEL_BUILDERS = {}


def register_model(class_name, build):
    """Let :func:`model_from_config` build saved models of ``class_name`` with ``build``.

    Args:
        class_name: the name a saved config gives (``'Sequential'``, ``'Functional'``).
        build: ``build(inputs, layers, name)`` -> the model, from its ``Input``
            and its deserialized layers.
    """
    _MODEL_BUILDERS[class_name] = build


def model_from_config(config, custom_objects=None):
    """Build (and build the weights of) a model from :func:`model_config`'s output."""
    inner = config["config"]
    if config["class_name"] not in _MODEL_BUILDERS:
        raise ValueError(f"Cannot load a model of class {config['class_name']!r}: expected one "
                         f"of {sorted(_MODEL_BUILDERS)}")
    layers = [serialization.deserialize(c, custom_objects) for c in inner["layers"]]
    inputs = Input(tuple(inner["input_shape"]), dtype=inner["dtype"],
                   name=inner.get("input_name"))
    return _MODEL_BUILDERS[config["class_name"]](inputs, layers, inner["name"])


def compile_config(model):
    """The optimizer, loss and metrics given to ``compile`` (``None`` if not compiled)."""
    if not model.compiled:
        return None
    optimizer = serialization.serialize(model.optimizer)
    schedule = model.optimizer.learning_rate_schedule
    if schedule is not None:  # the learning_rate property gives the schedule's current value
        optimizer["config"]["learning_rate"] = {"__object__": serialization.serialize(schedule)}
    return {"optimizer": optimizer,
            "loss": serialization.serialize(model.loss),
            "metrics": [_metric_to_json(m) for m in model._metric_ids]}


def _metric_to_json(metric):
    if isinstance(metric, str):
        return metric
    if inspect.isfunction(metric):
        return {"function": metric.__name__, "module": metric.__module__}
    return {"__object__": serialization.serialize(metric)}


def _metric_from_json(value, custom_objects):
    if isinstance(value, str):
        return value
    if "__object__" in value:
        return serialization.deserialize(value["__object__"], custom_objects)
    name = value["function"]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if value["module"].startswith("scratch_nn."):
        return getattr(importlib.import_module(value["module"]), name)
    raise ValueError(
        f"Cannot load metric function {name!r} (from module {value['module']!r}): pass "
        f"custom_objects={{{name!r}: {name}}} to load_model"
    )


def optimizer_state(model):
    """The optimizer's ``iterations``, slots and scalars as ``{"optimizer/...": array}`` (empty if unbuilt).

    A slot is any public attribute holding one array per optimizer variable
    (``momentums``, ``velocities``...); a scalar is any public number that
    is not a constructor argument (Nadam's running product ``u_product``).
    Both are found by looking, so an optimizer added later is saved without
    a table to update; Keras keeps the same state as optimizer variables.
    """
    opt = getattr(model, "optimizer", None)
    if opt is None or not getattr(opt, "built", False):
        return {}
    state = {"optimizer/iterations": np.asarray(opt.iterations)}
    for name in _slot_names(opt):
        for i, array in enumerate(getattr(opt, name)):
            state[f"optimizer/{name}/{i}"] = array
    for name in _scalar_names(opt):
        state[f"optimizer/scalars/{name}"] = np.asarray(getattr(opt, name))
    return state


def _slot_names(opt):
    n = len(opt._variables)
    return sorted(name for name, value in vars(opt).items()
                  if not name.startswith("_") and isinstance(value, list) and len(value) == n
                  and all(isinstance(v, np.ndarray) for v in value))


def _scalar_names(opt):
    config = set(opt.get_config()) | {"iterations"}
    return sorted(name for name, value in vars(opt).items()
                  if not name.startswith("_") and name not in config
                  and isinstance(value, (int, float, np.number)) and not isinstance(value, bool))


def restore_optimizer_state(model, arrays):
    """Build the model's optimizer on its parameters and copy the saved slots and scalars in."""
    if "optimizer/iterations" not in arrays:
        return
    opt = model.optimizer
    opt.build([model._flat_params])
    opt.iterations = int(arrays["optimizer/iterations"])
    for name in _slot_names(opt):
        slots = getattr(opt, name)
        for i, slot in enumerate(slots):
            key = f"optimizer/{name}/{i}"
            if key not in arrays or arrays[key].shape != slot.shape:
                warnings.warn(f"load_model: no saved optimizer slot {key!r} of shape {slot.shape}; "
                              "it restarts from zeros", stacklevel=3)
                continue
            slot[...] = arrays[key]
    for name in _scalar_names(opt):
        key = f"optimizer/scalars/{name}"
        if key not in arrays:  # a file saved before scalars were kept
            warnings.warn(f"load_model: no saved optimizer value {key!r}; it restarts from "
                          f"{getattr(opt, name)!r}", stacklevel=3)
            continue
        setattr(opt, name, type(getattr(opt, name))(arrays[key].item()))


# -- weights alone -----------------------------------------------------------
def save_weights(model, filepath, overwrite=True):
    """Save ``model.get_weights()`` to ``filepath``, which ends in ``.weights.h5`` (or ``.npz``).

    The file is a NumPy ``.npz`` archive whatever its name (see the module
    docstring): ``arr_0``, ``arr_1``... in the order of ``get_weights()``.
    """
    path = os.fspath(filepath)
    if not str(path).endswith((".weights.h5", ".npz")):
        raise ValueError(
            "The filename must end in `.weights.h5` (scratch_nn also accepts `.npz`). "
            f"Received: filepath={path}"
        )
    model._require_built("save_weights")
    if os.path.exists(path) and not overwrite:
        return
    weights = model.get_weights()
    write_atomically(path, lambda f: np.savez(f, *weights))


def load_weights(model, filepath):
    """Load weights saved by :func:`save_weights`, or the weights of a saved ``.keras`` model."""
    path = os.fspath(filepath)
    if str(path).endswith(_MODEL_SUFFIXES) and not str(path).endswith(".weights.h5"):
        with _open_archive(path) as archive, np.load(io.BytesIO(archive.read(_WEIGHTS))) as npz:
            weights = [npz[f"weights/{i}"] for i in range(_count(npz.files, "weights/"))]
    elif str(path).endswith((".weights.h5", ".npz")):
        with open(path, "rb") as f:
            if f.read(8) == _HDF5_SIGNATURE:
                raise ValueError(
                    f"{path} is an HDF5 file, as Keras writes; scratch_nn reads only the "
                    "NumPy-based weight files it writes itself (see scratch_nn.saving)"
                )
        with np.load(path) as npz:
            weights = [npz[f"arr_{i}"] for i in range(len(npz.files))]
    else:
        raise ValueError(
            f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` "
            "files, `.weights.h5` files, legacy H5 format files (`.h5` extension)."
        )
    model.set_weights(weights)


# -- files -------------------------------------------------------------------
def write_atomically(path, write):
    """Call ``write(file)`` on a temporary file next to ``path``, then rename it to ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # as Keras: the folder is not created (ModelCheckpoint does)
        raise FileNotFoundError(f"No such directory: {folder!r}, to write {path!r} in")
    fd, tmp = tempfile.mkstemp(suffix=".tmp", prefix=".saving-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
