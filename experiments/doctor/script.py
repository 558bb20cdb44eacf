"""The doctor for your own script: run it unchanged, take its first ``fit``, diagnose that.

``python -m experiments.doctor train.py [its arguments]`` calls
:func:`diagnose_script`: `experiments.doctor.capture` runs the script up to
its first ``fit`` (and its first ``evaluate``, for the test data), and
`experiments.doctor.diagnose` diagnoses what ``fit`` received (a Keras model
through diagnose's Keras path, as `experiments.doctor.script_model` makes it
diagnosable), with large data subsampled
(`experiments.doctor.script_data.subsample`). The report's setup names the
script, where its fit was captured, where the test data came from, the
subsampling, and the ``fit`` arguments the probes do not use.

The names a caller needs are here: :func:`capture`, :class:`Captured`,
:class:`ScriptRefused` (the doctor cannot diagnose the script; the message
names the part) and :class:`ScriptError` (the script failed on its own).
"""

from experiments.doctor import diagnose
from experiments.doctor import script_data as sd
from experiments.doctor.capture import (
    AFTER_FIT_SECONDS,
    FIT_TIMEOUT,
    Captured,
    NotTrained,
    ScriptError,
    StopScript,
    capture,
)
from experiments.doctor.script_data import ScriptRefused
from experiments.doctor.script_model import (
    is_keras,
    keras_for_doctor,
    scratch_for_doctor,
)

__all__ = ["AFTER_FIT_SECONDS", "FIT_TIMEOUT", "Captured", "NotTrained", "ScriptError",
           "ScriptRefused", "StopScript", "capture", "diagnose_script"]


def diagnose_script(path, argv=(), budget_seconds=60.0, seed=0, fit_timeout=FIT_TIMEOUT,
                    checks=None):
    """Capture the script's first ``fit`` and diagnose it: a `Report` that names the script.

    ``seed`` seeds the script's global generators (see :func:`capture`) and
    the probes.

    Training data beyond `script_data.MAX_TRAIN_SAMPLES` samples, and
    validation or test data beyond `script_data.MAX_HELD_OUT_SAMPLES`, are
    subsampled (randomly, in their order), and the report's setup says so;
    so do the fit arguments the probes do not use (``class_weight``,
    ``sample_weight``, ``callbacks``).

    Raises:
        ScriptRefused, ScriptError: as :func:`capture`, and a ScriptRefused
            when the captured model or data cannot be diagnosed.
    """
    captured = capture(path, argv, fit_timeout, seed=seed)
    model, fit = captured.model, captured.fit
    if is_keras(model):
        model = keras_for_doctor(model, captured.x.shape[1:])
    else:
        if not model.built:
            model.build((None, *captured.x.shape[1:]))
        model = scratch_for_doctor(model)
    data_notes = []
    x, y, kept = sd.subsample(captured.x, captured.y, sd.MAX_TRAIN_SAMPLES, seed)
    if kept is not None:
        data_notes.append(f"training data subsampled to {len(x)} of {len(captured.x)} samples "
                          "(random, in their order)")
    validation = fit["validation_data"]
    if validation is not None:
        validation = _held_out(validation, "validation", seed, data_notes)
    test = None if captured.test is None else _held_out(captured.test, "test", seed, data_notes)
    try:
        report = diagnose(model, x, y, batch_size=fit["batch_size"], epochs=fit["epochs"],
                          validation_data=validation,
                          validation_split=fit["validation_split"] or 0.0, test_data=test,
                          budget_seconds=budget_seconds, checks=checks, seed=seed)
    except ValueError as err:
        if not str(err).startswith(("diagnose:", "scratch_model:", "Keras ")):
            raise
        raise ScriptRefused(f"the doctor cannot diagnose what the script's fit received: "
                            f"{err}") from None
    report.setup = {"script": " ".join([str(path), *argv]), **report.setup,
                    **_script_lines(captured, data_notes)}
    return report


def _held_out(pair, name, seed, notes):
    x, y, kept = sd.subsample(*pair, sd.MAX_HELD_OUT_SAMPLES, seed)
    if kept is not None:
        notes.append(f"{name} data subsampled to {len(x)} of {len(pair[0])} samples")
    return x, y


def _script_lines(captured, data_notes):
    """The report's setup lines about the capture: test data, subsampling, unused arguments."""
    lines = {"captured": f"the first fit of a {captured.framework} "
                         f"{type(captured.model).__name__}, "
                         f"{captured.seconds_to_fit:.1f} s into the script"}
    if captured.test is not None:
        lines["test samples"] = f"{len(captured.test[0])} (from the script's evaluate)"
    elif captured.predicted is not None:
        lines["test samples"] = (f"none with labels: the script predicts on "
                                 f"{len(captured.predicted)} samples but evaluates nothing")
    else:
        lines["test samples"] = "none (the script evaluates nothing after its fit)"
    unused = [name for name in ("class_weight", "sample_weight")
              if captured.fit.get(name) is not None]
    callbacks = captured.fit.get("callbacks") or []
    if callbacks:
        unused.append("callbacks [" + ", ".join(type(c).__name__ for c in callbacks) + "]")
    if unused:
        lines["not used by the probes"] = ", ".join(unused)
    if data_notes:
        lines["subsampled"] = "; ".join(data_notes)
    if captured.notes:
        lines["capture"] = "; ".join(captured.notes)
    return lines
