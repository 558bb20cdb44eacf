"""Names for layers and optimizers, as Keras gives them: ``dense``, ``dense_1``, ``adam``...

Mirrors ``keras/src/backend/common/global_state.py`` (the per-prefix counters
``keras.backend.clear_session()`` resets) and ``keras/src/utils/naming.py``.
"""

import re

#: prefix -> how many names were drawn from it (reset by ``backend.clear_session``)
_name_counts = {}


def unique_name(prefix):
    """Return ``prefix``, then ``prefix_1``, ``prefix_2``... as Keras names layers."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def layer_snake_case(name):
    """A layer class's default name: ``BatchNormalization`` -> ``batch_normalization``.

    An underscore goes before each capital that follows a lower-case letter
    (a run of capitals stays together: ``PReLU`` -> ``pre_lu``).
    """
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def keras_snake_case(name):
    """Keras's ``to_snake_case`` (``keras/src/utils/naming.py``): ``SGD`` -> ``sgd``, ``RMSprop`` -> ``rm_sprop``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
