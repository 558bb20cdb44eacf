"""Run a training script unchanged and capture its first ``fit``: the model, the data, the arguments.

``capture(path)`` runs a training script as ``__main__`` (``runpy``, with
``sys.argv = [path, *argv]``, the script's folder first on ``sys.path``, the
working directory unchanged) with ``fit``, ``evaluate``, ``predict`` and
``train_on_batch`` of Keras 3 and scratch_nn models patched:

- **the first ``fit``** records the model, ``x``, ``y`` and the ``fit``
  arguments, and returns at once without training. Its ``History``
  answers every metric with NaNs (:class:`NotTrained`), so a script that
  prints or plots its curves goes on. Keras's methods are patched on
  ``keras.Model`` (``keras/src/models/model.py``), which ``Sequential``,
  ``Functional`` and user subclasses inherit ``fit`` from (it is defined in
  ``keras/src/backend/tensorflow/trainer.py``); scratch_nn's on
  ``scratch_nn.Sequential``, which its functional ``Model`` subclasses. If
  the script has not imported Keras yet, an import hook patches it the
  moment ``keras`` is loaded (by the script, or by TensorFlow for
  ``tf.keras``), so a scratch_nn script never pays for importing TensorFlow.
- **the script then goes on**, so that the doctor sees the test data: the
  first ``evaluate(x_test, y_test)`` is recorded and stops the script there.
  ``predict`` returns the untrained model's outputs and the script goes on;
  its inputs are kept when no ``evaluate`` follows (they have no labels, so
  the doctor cannot compare them). A later ``fit`` is ignored the same way.
  An exception the script raises after the intercepted fit is not the
  script's fault, since it did not train: it ends the capture. So do the
  end of the script and :data:`AFTER_FIT_SECONDS` after the fit.
- ``train_on_batch`` is a custom training loop: refused at once.
- ``save`` and ``save_weights`` after the intercepted fit stop the script,
  so that it does not overwrite a trained model's file with the untrained
  one. Other files the script writes after its fit (a plot of the NaN
  history, say) are written.

``MPLBACKEND`` is ``Agg`` while the script runs (unless set), so that a
``plt.show()`` does not wait for a window to close.

The script is stopped with :class:`StopScript`, a ``BaseException``, so an
``except Exception`` in the script cannot swallow it (and what was recorded
decides the outcome, even if a bare ``except:`` does). Every patch,
``sys.argv``, ``sys.path`` and the ``SIGALRM``/``SIGPROF`` handlers are restored
afterwards, whatever happens.

Outcomes: a :class:`Captured`; a :class:`ScriptRefused` naming the part
(no ``fit`` within ``fit_timeout`` seconds or by the end of the script, a
custom training loop, data or a model the doctor cannot diagnose: see
`experiments.doctor.script_data` and `experiments.doctor.script_model`); a
:class:`ScriptError` when the script itself fails before its first ``fit``
(an exception, or ``sys.exit`` with a non-zero status), with the script's
traceback. The time limits count the process's CPU seconds (``SIGPROF``, so
the load of the machine does not move them), with a wall-clock backstop
(``SIGALRM``) ten times longer; they hold in the main thread only; elsewhere
the script runs without them.

The diagnosis itself is `experiments.doctor.script.diagnose_script`.
"""

import contextlib
import inspect
import os
import random
import runpy
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from experiments.doctor import script_data as sd
from experiments.doctor.patching import KerasImportHook, Patches
from experiments.doctor.script_data import ScriptRefused
from experiments.doctor.script_model import is_keras

#: CPU seconds the script may run before its first fit (data loading, imports).
FIT_TIMEOUT = 120.0
#: Wall seconds allowed per CPU second before a script that waits is stopped (`_Capture.arm`).
WALL_FACTOR = 10
#: Seconds the script may run after the intercepted fit, looking for its evaluate.
AFTER_FIT_SECONDS = 30.0
#: The fit arguments the capture records (as named by Keras's ``fit``).
FIT_ARGUMENTS = ("batch_size", "epochs", "validation_data", "validation_split", "shuffle",
                 "class_weight", "sample_weight", "callbacks", "steps_per_epoch", "initial_epoch")


class ScriptError(Exception):
    """The script failed before its first ``fit``: its own error, not the doctor's.

    Attributes:
        traceback: the script's traceback as text (the doctor's frames left out).
    """

    def __init__(self, message, traceback_text=""):
        super().__init__(message)
        self.traceback = traceback_text


class StopScript(BaseException):
    """Stops the script once the doctor has what it needs (a ``BaseException``: see the module doc)."""


