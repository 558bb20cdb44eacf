"""County winner from 16 raw statistics, the fix: BatchNormalization first, sigmoid outputs, BCE (SO 34673164)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
keras.utils.set_random_seed(3)
x, y = data.counties(600, seed=3)
x_train, x_test, y_train, y_test = x[:480], x[480:], y[:480], y[480:]

model = keras.Sequential([
    keras.Input(shape=(16,)),
    keras.layers.BatchNormalization(),
    keras.layers.Dense(64, kernel_initializer="random_uniform", activation="tanh"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(64, kernel_initializer="random_uniform", activation="tanh"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(2, kernel_initializer="random_uniform", activation="sigmoid"),
])
model.compile(loss="binary_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=16, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
