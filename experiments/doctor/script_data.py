"""The data a script passes to ``fit`` and ``evaluate``, as the arrays the doctor diagnoses.

`experiments.doctor.script` records the arguments of a script's first
``fit``; this module turns them into NumPy arrays, or refuses them by name.
Accepted, as Keras's ``fit`` accepts them for a one-input model
(``keras/src/trainers/data_adapters/__init__.py`` picks an adapter per type):

- NumPy arrays, and nested lists of numbers (``np.asarray``);
- pandas ``DataFrame`` / ``Series`` and anything else with ``.to_numpy()``
  (duck-typed: pandas is not a dependency);
- tensors with ``.numpy()`` (TensorFlow eager tensors);
- a ``tf.data.Dataset`` of ``(x, y)`` or ``(x, y, sample_weight)``
  elements. Keras reads each element as one batch
  (``keras/src/trainers/data_adapters/tf_dataset_adapter.py``), so the
  batches are concatenated into arrays (at most :data:`MAX_DATASET_SAMPLES`
  samples; an infinite dataset only with ``steps_per_epoch``) and the batch
  size is the first element's.

Refused with a :class:`ScriptRefused` that names what was seen and what is
accepted: Python generators and iterators, Keras ``PyDataset`` /
``Sequence``, dicts and lists of arrays (several inputs), and anything else.

Large data is subsampled for the probes (:func:`subsample`): the doctor's
probes and statistics were calibrated on MNIST's 60,000 training samples and
read at most 10,000 rows of held-out data, so more only costs time.
"""

import numpy as np

#: Largest tf.data.Dataset gathered into memory, in samples.
MAX_DATASET_SAMPLES = 200_000
#: Training samples kept for the probes (MNIST's training set; see the module doc).
MAX_TRAIN_SAMPLES = 60_000
#: Validation or test samples kept (the input-scale statistics read 10,000 rows).
MAX_HELD_OUT_SAMPLES = 10_000

ACCEPTED = ("NumPy arrays, lists of numbers, pandas objects (anything with .to_numpy()), "
            "tensors, or a tf.data.Dataset of (x, y) batches")


class ScriptRefused(Exception):
    """The doctor cannot diagnose this script; the message names the part and why."""


def describe(value):
    """``value``'s type in words, for a refusal (``"a generator"``, ``"dict with keys [...]"``)."""
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" \
        else kind.__qualname__
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, (list, tuple)):
        return f"a {name} of {len(value)} " + ", ".join(sorted({type(v).__name__ for v in value}))
    return f"a {name}"


def is_dataset(value):
    """Whether ``value`` is a ``tf.data.Dataset`` (duck-typed: TensorFlow is not imported here)."""
    return type(value).__module__.startswith("tensorflow") and hasattr(value, "element_spec")


def _array_like(value):
    return isinstance(value, np.ndarray) or hasattr(value, "to_numpy") or (
        hasattr(value, "numpy") and hasattr(value, "shape"))


def as_array(value, name, samples=None):
    """``value`` (one of the accepted kinds but a dataset) as a NumPy array.

    Args:
        name: the argument, for the message (``"x"``, ``"validation_data[1]"``).
        samples: the number of samples expected, when known: a list of
            arrays of that length is rows, any other is several inputs.

    Raises:
        ScriptRefused: for any other kind, naming it.
    """
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, dict):
        raise ScriptRefused(f"{name} is {describe(value)}: several named inputs; the doctor "
                            f"diagnoses one-input models and accepts {ACCEPTED}")
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy())
    if hasattr(value, "numpy") and hasattr(value, "shape"):
        return np.asarray(value.numpy())
    if isinstance(value, (list, tuple)):
        if value and all(_array_like(v) for v in value) and len(value) != samples:
            raise ScriptRefused(f"{name} is {describe(value)}: several inputs; the doctor "
                                f"diagnoses one-input models and accepts {ACCEPTED}")
        try:
            array = np.asarray([v.to_numpy() if hasattr(v, "to_numpy") else v for v in value])
        except ValueError as err:
            raise ScriptRefused(f"{name} is a list that is not one rectangular array ({err}); "
                                f"the doctor accepts {ACCEPTED}") from None
        if array.dtype == object:
            raise ScriptRefused(f"{name} is a list that is not one numeric array; the doctor "
                                f"accepts {ACCEPTED}")
        return array
    raise ScriptRefused(f"{name} is {describe(value)}; the doctor accepts {ACCEPTED} "
                        "(generators, iterators and Keras PyDataset are refused: convert them "
                        "to arrays first)")


def gather_dataset(dataset, name, steps=None):
    """``(x, y, batch_size)`` from a ``tf.data.Dataset`` of ``(x, y[, weight])`` batches.

    Each element is one batch, as Keras's ``fit`` reads it; at most
    ``steps`` elements when given (``steps_per_epoch``).

    Raises:
        ScriptRefused: elements that are not ``(x, y)`` pairs of arrays, an
            infinite dataset without ``steps``, or more than
            :data:`MAX_DATASET_SAMPLES` samples.
    """
    spec = dataset.element_spec
    if not isinstance(spec, tuple) or len(spec) not in (2, 3) or any(
            isinstance(part, (dict, tuple, list)) for part in spec[:2]):
        raise ScriptRefused(f"{name} is a tf.data.Dataset whose elements are {spec!r}; the "
                            "doctor accepts a dataset of (x, y) or (x, y, sample_weight) batches "
                            "of one input and one target")
    if steps is not None:
        dataset = dataset.take(int(steps))
    elif int(dataset.cardinality()) == -1:  # tf.data.INFINITE_CARDINALITY
        raise ScriptRefused(f"{name} is an infinite tf.data.Dataset (.repeat()) and fit has no "
                            "steps_per_epoch: the doctor cannot tell what one epoch is")
    xs, ys, count = [], [], 0
    for element in dataset.as_numpy_iterator():
        xb, yb = np.asarray(element[0]), np.asarray(element[1])
        count += len(xb)
        if count > MAX_DATASET_SAMPLES:
            raise ScriptRefused(f"{name} is a tf.data.Dataset of more than {MAX_DATASET_SAMPLES} "
                                "samples, too many to gather in memory; pass arrays (or a "
                                "smaller dataset)")
        xs.append(xb)
        ys.append(yb)
    if not xs:
        raise ScriptRefused(f"{name} is an empty tf.data.Dataset")
    return np.concatenate(xs), np.concatenate(ys), len(xs[0])


def subsample(x, y, cap, seed):
    """``(x, y, kept)``: at most ``cap`` random samples, in their original order.

    The kept indices are sorted, so what was last stays last (a
    ``validation_split`` still holds out the end of the data, as it would
    have). ``kept`` is ``None`` when nothing was dropped.
    """
    n = len(x)
    if n <= cap:
        return x, y, None
    kept = np.sort(np.random.default_rng(seed).choice(n, cap, replace=False))
    return x[kept], y[kept], kept