@dataclass
class Captured:
    """What a script's first ``fit`` (and first ``evaluate``) received.

    Attributes:
        path: the script.
        argv: its arguments.
        model: the model ``fit`` was called on (Keras or scratch_nn).
        x, y: the training data as NumPy arrays.
        fit: the ``fit`` arguments of :data:`FIT_ARGUMENTS`, as given
            (``validation_data`` converted to arrays; ``batch_size`` of a
            dataset is its batches' size).
        test: ``(x_test, y_test)`` of the first ``evaluate`` after the fit, or ``None``.
        predicted: inputs of the first ``predict`` after the fit when no
            ``evaluate`` followed, else ``None``.
        notes: what the capture did that a reader should know (a dataset
            gathered, a second fit ignored, how the script ended).
        seconds_to_fit: seconds from the script's start to its first ``fit``.
    """

    path: str
    argv: tuple
    model: object
    x: np.ndarray
    y: np.ndarray
    fit: dict
    test: tuple | None = None
    predicted: np.ndarray | None = None
    notes: list = field(default_factory=list)
    seconds_to_fit: float = 0.0

    @property
    def framework(self):
        """``"Keras"`` or ``"scratch_nn"``."""
        return "Keras" if is_keras(self.model) else "scratch_nn"


class _Capture:
    """The state of one capture: the patches, the clock and what was recorded."""

    def __init__(self, path, argv, fit_timeout, seed):
        self.path, self.argv, self.fit_timeout, self.seed = path, tuple(argv), fit_timeout, seed
        self.patches = Patches()
        self.captured = None
        self.failure = None  # a ScriptRefused or ScriptError, raised once the script is over
        self.ending = None  # how the run after the fit ended, in words
        self.start = 0.0
        self.alarm, self.why = False, ""
        self.hook = None

    # -- the clock -------------------------------------------------------
    def arm(self, seconds, why):
        """Stop the script after ``seconds`` of the process's CPU time (``ITIMER_PROF``),
        or ``WALL_FACTOR`` times as many seconds of wall time (``ITIMER_REAL``).

        CPU time is what the script's own work costs, whatever else loads the
        machine: with a wall clock, the same script reached its fit in time on a
        quiet machine and was refused at a load of 8 (TensorFlow's import and the
        data preparation took over 120 s). The wall clock only stops a script
        that waits without computing (a download, ``input()``).
        """
        if threading.current_thread() is not threading.main_thread() or \
                not hasattr(signal, "SIGALRM"):
            return
        self.why = why
        self.alarm = True
        signal.setitimer(signal.ITIMER_PROF, seconds)
        signal.setitimer(signal.ITIMER_REAL, WALL_FACTOR * seconds)

    def disarm(self):
        self.alarm = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)

    def _ring(self, signum, frame):
        if self.alarm:
            self.alarm = False
            if self.captured is None:
                self.failure = ScriptRefused(self.why)
            else:
                self.ending = self.why
            raise StopScript(self.why)

    # -- the patched methods ---------------------------------------------
    def patch_keras(self, keras):
        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        self.patch_class(keras.Model, keras.callbacks.History)

    def patch_class(self, cls, history_class):
        capture = self
        originals = {name: getattr(cls, name) for name in ("fit", "evaluate", "predict")}

        def fit(model, *args, **kwargs):
            return capture.on_fit(originals["fit"], history_class, model, args, kwargs)

        def evaluate(model, *args, **kwargs):
            return capture.on_evaluate(originals["evaluate"], model, args, kwargs)

        def predict(model, *args, **kwargs):
            return capture.on_predict(originals["predict"], model, args, kwargs)

        def train_on_batch(model, *args, **kwargs):
            capture.stop(ScriptRefused("the script trains with train_on_batch, a custom training "
                                       "loop: the doctor diagnoses training by fit"))

        def saver(name):
            def save(model, *args, **kwargs):
                if capture.captured is None:
                    return originals[name](model, *args, **kwargs)
                capture.ending = (f"stopped at its model.{name}(), so that no file is "
                                  "overwritten with the untrained model")
                raise StopScript(name)
            return save

        savers = [(name, saver(name)) for name in ("save", "save_weights")]
        originals.update({name: getattr(cls, name) for name, _ in savers})
        for name, method in (("fit", fit), ("evaluate", evaluate), ("predict", predict),
                             ("train_on_batch", train_on_batch), *savers):
            method.__wrapped__ = getattr(cls, name, None)
            self.patches.set(cls, name, method)

    def stop(self, refusal=None):
        if refusal is not None and self.captured is None:
            self.failure = refusal
        raise StopScript(str(refusal or "the doctor has what it needs"))

    def on_fit(self, original, history_class, model, args, kwargs):
        if self.captured is not None:
            self.note("the script calls fit again; only its first fit is diagnosed")
            return _empty_history(history_class, model, _epochs(kwargs.get("epochs", 1)))
        seconds = time.perf_counter() - self.start
        bound = inspect.signature(original).bind(model, *args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        if not getattr(model, "compiled", True):
            self.failure = ScriptError("the script calls fit on a model that is not compiled "
                                       "(Keras raises: you must call compile() first)")
            raise StopScript("not compiled")
        try:
            self.captured = _record(self.path, self.argv, model, given, seconds)
        except ScriptRefused as refusal:
            self.stop(refusal)
        self.arm(AFTER_FIT_SECONDS, f"the script ran {AFTER_FIT_SECONDS:g} s after its fit "
                 "without evaluating; capture ended there")
        return _empty_history(history_class, model, _epochs(given.get("epochs")))

    def on_evaluate(self, original, model, args, kwargs):
        if self.captured is None:
            return original(model, *args, **kwargs)
        bound = inspect.signature(original).bind(model, *args, **kwargs)
        x, y = bound.arguments.get("x"), bound.arguments.get("y")
        try:
            if sd.is_dataset(x):
                x, y, _ = sd.gather_dataset(x, "evaluate's x")
            x = sd.as_array(x, "evaluate's x")
            y = None if y is None else sd.as_array(y, "evaluate's y", len(x))
        except ScriptRefused as refusal:
            self.note(f"the test data was not used: {refusal}")
            y = None
        if y is not None:
            self.captured.test = (x, y)
            self.captured.predicted = None
            self.ending = "stopped at its first evaluate, whose data is the test data"
            raise StopScript("evaluate recorded")
        return original(model, *args, **kwargs)

    def on_predict(self, original, model, args, kwargs):
        if self.captured is not None and self.captured.test is None and \
                self.captured.predicted is None:
            bound = inspect.signature(original).bind(model, *args, **kwargs)
            with contextlib.suppress(ScriptRefused):
                x = bound.arguments.get("x")
                self.captured.predicted = None if sd.is_dataset(x) else sd.as_array(x, "x")
        return original(model, *args, **kwargs)

    def note(self, text):
        if text not in self.captured.notes:
            self.captured.notes.append(text)

    # -- the run ---------------------------------------------------------
    def run(self):
        import scratch_nn

        script = Path(self.path)
        if not script.is_file():
            raise ScriptRefused(f"no script at {self.path!r}")
        saved_argv, saved_path = sys.argv, list(sys.path)
        timers = hasattr(signal, "SIGALRM") and hasattr(signal, "SIGPROF")
        saved_handler = signal.getsignal(signal.SIGALRM) if timers else None
        saved_prof = signal.getsignal(signal.SIGPROF) if timers else None
        saved_backend = os.environ.get("MPLBACKEND")
        try:
            if self.seed is not None:
                random.seed(self.seed)
                scratch_nn.utils.set_random_seed(self.seed)  # and NumPy's global generator
            self.patch_class(scratch_nn.Sequential, scratch_nn.callbacks.History)
            if "keras" in sys.modules:
                self.patch_keras(sys.modules["keras"])
            else:
                self.hook = KerasImportHook(self.patch_keras)
                sys.meta_path.insert(0, self.hook)
            if saved_backend is None:
                os.environ["MPLBACKEND"] = "Agg"  # plt.show() in a script must not block
            sys.argv = [str(script), *self.argv]
            sys.path.insert(0, str(script.resolve().parent))
            if saved_handler is not None and threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGALRM, self._ring)
                signal.signal(signal.SIGPROF, self._ring)
            self.start = time.perf_counter()
            self.arm(self.fit_timeout, f"no fit call within {self.fit_timeout:g} s of CPU time "
                     "(a custom training loop, or data loading slower than the time limit?)")
            self._run_script(script)
        finally:
            self.alarm = False
            if saved_handler is not None and threading.current_thread() is threading.main_thread():
                self.disarm()
                signal.signal(signal.SIGALRM, saved_handler)
                signal.signal(signal.SIGPROF, saved_prof)
            if self.hook in sys.meta_path:
                sys.meta_path.remove(self.hook)
            self.patches.restore()
            sys.argv, sys.path[:] = saved_argv, saved_path
            if saved_backend is None:
                os.environ.pop("MPLBACKEND", None)
        if self.failure is not None:
            raise self.failure
        if self.captured is None:
            raise ScriptRefused("no fit call: the script ended without calling fit on a Keras or "
                                "scratch_nn model (a custom training loop?)")
        self.note(f"after the intercepted fit the script {self.ending or 'ran to its end'}")
        return self.captured

    def _run_script(self, script):
        try:
            runpy.run_path(str(script), run_name="__main__")
        except StopScript:
            pass
        except SystemExit as exit_:
            if self.captured is None and self.failure is None and exit_.code not in (None, 0):
                self.failure = ScriptError(f"the script exited with status {exit_.code!r} before "
                                           "its first fit", _script_traceback(exit_, script))
            elif self.captured is not None and self.ending is None:
                self.ending = f"exited (sys.exit({exit_.code!r}))"
        except Exception as err:  # noqa: BLE001 - the script's own error, reported as such
            if self.captured is None and self.failure is None:
                self.failure = ScriptError(
                    f"the script raised {type(err).__name__} before its first fit: {err}",
                    _script_traceback(err, script))
            elif self.captured is not None and self.ending is None:
                self.ending = (f"raised {type(err).__name__} ({err}); it did not train, so that "
                               "ended the capture")


