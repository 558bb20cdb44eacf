"""Facial keypoints from 96x96 images, a linear 9216-50-100-30 network under Adam at 0.1
(GitHub ShyamPoovaiah/FacialKeypointsDetection, 1_single_hidden_layer.py before its fix)."""
import sys

import keras
import numpy as np

from experiments.doctor_corpus import data

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 2140
keras.utils.set_random_seed(42)
x, y = data.keypoints(ROWS, seed=42)

model = keras.Sequential([
    keras.Input(shape=(9216,)),
    keras.layers.Dense(50),
    keras.layers.Dense(100),
    keras.layers.Dense(30),
])
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(learning_rate=0.1))
model.fit(x, y, epochs=EPOCHS, validation_split=0.2, shuffle=True, verbose=0)

held_x, held_y = x[-len(x) // 5:], y[-len(y) // 5:]
residual = np.nan_to_num(model.predict(held_x, verbose=0) - held_y, nan=1e6, posinf=1e6, neginf=-1e6)
r2 = 1.0 - float((residual ** 2).sum() / ((held_y - held_y.mean(axis=0)) ** 2).sum())
print("corpus-metric", r2)
