"""Fit y = x^2 + 3 on [-10, 10), the answer's fix: a linear output unit (SO 48221692)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(7)
x = np.arange(-10.0, 10.0, 0.1, dtype="float32").reshape(-1, 1)
y = x[:, 0] ** 2 + 3
order = np.random.default_rng(7).permutation(len(x))
x_train, y_train, x_test, y_test = x[order[:150]], y[order[:150]], x[order[150:]], y[order[150:]]
# 1000 full-batch updates (the question's 1000 epochs), as 100 copies of the set per epoch.
x_rep, y_rep = np.tile(x_train, (100, 1)), np.tile(y_train, 100)

model = keras.Sequential([
    keras.Input(shape=(1,)),
    keras.layers.Dense(5, activation="sigmoid"),
    keras.layers.Dense(1, activation="linear"),
])
model.compile(loss="mean_squared_error", optimizer="sgd")
model.fit(x_rep, y_rep, epochs=EPOCHS, batch_size=len(x_train), shuffle=False, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

pred = model.predict(x_test, verbose=0)[:, 0]
r2 = 1 - float(np.sum((pred - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2))
print("corpus-metric", r2 if np.isfinite(r2) else -1.0)
