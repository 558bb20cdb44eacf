"""Keras's own step time, for the doctor's speed check on a Keras model.

The maths probes train the model's scratch_nn twin
(`keras_ref.builders.scratch_model`), which computes what Keras computes;
only speed differs between the two, so the speed check times the Keras model
itself. Keras (TensorFlow) is imported by the first call, never by importing
this module.
"""

import time


def seconds_per_step(setup, batch_size, seconds=None, steps=20, **compile_options):
    """Seconds per training step of a copy of the Keras model at ``batch_size``.

    The copy is compiled with the user's ``steps_per_execution`` and
    ``jit_compile`` unless ``compile_options`` override them; ``fit`` runs
    two epochs of ``steps`` steps and only the second is timed (the first
    traces and compiles the step function). ``seconds`` is unused: a Keras
    epoch cannot be cut short, ``steps`` bounds it.
    """
    import keras

    original = setup.keras_model
    copy = keras.models.clone_model(original)
    copy.set_weights(original.get_weights())
    options = {"steps_per_execution": original.steps_per_execution,
               "jit_compile": original.jit_compile, **compile_options}
    copy.compile(optimizer=type(original.optimizer).from_config(original.optimizer.get_config()),
                 loss=original.loss, **options)
    steps = max(2, min(steps, setup.n // batch_size))
    x, y = setup.x[:steps * batch_size], setup.y[:steps * batch_size]
    marks = []

    class _Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            marks.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            marks.append(time.perf_counter())

    copy.fit(x, y, batch_size=batch_size, epochs=2, verbose=0, shuffle=False, callbacks=[_Clock()])
    return (marks[3] - marks[2]) / steps
