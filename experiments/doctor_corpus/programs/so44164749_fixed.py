"""MNIST on a 784-5000-600-10 network, batch 2000, the answer's fix: SGD at 0.05 (SO 44164749)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = data.mnist(train_size=12000, test_size=2000)
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(5000, activation="relu"),
    keras.layers.Dropout(0.1),
    keras.layers.Dense(600, activation="relu"),
    keras.layers.Dropout(0.1),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="categorical_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, batch_size=2000, verbose=0)
model.evaluate(x_test, y_test, verbose=0)

accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
print("corpus-metric", accuracy)
