"""MNIST on 784-30-10 with no activations, unit-variance initial weights, MSE and SGD at 3.0 (SO 48385830)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = data.mnist(train_size=10000, test_size=2000)
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

init = keras.initializers.RandomNormal(stddev=1.0)
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(30, kernel_initializer=init, bias_initializer=init),
    keras.layers.Dense(10, kernel_initializer=init, bias_initializer=init),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=3.0), loss="mean_squared_error",
              metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=10, epochs=EPOCHS, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
