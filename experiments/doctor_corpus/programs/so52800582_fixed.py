"""Fit y = x^4 on x in [-100, 100), the answer's fix: standardize x and y, ReLU first layer (SO 52800582)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(0)
x = np.arange(-100, 100, 0.5, dtype="float32").reshape(-1, 1)
y = x ** 4
x = (x - x.mean()) / x.std()
y = (y - y.mean()) / y.std()
# 1000 full-batch updates (the question's 1000 epochs), as 100 copies of the set per epoch.
x_rep, y_rep = np.tile(x, (100, 1)), np.tile(y, (100, 1))

model = keras.Sequential([
    keras.Input(shape=(1,)),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(50, activation="elu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer="adam")
model.fit(x_rep, y_rep, epochs=EPOCHS, batch_size=len(x), shuffle=False, verbose=0)

pred = model.predict(x, verbose=0)
r2 = 1 - float(np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2))
print("corpus-metric", r2 if np.isfinite(r2) else -1.0)
