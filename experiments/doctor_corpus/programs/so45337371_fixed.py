"""A binary classifier on 5 features, the answer's fix: a sigmoid on the output unit (SO 45337371)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.random((1000, 5)).astype("float32")
y = (x @ np.array([1.0, -2.0, 0.5, 1.5, -1.0]) > 0.0).astype("float32")
x_train, x_test, y_train, y_test = x[:800], x[800:], y[:800], y[800:]

model = keras.Sequential([
    keras.Input(shape=(5,)),
    keras.layers.Dense(60, activation="relu"),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
