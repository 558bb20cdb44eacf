"""A Keras 3 / TensorFlow quirk the study's Keras runs are subject to.

After ``keras.utils.set_random_seed(s)``, ``fit(shuffle=True)`` on NumPy arrays
visits the samples in the same order every epoch: the TensorFlow data adapter
(``keras/src/trainers/data_adapters/array_data_adapter.py``) draws its
permutation with ``tf.random.shuffle`` inside a ``tf.data`` map, and each
epoch's new iterator restarts that op from the same seed. scratch_nn draws a
new permutation each epoch. The study seeds both backends, so its Keras runs
train on one fixed order per run. This test pins the behaviour down, so a
Keras or TensorFlow upgrade that changes it shows up here.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")


def epoch_orders(seed):
    """The order ``fit`` feeds 12 samples in, one full batch per epoch, for 3 epochs."""
    seen = []

    class Probe(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, _ = data
            seen.append(x.numpy()[:, 0].astype(int).tolist())
            return {"n": keras.ops.convert_to_tensor(0.0)}

    keras.utils.set_random_seed(seed)
    model = Probe()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x = np.arange(12, dtype="float32").reshape(12, 1)
    model.fit(x, x, batch_size=12, epochs=3, shuffle=True, verbose=0)
    return seen


def test_seeded_keras_fit_repeats_one_shuffle_every_epoch():
    orders = epoch_orders(seed=0)
    assert orders[0] != list(range(12))  # it does shuffle...
    assert orders[0] == orders[1] == orders[2]  # ...but the same way each epoch
