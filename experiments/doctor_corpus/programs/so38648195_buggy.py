"""Three-label classification with a softmax output and the mean squared error, plain SGD (SO 38648195)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
keras.utils.set_random_seed(0)
x, y = data.multilabel(n=6000, features=20, classes=3, seed=0)
x_train, x_test, y_train, y_test = x[:4800], x[4800:], y[:4800], y[4800:]

model = keras.Sequential([
    keras.Input(shape=(20,)),
    keras.layers.Dense(20, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(20, activation="relu"),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=20, validation_data=(x_test, y_test), verbose=0)
model.evaluate(x_test, y_test, verbose=0)

per_label = float(np.mean((model.predict(x_test, verbose=0) > 0.5) == y_test))
print("corpus-metric", per_label)
