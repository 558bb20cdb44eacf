"""Configs against Keras's: every public class's ``get_config`` uses Keras's keys and defaults.

For each class of ``tests/catalog.py`` (found from the package, so a class
added later is compared too) that Keras has under the same name, both
libraries build it with the same arguments (the catalog's ``REQUIRED``,
defaults otherwise) and:

- scratch_nn's config keys are a subset of Keras's (Keras's extra keys are
  arguments scratch_nn does not implement: ``noise_shape``, ``axis`` of
  a loss, EMA...); the keys scratch_nn names differently are listed in
  ``OWN_KEYS`` with the reason;
- where both values are plain (numbers, strings, booleans, ``None``,
  lists), they are equal: the default each library records is the same
  (floats compared in float32: Keras reads a learning rate or an L1 factor
  back from a float32 variable or cast). ``name`` and ``dtype`` are left
  out (Keras makes unique names and stores a dtype policy).
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

from tests.catalog import CLASSES, IDS, REQUIRED, WITH_GET_CONFIG, key

#: the Keras module holding each kind's classes
KERAS_MODULES = {"layers": keras.layers, "optimizers": keras.optimizers,
                 "schedules": keras.optimizers.schedules, "losses": keras.losses,
                 "metrics": keras.metrics, "regularizers": keras.regularizers,
                 "constraints": keras.constraints, "initializers": keras.initializers}

#: config keys scratch_nn has and Keras has not, with the reason
OWN_KEYS = {
    ("layers.InputLayer", "shape"): "Keras keeps batch_shape (None first); scratch_nn's "
                                    "InputLayer, as keras.Input, takes one sample's shape",
    # Keras 3.15 drops these constructor arguments from its configs (Huber.get_config and
    # CosineSimilarity.get_config return Loss.get_config; the metrics and Identity define
    # none), so its own save/load resets them to the default; scratch_nn keeps them.
    ("losses.Huber", "delta"): "Keras's config drops it (keras/src/losses/losses.py)",
    ("losses.CosineSimilarity", "axis"): "Keras's config drops it (keras/src/losses/losses.py)",
    ("metrics.CosineSimilarity", "axis"): "Keras's config drops it "
                                          "(keras/src/metrics/regression_metrics.py)",
    ("metrics.SparseTopKCategoricalAccuracy", "from_sorted_ids"):
        "Keras's config drops it (keras/src/metrics/accuracy_metrics.py)",
    ("initializers.Identity", "gain"): "Keras's Identity has no get_config "
                                       "(keras/src/initializers/constant_initializers.py)",
}

PLAIN = (bool, int, float, str, type(None), list, tuple)


def test_every_kind_with_a_config_has_a_keras_module():
    assert set(KERAS_MODULES) == WITH_GET_CONFIG


@pytest.mark.parametrize(("kind", "cls"), CLASSES, ids=IDS)
def test_config_keys_and_defaults_are_keras_s(kind, cls):
    if kind not in WITH_GET_CONFIG:
        pytest.skip(f"Keras's {kind} are functions, without a config")
    theirs_cls = getattr(KERAS_MODULES[kind], cls.__name__, None)
    if theirs_cls is None:
        pytest.skip(f"Keras has no {kind}.{cls.__name__}")
    kwargs = REQUIRED.get(key(kind, cls), {})
    ours, theirs = cls(**kwargs).get_config(), theirs_cls(**kwargs).get_config()
    own = {k for k in ours if (key(kind, cls), k) in OWN_KEYS}
    assert set(ours) - own <= set(theirs), (
        f"{key(kind, cls)}: keys Keras's config has not: {sorted(set(ours) - own - set(theirs))}")
    for k in set(ours) & set(theirs) - {"name", "dtype"}:
        if isinstance(ours[k], PLAIN) and isinstance(theirs[k], PLAIN):
            mine = list(ours[k]) if isinstance(ours[k], tuple) else ours[k]
            other = list(theirs[k]) if isinstance(theirs[k], tuple) else theirs[k]
            if isinstance(mine, float) and isinstance(other, float):
                mine, other = np.float32(mine), np.float32(other)
            assert mine == other, f"{key(kind, cls)}.{k}: {ours[k]!r}, Keras {theirs[k]!r}"
