"""Keras's own step time, for the doctor's speed check on a Keras model.

The maths probes train the model's scratch_nn twin
(`keras_ref.builders.scratch_model`), which computes what Keras computes;
only speed differs between the two, so the speed check times the Keras model
itself. Keras (TensorFlow) is imported by the first call, never by importing
this module.
"""

import time

import numpy as np

from experiments.doctor.report import OK, CheckResult

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
    x, y = np.asarray(setup.x[:steps * batch_size]), np.asarray(setup.y[:steps * batch_size])
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


def static_check(setup):
    """The Keras model's own step time, for a setup the probes cannot train (no twin).

    Times a step at the user's batch size and with ``steps_per_execution=32``
    (`seconds_per_step`). Without a probe of the larger batch (which needs
    the twin) it recommends nothing: the check is OK and reports the times.
    Returns ``None`` when Keras cannot train on the data as given.
    """
    b = setup.batch_size
    try:
        plain = seconds_per_step(setup, b)
        batched = seconds_per_step(setup, b, steps=64, steps_per_execution=32)
    except Exception as err:  # noqa: BLE001  (the user's model and data: any error Keras raises)
        return CheckResult("keras_speed", "Keras step time", OK,
                           f"Keras could not train a copy on the data as given ({err}).")
    return CheckResult(
        "keras_speed", "Keras step time", OK,
        f"A Keras training step at batch {b} takes {plain * 1e3:.3g} ms; with "
        f"steps_per_execution=32, {batched * 1e3:.3g} ms.",
        {"keras_seconds_per_step": plain,
         "keras_seconds_per_step_at_steps_per_execution_32": batched},
        [("Whether a larger batch would reach a held-out level sooner needs the probes, which "
          "were skipped (see the report's header).")])
