"""Two classes of points in two squares, a 2-unit sigmoid layer, the fix: Adam at 0.01 for 10 epochs (SO 50306988)."""
import sys

import keras
import numpy as np

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
first = rng.uniform(0.2, 0.4, size=(100, 2))
second = rng.uniform(0.5, 0.7, size=(100, 2))
x = np.empty((200, 2), dtype="float32")
x[0::2], x[1::2] = first, second
y = keras.utils.to_categorical(np.tile([0, 1], 100), 2)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(2, activation="sigmoid"),
    keras.layers.Dense(2, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01),
              metrics=["accuracy"])
model.fit(x, y, epochs=EPOCHS, batch_size=32, verbose=0)

accuracy = float(np.mean(model.predict(x, verbose=0).argmax(1) == y.argmax(1)))
print("corpus-metric", accuracy)
