"""Income from 14 census columns, the documented fix: standardize the columns, Adam at 0.01 (SO 47724077)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(0)
x, y = data.census(3000, seed=0)
x = (x - x.mean(axis=0)) / x.std(axis=0)
x_train, x_test, y_train, y_test = x[:2400], x[2400:], y[:2400], y[2400:]

model = keras.Sequential([
    keras.Input(shape=(14,)),
    keras.layers.Dense(21, activation="relu"),
    keras.layers.Dense(2, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=100, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
