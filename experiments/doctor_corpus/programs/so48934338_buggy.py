"""Fit y = 5 x^2 + noise on 50 points with a ReLU network and SGD at 0.1 (SO 48934338)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
keras.utils.set_random_seed(7)
x = np.arange(0.0, 5.0, 0.1, dtype="float32").reshape(-1, 1)
y = 5 * x ** 2 + np.random.default_rng(7).standard_normal((50, 1)).astype("float32") ** 3
# The 50 points 50 times per epoch: 20 epochs here are the question's 1000.
x_rep, y_rep = np.tile(x, (50, 1)), np.tile(y, (50, 1))

model = keras.Sequential([
    keras.Input(shape=(1,)),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(30, kernel_initializer="random_uniform", activation="relu"),
    keras.layers.Dense(1, activation="linear"),
])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1))
model.fit(x_rep, y_rep, epochs=EPOCHS, verbose=0)

pred = model.predict(x, verbose=0)
r2 = 1 - float(np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2))
print("corpus-metric", r2 if np.isfinite(r2) else -1.0)
