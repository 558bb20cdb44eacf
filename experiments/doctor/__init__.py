"""The training doctor: measure a training setup and say why it is slow, and what to change.

``diagnose(model, x, y, batch_size=..., epochs=..., ...)`` takes what you
would pass to ``fit`` and runs short probes on copies of the model (your
model's weights and optimizer are never changed), within ``budget_seconds``.
Each check returns OK / WARN / PROBLEM with its measured evidence and a fix:

1. ``input_scale``     feature scale, train/test preprocessing mismatch
2. ``learning_rate``   a learning-rate range test (Leslie Smith)
3. ``health``          update/weight ratios, gradient norms, dead ReLUs, saturated softmax
4. ``batch_size``      per-step overhead against per-sample cost
5. ``architecture``    FLOPs per sample against the measured matrix-multiply rate
6. ``generalization``  a short run with validation: wasted epochs, overfitting
7. ``initialization``  activation and gradient scale through the layers at step 0

Every fix is tried before it is recommended: a probe
(`experiments.doctor.probe`) trains copies with and without it from the same
weights and times both to a held-out accuracy level over probe seeds; a fix
that does not get there sooner beyond the seed noise, and at least 1.5x
sooner (`probe.MATERIAL_GAIN`), is not recommended: the check is OK and
reports what it measured, a smaller real gain as a note. The returned
:class:`~experiments.doctor.report.Report` writes Markdown (``to_markdown``)
and JSON (``to_json``) and ranks the fixes by their measured gain.
A Keras model is diagnosed through its scratch_nn twin
(`keras_ref.builders.scratch_model`; TensorFlow is imported only then); the
speed check times the Keras model itself (`experiments.doctor.keras_speed`).
From the shell: ``python -m experiments.doctor --help``.

The verdicts do not depend on the machine's threads or load: every probe
runs with NumPy's BLAS pinned to one thread (`blas_pinned`), the probe
plans are made from a reference step cost, never the clock, and a verdict reads the
median of three seeds (`experiments.doctor.probe`). With two OpenBLAS
threads the trajectories of an erratic setting (raw pixels under SGD) differ
from one thread's after a few steps, and the fitted step costs differ too;
on one thread a setup and seed give the same numbers on every run.

The doctor lives next to the experiments because its probes are small
experiments: it builds the seed article's setups from the study's own tables
(`experiments.seed_examples.AS_WRITTEN`, `experiments.data.PREPROCESSING`,
the MLP of `experiments.builders.build`) in `experiments.doctor.seed_setups`.
Inside ``scratch_nn``, which imports only NumPy and itself, it would need
copies of those tables, and copies drift apart.
"""

import time

from experiments.doctor import (
    generalization,
    health,
    initialization,
    input_scale,
    learning_rate,
    speed,
)
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, Report
from experiments.doctor.setup import Setup

#: NumPy's BLAS threads while the doctor runs (see the module doc).
BLAS_THREADS = 1

#: Check module -> share of the time budget. Input scale and initialization
#: train (a probe of their fix) only when they find something.
CHECKS = {
    "input_scale": (input_scale, 0.1),
    "initialization": (initialization, 0.1),
    "speed": (speed, 0.2),
    "learning_rate": (learning_rate, 0.3),
    "health": (health, 0.1),
    "generalization": (generalization, 0.2),
}


def blas_pinned():
    """A context that runs NumPy's BLAS on ``BLAS_THREADS`` threads and restores it after.

    ``threadpoolctl`` changes the pool of the BLAS NumPy already loaded, so
    the caller's ``OPENBLAS_NUM_THREADS`` (set or not) does not matter;
    TensorFlow's own pools are left alone (the speed check times a Keras
    model as it would train).

    Raises:
        ImportError: threadpoolctl is not installed (the ``experiments`` extra).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ImportError("diagnose pins NumPy's BLAS to one thread with threadpoolctl: "
                          "pip install threadpoolctl (or the project's [experiments] "
                          "extra)") from None
    return threadpool_limits(limits=BLAS_THREADS, user_api="blas")


def diagnose(model, x, y, batch_size=None, epochs=1, validation_data=None,
             validation_split=0.0, test_data=None, budget_seconds=60.0, checks=None, seed=0):
    """Diagnose a training setup; returns a :class:`Report`.

    Args:
        model: a compiled scratch_nn ``Sequential``, or a compiled Keras model
            (Dense, Flatten, Dropout, Activation, BatchNormalization layers).
        x, y: the training data exactly as you pass it to ``fit``
            (preprocessing included: the doctor looks at it).
        batch_size, epochs, validation_data, validation_split: as in ``fit``.
        test_data: ``(x_test, y_test)`` as you will evaluate the model, to
            check it is preprocessed like ``x``.
        budget_seconds: rough wall-time budget for all probes (about a minute
            on 2 cores by default; a few seconds still gives a usable answer).
        checks: names from :data:`CHECKS` to run (all by default).
        seed: seed of the probes' batch order.

    The checks run with NumPy's BLAS on one thread (`blas_pinned`), restored
    afterwards.

    Raises:
        ValueError: unknown check names, a non-positive budget, or a model
            and data that do not fit together (the message says how).
    """
    if not budget_seconds or budget_seconds <= 0:
        raise ValueError(f"diagnose: budget_seconds must be > 0, received {budget_seconds!r}")
    selected = list(CHECKS) if checks is None else list(checks)
    unknown = [c for c in selected if c not in CHECKS]
    if unknown:
        raise ValueError(f"diagnose: unknown checks {unknown}; choose from {list(CHECKS)}")
    keras_model = None
    if type(model).__module__.split(".")[0] in ("keras", "tf_keras", "tensorflow"):
        from keras_ref.builders import scratch_model
        keras_model, model = model, scratch_model(model)
    setup = Setup(model, x, y, batch_size=batch_size, epochs=epochs,
                  validation_data=validation_data, validation_split=validation_split,
                  test_data=test_data, seed=seed, keras_model=keras_model)
    start = time.perf_counter()
    results = []
    with blas_pinned():
        for name in selected:
            module, share = CHECKS[name]
            began = time.perf_counter()
            outcome = module.check(setup, share * budget_seconds)
            outcome = outcome if isinstance(outcome, list) else [outcome]
            for result in outcome:
                result.seconds = time.perf_counter() - began
            results.extend(outcome)
    described = {**setup.describe(), "BLAS threads (pinned for the probes)": BLAS_THREADS}
    return Report(described, results, time.perf_counter() - start)


__all__ = ["BLAS_THREADS", "CHECKS", "OK", "PROBLEM", "WARN", "CheckResult", "Report", "Setup", "diagnose"]
