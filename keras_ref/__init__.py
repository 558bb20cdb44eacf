"""The Keras/TensorFlow reference for scratch_nn: the oracle side of the property tests.

- `keras_ref.builders`: the Keras twin of a scratch_nn model, loss or optimizer,
  and the other way, the scratch_nn twin of a Keras model (`scratch_model`).
- `keras_ref.transfer`: weights moved both ways, layer by layer, with checked shapes.
- `keras_ref.oracle`: what real Keras computes (forward, loss, gradients by
  `tf.GradientTape`, optimizer steps, `fit`), as NumPy arrays.

Importing any of them imports TensorFlow; TensorFlow's C++ logging is turned
down to warnings and errors first (`TF_CPP_MIN_LOG_LEVEL=2`, unless set).
`scratch_nn` itself never imports this package.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
