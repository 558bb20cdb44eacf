"""Binary labels from three integer codes in 65-70, the answer's fix: standardize the inputs (SO 39525358)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(7)
x, y = data.offset_integers(300, seed=7)
x = (x - x.mean(axis=0)) / x.std(axis=0)
x_train, x_test, y_train, y_test = x[:200], x[200:], y[:200], y[200:]

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(12, kernel_initializer="random_uniform", activation="relu"),
    keras.layers.Dense(3, kernel_initializer="random_uniform", activation="relu"),
    keras.layers.Dense(1, kernel_initializer="random_uniform", activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
# The 200 training rows 15 times per epoch: 10 epochs are the answer's 150 (3000 updates of batch 10).
model.fit(np.tile(x_train, (15, 1)), np.tile(y_train, 15), epochs=EPOCHS, batch_size=10,
          validation_data=(x_test, y_test), verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
