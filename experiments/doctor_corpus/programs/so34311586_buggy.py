"""XOR, six samples, sigmoid layers ending in a softmax over one unit, SGD at 0.001 (SO 34311586)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 40
keras.utils.set_random_seed(0)
# The six samples 200 times per epoch: 12000 updates in 40 epochs.
x = np.tile(data.xor()[0][[0, 2, 1, 3, 0, 2]], (200, 1))
y = np.tile(data.xor()[1][[0, 2, 1, 3, 0, 2]], (200, 1))

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(2, kernel_initializer="random_uniform", activation="sigmoid"),
    keras.layers.Dense(3, kernel_initializer="random_uniform", activation="sigmoid"),
    keras.layers.Dense(1, kernel_initializer="random_uniform", activation="softmax"),
])
model.compile(loss="mean_squared_error",
              optimizer=keras.optimizers.SGD(learning_rate=0.001, momentum=0.9, nesterov=True))
model.fit(x, y, epochs=EPOCHS, batch_size=4, verbose=0)

accuracy = float(((model.predict(x, verbose=0) > 0.5) == y).mean())
print("corpus-metric", accuracy)
