"""Three blobs, four 50-unit ReLU layers, the fix: a softmax output under categorical cross-entropy."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
keras.utils.set_random_seed(2)
x, labels = data.blobs(1000, centers=3, std=2.0, seed=2)
y = keras.utils.to_categorical(labels, 3)
x_train, x_test, y_train, y_test = x[:700], x[700:], y[:700], y[700:]

model = keras.Sequential([keras.Input(shape=(2,))])
for _ in range(4):
    model.add(keras.layers.Dense(50, activation="relu", kernel_initializer="he_uniform"))
model.add(keras.layers.Dense(3, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.0001),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=256, validation_data=(x_test, y_test), verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
