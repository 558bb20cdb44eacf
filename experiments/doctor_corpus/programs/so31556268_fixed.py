"""XOR with a 2-4-1 sigmoid network, the answer's fix: mean squared error and Adam (SO 31556268)."""
import sys

import keras

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
keras.utils.set_random_seed(0)
# The four points 250 times per epoch: 2000 updates in 8 epochs (the question: 1000 epochs of one update).
x, y = data.xor(repeats=250)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(4, activation="sigmoid"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01), metrics=["accuracy"])
model.fit(x, y, epochs=EPOCHS, batch_size=4, shuffle=True, verbose=0)

accuracy = float(((model.predict(x, verbose=0) > 0.5) == y).mean())
print("corpus-metric", accuracy)
