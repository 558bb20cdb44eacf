"""Titanic survival from 10 label-encoded columns, a 512-unit layer, softmax over 2, batch 4 (SO 31627380)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(1919)
x, y = data.passengers(891, seed=1919)

model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(2, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=EPOCHS, batch_size=4, validation_split=0.2, verbose=0)

# Keras holds out the last 20% (rows 712 on) as validation data.
accuracy = float(np.mean(model.predict(x[712:], verbose=0).argmax(1) == y[712:].argmax(1)))
print("corpus-metric", accuracy)
