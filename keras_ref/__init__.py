"""The Keras/TensorFlow reference for scratch_nn: the oracle side of the property tests.

- `keras_ref.specs`: a class name and the literal arguments a test chose,
  built in either library (imports neither: NumPy-only tests use it too).
- `keras_ref.twins`: the Keras twin of a spec, a scratch_nn model's weights
  copied in, in one call: what the property tests compare against.
- `keras_ref.builders`: the Keras twin of an existing scratch_nn model, loss
  or optimizer, read from its attributes (for a model whose spec is unknown),
  and the other way, the scratch_nn twin of a Keras model (`scratch_model`).
- `keras_ref.transfer`: weights moved both ways, layer by layer, with checked shapes.
- `keras_ref.oracle`: what real Keras computes (forward, loss, gradients by
  `tf.GradientTape`, optimizer steps, `fit`), as NumPy arrays.

Importing any of them but `specs` imports TensorFlow; TensorFlow's C++ logging is turned
down to warnings and errors first (`TF_CPP_MIN_LOG_LEVEL=2`, unless set).
`scratch_nn` itself never imports this package.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
