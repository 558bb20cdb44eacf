"""MNIST pixels 0-255 unscaled, a sigmoid output with cross-entropy, SGD at 1e-4 (SO 55328966)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = data.mnist(train_size=5000, test_size=2000)
x_train = x_train.reshape(-1, 784).astype("float32")
x_test = x_test.reshape(-1, 784).astype("float32")
y_train_onehot = np.eye(10)[y_train]

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(784),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(10, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0001), loss="categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train, y_train_onehot, epochs=EPOCHS, batch_size=32, verbose=0)
model.evaluate(x_test, np.eye(10)[y_test], verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test))
print("corpus-metric", accuracy)