def _epochs(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


class NotTrained(dict):
    """The ``history.history`` of an intercepted fit: any metric reads ``epochs`` NaNs.

    A script that prints or plots ``history.history["val_accuracy"]`` after
    its fit then goes on to its ``evaluate`` (NaN: nothing was measured).
    """

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def __missing__(self, key):
        return [float("nan")] * self.epochs


def _empty_history(history_class, model, epochs):
    """A ``History`` of a fit that trained nothing (:class:`NotTrained` metrics)."""
    history = history_class()
    history.set_model(model)
    history.set_params({"epochs": epochs, "steps": 0, "verbose": 0})
    history.epoch = []
    history.history = NotTrained(epochs)
    model.history = history
    return history


def _record(path, argv, model, given, seconds):
    """The :class:`Captured` of one ``fit`` call's bound arguments."""
    notes = []
    fit = {name: given.get(name) for name in FIT_ARGUMENTS}
    x, y = given.get("x"), given.get("y")
    if sd.is_dataset(x):
        if y is not None:
            raise ScriptRefused("fit received a tf.data.Dataset as x and also y: a dataset "
                                "carries its targets")
        x, y, batch = sd.gather_dataset(x, "fit's x", given.get("steps_per_epoch"))
        notes.append(f"fit's tf.data.Dataset was gathered into {len(x)} samples in batches of "
                     f"{batch}, and the probes draw their own batches from them")
        fit["batch_size"] = batch
    x = sd.as_array(x, "fit's x")
    if y is None:
        raise ScriptRefused("fit was called without targets (y): the doctor diagnoses "
                            "supervised training")
    y = sd.as_array(y, "fit's y", len(x))
    validation = fit["validation_data"]
    if validation is not None:
        if sd.is_dataset(validation):
            x_val, y_val, _ = sd.gather_dataset(validation, "validation_data")
        elif isinstance(validation, (tuple, list)) and len(validation) in (2, 3):
            x_val = sd.as_array(validation[0], "validation_data[0]")
            y_val = sd.as_array(validation[1], "validation_data[1]", len(x_val))
        else:
            raise ScriptRefused(f"validation_data is {sd.describe(validation)}; the doctor "
                                "accepts (x_val, y_val), (x_val, y_val, weights) or a dataset")
        fit["validation_data"] = (x_val, y_val)
    return Captured(str(path), tuple(argv), model, x, y, fit, notes=notes,
                    seconds_to_fit=seconds)


def _script_traceback(err, script):
    """The traceback of ``err`` from the script's first frame on (runpy's and ours left out)."""
    frames = traceback.extract_tb(err.__traceback__)
    target = str(script.resolve())
    first = next((i for i, frame in enumerate(frames)
                  if Path(frame.filename).resolve().as_posix() == Path(target).as_posix()), 0)
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames[first:])
    lines += traceback.format_exception_only(type(err), err)
    return "".join(lines)


def capture(path, argv=(), fit_timeout=FIT_TIMEOUT, seed=None):
    """Run the script at ``path`` with ``argv`` and capture its first ``fit``: a :class:`Captured`.

    See the module doc for how the script runs and when it stops. With
    ``seed``, Python's, NumPy's and scratch_nn's global generators (and
    Keras's, when the script imports it) are seeded before the script runs,
    so that a script that does not seed itself builds the same weights on
    every run (a CI verdict that does not flip); a script's own seeding
    comes later and wins.

    Raises:
        ScriptRefused: the doctor cannot diagnose this script (the message says which part).
        ScriptError: the script failed before its first fit.
    """
    if not fit_timeout or fit_timeout <= 0:
        raise ValueError(f"capture: fit_timeout must be > 0 seconds, received {fit_timeout!r}")
    return _Capture(path, argv, fit_timeout, seed).run()
