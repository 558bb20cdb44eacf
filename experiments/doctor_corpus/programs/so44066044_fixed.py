"""Attack or not from 11 packet fields, the answer's fix: standardize, and a sigmoid output (SO 44066044)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(4)
x, y = data.packets(400, seed=4)
x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-12)
x_train, x_test, y_train, y_test = x[:300], x[300:], y[:300], y[300:]

model = keras.Sequential([
    keras.Input(shape=(11,)),
    keras.layers.Dense(12, kernel_initializer="random_normal", activation="relu"),
    keras.layers.Dense(12, kernel_initializer="random_normal", activation="relu"),
    keras.layers.Dense(1, kernel_initializer="random_normal", activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=5, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
