"""Three blobs, a 50-unit ReLU layer, batch size 1: AUTOTRAINER's first repair of an unstable loss, Adam."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
keras.utils.set_random_seed(2)
x, labels = data.blobs(1000, centers=3, std=2.0, seed=2)
y = keras.utils.to_categorical(labels, 3)
x_train, x_test, y_train, y_test = x[:700], x[700:], y[:700], y[700:]

init = keras.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(50, activation="relu", kernel_initializer=init),
    keras.layers.Dense(3, activation="softmax", kernel_initializer=init),
])
model.compile(loss="categorical_crossentropy",
              optimizer=keras.optimizers.Adam(), metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=1, validation_data=(x_test, y_test), verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
