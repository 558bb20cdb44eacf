"""Rows of ones against rows of zeros, one sigmoid-free output: softmax over a single unit (SO 31880720)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
keras.utils.set_random_seed(0)
x_train, y_train = data.constant_rows(ROWS)
x_test, y_test = data.constant_rows(200)

model = keras.Sequential([
    keras.Input(shape=(128,)),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(1),
    keras.layers.Activation("softmax"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=1, epochs=EPOCHS, validation_data=(x_test, y_test), verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
