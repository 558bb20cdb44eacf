"""Keras's own step time, for the doctor's speed check on a Keras model.

The maths probes train the model's scratch_nn twin
(`keras_ref.builders.scratch_model`), which computes what Keras computes;
only speed differs between the two, so the speed check times the Keras model
itself. Keras (TensorFlow) is imported by the first call, never by importing
this module.
"""

import time

#: Timed epochs after the first (which traces and compiles the step function).
REPEATS = 4


def seconds_per_step(setup, batch_size, seconds=None, steps=20, spread=False, **compile_options):
    """Seconds per training step of a copy of the Keras model at ``batch_size``.

    The copy is compiled with the user's ``steps_per_execution`` and
    ``jit_compile`` unless ``compile_options`` override them; ``fit`` runs
    ``1 + REPEATS`` epochs of ``steps`` steps, the first untimed (it traces
    and compiles the step function). The fastest timed epoch counts: other
    processes only ever add time, so the minimum is the step itself (as
    ``timeit`` advises). With ``spread``, returns ``(fastest, slowest)``: on a
    busy machine TensorFlow's threads make the two differ by 2x or more, and
    a verdict that rests on step times has to hold for both. ``seconds`` is
    unused: a Keras epoch cannot be cut short, ``steps`` bounds it.
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

    copy.fit(x, y, batch_size=batch_size, epochs=1 + REPEATS, verbose=0, shuffle=False,
             callbacks=[_Clock()])
    times = [(marks[2 * e + 1] - marks[2 * e]) / steps for e in range(1, 1 + REPEATS)]
    return (min(times), max(times)) if spread else min(times)
