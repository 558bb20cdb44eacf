"""The seed article's three examples, verbatim, runnable with Keras or with scratch_nn.

The article's code (``shared/seed``: "Why is Keras MNIST gradient descent
learning so slow?") is kept below as text, character for character from its
first import to its ``model.fit`` call. :func:`run_example` executes it with
``x_train`` and ``y_train`` defined, either as written (TensorFlow) or with
the imports swapped for scratch_nn's:

=======================================================  ============================================
Keras import                                             scratch_nn import
=======================================================  ============================================
``import tensorflow as tf``                              (dropped; see below)
``from tensorflow import keras``                         ``import scratch_nn as keras``
``from tensorflow.keras.layers import Dense, ...``       ``from scratch_nn.layers import Dense, ...``
``from tensorflow.keras.callbacks import EarlyStopping`` ``from scratch_nn.callbacks import ...``
``from tensorflow.keras.utils import normalize``         ``from scratch_nn.utils import normalize``
=======================================================  ============================================

Example 3 writes ``tf.keras.optimizers.Adam``; with ``from tensorflow
import keras`` that is the very object ``keras.optimizers.Adam``, so the
scratch_nn version reads ``tf.keras`` as ``keras``: the one edit that is not
an import line, and it changes no behaviour.

The study's settings of these examples (what the study and the doctor train)
are `experiments.seed_examples.AS_WRITTEN`; ``tests/test_seed_examples_agree.py``
reads the arguments of the code below and checks that the two agree.

This module does not import TensorFlow; the Keras version does when run.
"""

EXAMPLE_1 = """\
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Dense, Flatten

model = keras.Sequential([
    Flatten(input_shape=(28, 28)),
    Dense(128, activation='relu'),
    Dense(10, activation='softmax')
])

model.compile(optimizer='sgd',  # Suboptimal optimizer choice.
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

model.fit(x_train, y_train, epochs=10, batch_size=32) # Low epochs and default learning rate
"""

EXAMPLE_2 = """\
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Dense, Flatten
from tensorflow.keras.callbacks import EarlyStopping

model = keras.Sequential([
    Flatten(input_shape=(28, 28)),
    Dense(128, activation='relu'),
    Dense(10, activation='softmax')
])

model.compile(optimizer='adam',  # Much improved optimizer
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

early_stopping = EarlyStopping(monitor='val_loss', patience=3) # Prevents overtraining

model.fit(x_train, y_train, epochs=50, batch_size=128, validation_split=0.2, callbacks=[early_stopping])
"""

EXAMPLE_3 = """\
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.layers import Dense, Flatten, Dropout
from tensorflow.keras.callbacks import EarlyStopping
from tensorflow.keras.utils import normalize

# Data Preprocessing
x_train = normalize(x_train, axis=1)  # Normalize pixel values

model = keras.Sequential([
    Flatten(input_shape=(28, 28)),
    Dense(128, activation='relu'),
    Dropout(0.2), #Adds regularization to prevent overfitting
    Dense(10, activation='softmax')
])

model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
              loss='sparse_categorical_crossentropy',
              metrics=['accuracy'])

early_stopping = EarlyStopping(monitor='val_loss', patience=3)

model.fit(x_train, y_train, epochs=50, batch_size=256, validation_split=0.2, callbacks=[early_stopping])
"""

EXAMPLES = {1: EXAMPLE_1, 2: EXAMPLE_2, 3: EXAMPLE_3}

_SCRATCH_IMPORTS = [
    ("import tensorflow as tf\n", ""),
    ("from tensorflow import keras\n", "import scratch_nn as keras\n"),
    ("from tensorflow.keras.", "from scratch_nn."),
    ("tf.keras.", "keras."),
]


def scratch_nn_source(source):
    """The example's code with scratch_nn's imports in place of TensorFlow's."""
    for old, new in _SCRATCH_IMPORTS:
        source = source.replace(old, new)
    if "tensorflow" in source or "tf." in source:
        raise ValueError("scratch_nn_source: a TensorFlow reference is left in the example")
    return source


def run_example(number, backend, x_train, y_train, verbose=0):
    """Run seed Example ``number`` (1-3) on ``x_train, y_train``; return ``(model, history)``.

    Args:
        backend: ``'keras'`` (the code as written) or ``'scratch'``.
        verbose: passed to ``fit`` by appending ``verbose=...`` to its call,
            since the article's calls print a progress bar (its default).
    """
    if number not in EXAMPLES:
        raise ValueError(f"run_example: number must be one of {sorted(EXAMPLES)}, received {number!r}")
    if backend not in ("keras", "scratch"):
        raise ValueError(f"run_example: backend must be 'keras' or 'scratch', received {backend!r}")
    source = EXAMPLES[number]
    if backend == "scratch":
        source = scratch_nn_source(source)
    source = source.replace("model.fit(x_train, y_train,",
                            f"history = model.fit(x_train, y_train, verbose={verbose!r},")
    namespace = {"x_train": x_train, "y_train": y_train}
    exec(compile(source, f"<seed example {number} ({backend})>", "exec"), namespace)  # noqa: S102
    return namespace["model"], namespace["history"]
