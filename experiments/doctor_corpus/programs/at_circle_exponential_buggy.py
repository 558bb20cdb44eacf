"""Circles through eight 5-unit exponential layers: the activations overflow (AUTOTRAINER Circle model_0ae2cd88)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
keras.utils.set_random_seed(1)
x, y = data.circles(1000, noise=0.1, seed=1)
x_train, x_test, y_train, y_test = x[:700], x[700:], y[:700], y[700:]
# The 700 training points three times per epoch: 100 epochs here are the configuration's 300.
x_train, y_train = np.tile(x_train, (3, 1)), np.tile(y_train, 3)

init = keras.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
model = keras.Sequential([keras.Input(shape=(2,))])
for _ in range(8):
    model.add(keras.layers.Dense(5, kernel_initializer=init))
    model.add(keras.layers.Activation("exponential"))
model.add(keras.layers.Dense(1, kernel_initializer=init))
model.add(keras.layers.Activation("sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.001),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=128, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
