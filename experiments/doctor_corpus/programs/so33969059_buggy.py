"""A linear regression on inputs up to 10,000 through tanh layers and a softmax output (SO 33969059)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
keras.utils.set_random_seed(0)
x_train, y_train = data.linear_targets(20000, seed=1)
x_test, y_test = data.linear_targets(2000, seed=2)

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(3, kernel_initializer="random_uniform", activation="tanh"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(2, kernel_initializer="random_uniform", activation="tanh"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(1, kernel_initializer="random_uniform", activation="softmax"),
])
model.compile(loss="mean_squared_error",
              optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True))
model.fit(x_train, y_train, epochs=EPOCHS, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

pred = model.predict(x_test, verbose=0)
r2 = 1 - float(np.sum((pred - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2))
print("corpus-metric", r2 if np.isfinite(r2) else -1.0)
