"""Three blobs through fifteen 5-unit SELU layers: AUTOTRAINER's first repair of dying ReLUs (`selu_1`)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
keras.utils.set_random_seed(2)
x, labels = data.blobs(1000, centers=3, std=2.0, seed=2)
y = keras.utils.to_categorical(labels, 3)
x_train, x_test, y_train, y_test = x[:700], x[700:], y[:700], y[700:]
x_train, y_train = np.tile(x_train, (3, 1)), np.tile(y_train, (3, 1))

init = keras.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
model = keras.Sequential([keras.Input(shape=(2,))])
for _ in range(15):
    # The repair swaps every hidden activation for SELU and its initializer for lecun_uniform.
    model.add(keras.layers.Dense(5, kernel_initializer="lecun_uniform", bias_initializer="lecun_uniform"))
    model.add(keras.layers.Activation("selu"))
model.add(keras.layers.Dense(3, kernel_initializer=init))
model.add(keras.layers.Activation("sigmoid"))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.001),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=256, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
