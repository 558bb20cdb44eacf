"""Iris species, the documented fix: standardize, SELU hidden layer, softmax output, SGD (SO 59278771)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
keras.utils.set_random_seed(7)
x, y = data.iris_like(seed=7)
x_test, y_test = data.iris_like(seed=8)
mean, std = x.mean(axis=0), x.std(axis=0)
x, x_test = (x - mean) / std, (x_test - mean) / std

model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(4, kernel_initializer="random_normal", activation="selu"),
    keras.layers.Dense(3, kernel_initializer="random_normal", activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
# The 150 rows ten times per epoch: 20 epochs here are the question's 200.
model.fit(np.tile(x, (10, 1)), np.tile(y, (10, 1)), epochs=EPOCHS, batch_size=5, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
