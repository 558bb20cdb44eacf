"""Circles through sixteen 5-unit SELU layers: AUTOTRAINER's first repair of dying ReLUs (`selu_1`)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
keras.utils.set_random_seed(1)
x, y = data.circles(1000, noise=0.1, seed=1)
x_train, x_test, y_train, y_test = x[:700], x[700:], y[:700], y[700:]
x_train, y_train = np.tile(x_train, (3, 1)), np.tile(y_train, 3)

init = keras.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
model = keras.Sequential([keras.Input(shape=(2,))])
for _ in range(16):
    # The repair swaps every hidden activation for SELU and its initializer for lecun_uniform.
    model.add(keras.layers.Dense(5, kernel_initializer="lecun_uniform", bias_initializer="lecun_uniform"))
    model.add(keras.layers.Activation("selu"))
model.add(keras.layers.Dense(1, kernel_initializer=init))
model.add(keras.layers.Activation("sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.001),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=128, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
