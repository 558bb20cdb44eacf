"""Regress a target that goes negative, 17 samples, with a ReLU on the output unit (SO 48251943)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
keras.utils.set_random_seed(7)
x, y = data.small_regression(17, seed=7)
# The 17 rows 10 times per epoch: one epoch here is 10 epochs of the question.
x_rep, y_rep = np.tile(x, (10, 1)), np.tile(y, 10)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(4, activation="relu"),
    keras.layers.Dense(1, activation="relu"),
])
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["mse"])
model.fit(x_rep, y_rep, epochs=EPOCHS, batch_size=10, verbose=0)

pred = model.predict(x, verbose=0)[:, 0]
r2 = 1 - float(np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2))
print("corpus-metric", r2 if np.isfinite(r2) else -1.0)
