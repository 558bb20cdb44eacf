"""A bool label from one feature, the answer's fix: scale it, sigmoid output, binary cross-entropy (SO 45442843)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
keras.utils.set_random_seed(7)
x, y = data.large_feature_binary(1000, seed=7)
x = (x - x.mean(axis=0)) / x.std(axis=0)
x_train, x_test, y_train, y_test = x[:800], x[800:], y[:800], y[800:]

model = keras.Sequential([
    keras.Input(shape=(1,)),
    keras.layers.Dense(1, activation="sigmoid"),
    keras.layers.Dense(1, kernel_initializer="random_normal", activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=EPOCHS, batch_size=200, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test))
print("corpus-metric", accuracy)
