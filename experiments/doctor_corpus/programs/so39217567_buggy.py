"""Learn the identity on 8-bit vectors with three sigmoid layers, MSE and default SGD (SO 39217567)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 60
keras.utils.set_random_seed(0)
bits = ((np.arange(256)[:, None] >> np.arange(7, -1, -1)) & 1).astype("float32")
# All 256 patterns 20 times per epoch: 60 epochs are about 6100 updates of batch 50 (the question: 1000 epochs of 6).
x = np.tile(bits, (20, 1))

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(8, kernel_initializer="random_normal", activation="sigmoid"),
    keras.layers.Dense(8, kernel_initializer="random_normal", activation="sigmoid"),
    keras.layers.Dense(8, kernel_initializer="random_normal", activation="sigmoid"),
])
model.compile(loss="mse", optimizer="SGD", metrics=["accuracy"])
model.fit(x, x, epochs=EPOCHS, batch_size=50, verbose=0)

bit_accuracy = float(np.mean((model.predict(bits, verbose=0) > 0.5) == bits))
print("corpus-metric", bit_accuracy)
