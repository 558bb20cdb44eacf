"""The sample order of a run: one new permutation per epoch, the same in both backends.

scratch_nn's ``fit`` (``scratch_nn/trainer.py``) draws ``rng = make_generator()``
from its global generator, then walks ``rng.permutation(n)`` in every epoch.
A seeded Keras ``fit(shuffle=True)`` on arrays repeats one permutation every
epoch instead (``tests/test_keras_shuffle.py``): its array adapter
(``keras/src/trainers/data_adapters/array_data_adapter.py``) shuffles with
``tf.random.shuffle`` inside a ``tf.data`` map, restarted from the same seed
by each epoch's iterator.

So the study gives both backends the same order:

- scratch_nn: the runner reseeds scratch_nn's global generator with
  `shuffle_seed` just before ``fit`` (`seed_scratch_fit`); the model's weights
  and Dropout generators were drawn at build time and are left alone;
- Keras: `keras_dataset` computes the very permutations scratch_nn's ``fit``
  will draw from that seed (`permutations`), up front, before ``fit``; a
  ``tf.data`` pipeline gathers each batch from the arrays by them, as Keras's
  own array adapter gathers by its shuffled indices; a callback tells it
  the epoch. Nothing is added inside the timed epochs but that gather, which
  Keras's ``shuffle=True`` does too.

As in both libraries, ``validation_split`` takes the **last** fraction of the
samples before any shuffling (`split_validation`).

A user's own ``keras.utils.set_random_seed`` + ``fit`` is untouched: nothing
here patches Keras; only the study's runs get the dataset.
"""

import math

import numpy as np

#: Added to a run's seed (as a SeedSequence entropy pair) to seed its sample
#: order, so the order's stream is not the one the initial weights came from.
_ORDER_STREAM = 0x5EED


def shuffle_seed(seed):
    """The integer that seeds the sample order of the run with ``seed``.

        shuffle_seed = SeedSequence([seed, 0x5EED]).generate_state(1)[0]
    """
    return int(np.random.SeedSequence([seed, _ORDER_STREAM]).generate_state(1)[0])


def seed_scratch_fit(module, seed):
    """Reseed scratch_nn (``module``) so its next ``fit`` walks `permutations` of ``seed``."""
    module.utils.set_random_seed(shuffle_seed(seed))


def permutations(seed, n, epochs):
    """The ``(epochs, n)`` sample orders scratch_nn's ``fit`` draws after `seed_scratch_fit`.

    Replays ``scratch_nn.random.make_generator()`` on a global generator fresh
    from ``default_rng(shuffle_seed(seed))``:

        rng = default_rng(default_rng(shuffle_seed).integers(2**63))
        order[e] = rng.permutation(n)   for e = 0 .. epochs - 1
    """
    rng = np.random.default_rng(int(np.random.default_rng(shuffle_seed(seed)).integers(2**63)))
    return np.stack([rng.permutation(n) for _ in range(epochs)]) if epochs else np.empty((0, n), int)


def one_epoch_permutations(seed, n, calls):
    """The ``(calls, n)`` orders of successive ``fit(epochs=1)`` calls after `seed_scratch_fit`.

    Each scratch_nn ``fit`` call draws its own generator from the global one
    (a timing loop that fits one epoch per call, as ``experiments.bench``):

        g = default_rng(shuffle_seed);  order[k] = default_rng(g.integers(2**63)).permutation(n)

    A Keras twin walks the same orders when given ``keras_dataset(..., orders)``
    once and fitted with ``initial_epoch=k, epochs=k + 1`` in call ``k``.
    """
    outer = np.random.default_rng(shuffle_seed(seed))
    return np.stack([np.random.default_rng(int(outer.integers(2**63))).permutation(n) for _ in range(calls)])


def split_validation(x, y, validation_split):
    """``(x, y), (x_val, y_val)``: the last ``validation_split`` of the samples held out.

    ``split_at = floor(n * (1 - validation_split))``, as
    ``keras/src/trainers/data_adapters/array_slicing.py`` (``train_validation_split``)
    and ``scratch_nn.data.split_validation``.
    """
    split_at = math.floor(len(x) * (1.0 - validation_split))
    return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])


def keras_dataset(module, x, y, batch_size, orders):
    """``(dataset, callback)``: ``(x, y)`` batches, epoch ``e`` in the order ``orders[e]``.

    The callback (first in ``fit``'s list, before any timing starts) sets the
    epoch in ``on_epoch_begin``; Keras makes each epoch's iterator over the
    dataset after that, and the iterator then walks that epoch's permutation
    and ends with it (the last batch smaller when ``batch_size`` does not
    divide ``n``, as in ``fit`` on arrays; with ``steps_per_execution`` no
    step spills into the next epoch). The gather runs in the pipeline, like
    Keras's array adapter: ``tf.gather(x, indices)`` per batch, prefetched.
    The dataset declares its number of batches, so Keras knows the epoch's
    length from the first epoch on.

    Args:
        module: the ``keras`` module (for its ``callbacks.Callback``).
        x, y: the training arrays (validation part already split off).
        batch_size: samples per batch.
        orders: ``(epochs, n)`` integer permutations (`permutations`).
    """
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    orders = tf.constant(np.asarray(orders, dtype=np.int64))
    epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
    steps = math.ceil(orders.shape[1] / batch_size)

    def gather(indices):
        return tf.gather(x, indices), tf.gather(y, indices)

    dataset = (tf.data.Dataset.range(1)
               .flat_map(lambda _: tf.data.Dataset.from_tensor_slices(tf.gather(orders, epoch)))
               .batch(batch_size).map(gather, num_parallel_calls=tf.data.AUTOTUNE)
               .apply(tf.data.experimental.assert_cardinality(steps)).prefetch(tf.data.AUTOTUNE))

    class EpochOrder(module.callbacks.Callback):
        def on_epoch_begin(self, index, logs=None):
            epoch.assign(index)

    return dataset, EpochOrder()


def fit_arguments(module, backend, seed, x, y, setting, epochs, callbacks):
    """The data and callback arguments of the run's ``fit``, with its sample order set up.

    scratch_nn: the arrays and ``validation_split`` as a user passes them,
    its generator reseeded (`seed_scratch_fit`). Keras: the validation part
    split off here, the training part as `keras_dataset` in the same orders,
    its epoch callback ahead of ``callbacks``. The naive loop keeps its own
    order.

    Returns:
        dict of ``fit`` keyword arguments: ``x``, ``y``, ``batch_size``,
        validation, ``shuffle`` and ``callbacks``.
    """
    if backend != "keras":
        if backend == "scratch":
            seed_scratch_fit(module, seed)
        return {"x": x, "y": y, "batch_size": setting.batch_size,
                "validation_split": setting.validation_split, "callbacks": callbacks}
    validation = None
    if setting.validation_split:
        (x, y), validation = split_validation(x, y, setting.validation_split)
    dataset, callback = keras_dataset(module, x, y, setting.batch_size, permutations(seed, len(x), epochs))
    return {"x": dataset, "validation_data": validation, "validation_batch_size": setting.batch_size,
            "shuffle": False, "callbacks": [callback, *callbacks]}
