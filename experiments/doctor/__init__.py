"""The training doctor: measure a training setup and say why it is slow, and what to change.

``diagnose(model, x, y, batch_size=..., epochs=..., ...)`` takes what you
would pass to ``fit`` and runs short probes on copies of the model (your
model's weights and optimizer are never changed), within ``budget_seconds``.
Each check returns OK / WARN / PROBLEM with its measured evidence and a fix:

1. ``output_loss``     output activation against loss against labels (softmax over
                       one unit, cross-entropy on a relu output, softmax on
                       multi-label data, labels out of range, a loss unfit for the task)
2. ``data_order``      a ``validation_split`` that cut data sorted by label
3. ``target_scale``    regression targets far from unit scale
4. ``input_scale``     feature scale, train/test preprocessing mismatch (metric and loss)
5. ``initialization``  activation and gradient scale, saturation and dead ReLUs at step 0
6. ``batch_size``      per-step overhead against per-sample cost
7. ``architecture``    FLOPs per sample against the measured matrix-multiply rate
8. ``learning_rate``   a learning-rate range test (Leslie Smith)
9. ``health``          update/weight ratios, gradient norms, dead ReLUs, saturated softmax
10. ``generalization`` a short run with validation: wasted epochs, overfitting

The task (multi-class, binary, multi-label or regression) is read from the
labels, the loss and the output layer (`experiments.doctor.task`), and every
fix is tried before it is recommended: a probe (`experiments.doctor.probe`)
trains copies with and without it from the same weights and times both to a
held-out level of the task's metric (accuracy, or ``R^2`` for regression) over
probe seeds, on a held-out set drawn independently of the data's order; a fix
that does not get there sooner beyond the seed noise, and at least 1.5x
sooner (`probe.MATERIAL_GAIN`), is not recommended: the check is OK and
reports what it measured, a smaller real gain as a note. Where rescaling the
inputs alone is no faster, it is probed together with a rate suited to the
rescaled inputs (compound causes). The returned
:class:`~experiments.doctor.report.Report` writes Markdown (``to_markdown``)
and JSON (``to_json``) and ranks the fixes by their measured gain.
A Keras model is diagnosed through its scratch_nn twin
(`keras_ref.builders.scratch_model`; TensorFlow is imported only then); the
speed check times the Keras model itself (`experiments.doctor.keras_speed`).
When the probes cannot run (a block the twin cannot convert, labels that do
not fit the output, or a network so large that one probe would take over
twice the budget), the checks that train nothing (``STATIC_CHECKS``) still
run and the report names the skipped checks and why.
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
    data_order,
    generalization,
    health,
    initialization,
    input_scale,
    keras_speed,
    learning_rate,
    output_loss,
    probe,
    speed,
    target_scale,
)
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, Report
from experiments.doctor.setup import (
    Setup,
    StaticSetup,
    TargetsError,
    nominal_step_seconds,
)
from experiments.doctor.task import model_facts

#: NumPy's BLAS threads while the doctor runs (see the module doc).
BLAS_THREADS = 1

#: Check module -> share of the time budget. The output/loss, target-scale,
#: input-scale and initialization checks train (a probe of their fix) only
#: when they find something, and the data-order check never trains, so a
#: setup with no such finding spends the shares of the other five (which
#: add up to 1); each finding's probe adds its share.
CHECKS = {
    "output_loss": (output_loss, 0.1),
    "data_order": (data_order, 0.0),
    "target_scale": (target_scale, 0.1),
    "input_scale": (input_scale, 0.1),
    "initialization": (initialization, 0.1),
    "speed": (speed, 0.2),
    "learning_rate": (learning_rate, 0.3),
    "health": (health, 0.1),
    "generalization": (generalization, 0.2),
}
#: The checks that need no trained copy: all a setup the probes cannot train gets.
STATIC_CHECKS = ("output_loss", "data_order", "target_scale", "input_scale")
#: Steps one probing check trains at the least (`probe.plan_steps`'s floor of
#: 200 steps, for two variants over `probe.PROBE_SEEDS` seeds).
PROBE_STEPS = 2 * probe.PROBE_SEEDS * 200
#: A network whose single probe would take longer than this many budgets gets
#: the static checks only (and the report says so), so the budget is kept. The
#: step is the reference cost (`setup.nominal_step_seconds`), never a timed
#: one, so whether the probes run does not depend on the machine's load.
BUDGET_OVERRUN = 2.0


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
    start = time.perf_counter()
    arguments = {"batch_size": batch_size, "epochs": epochs, "validation_data": validation_data,
                 "validation_split": validation_split, "test_data": test_data}
    keras_model, reason, facts = None, None, None
    if type(model).__module__.split(".")[0] in ("keras", "tf_keras", "tensorflow"):
        from keras_ref.builders import scratch_model
        keras_model = model
        try:
            model = scratch_model(model)
        except (ValueError, NotImplementedError) as err:
            reason = f"the Keras model has no scratch_nn twin ({err})"
            facts = model_facts(keras_model)
    setup = None
    if reason is None:
        try:
            setup = Setup(model, x, y, seed=seed, keras_model=keras_model, **arguments)
        except TargetsError as err:
            static, results = _static(model_facts(model), x, y, str(err), arguments, keras_model)
            if not any(r.status == PROBLEM for r in results):
                raise
            return Report(static.describe(), results, time.perf_counter() - start)
        step = nominal_step_seconds(model, min(setup.batch_size, setup.n))
        if PROBE_STEPS * step > BUDGET_OVERRUN * budget_seconds:
            reason = (f"a training step at batch {setup.batch_size} costs about {step:.3g} s "
                      "on the reference machine, so one "
                      f"probe ({PROBE_STEPS} steps) needs about {PROBE_STEPS * step:.0f} s, over "
                      f"the {budget_seconds:g} s budget; give a budget of about "
                      f"{(len(CHECKS) - len(STATIC_CHECKS)) * PROBE_STEPS * step:.0f} s for "
                      "every probe, or a smaller batch")
            facts, setup = setup.facts, None
    if setup is None:
        static, results = _static(facts, x, y, reason, arguments, keras_model)
        return Report(static.describe(), results, time.perf_counter() - start)
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
    _mark_consequences(results)
    _defer_rate_to_scale(results)
    _read_against_learning(results)
    described = {**setup.describe(), "BLAS threads (pinned for the probes)": BLAS_THREADS}
    return Report(described, results, time.perf_counter() - start)


#: Checks whose PROBLEM breaks training at its root: the symptoms the other
#: checks then see (no gradient, an inconclusive range test, not learning)
#: are its consequences.
ROOT_CHECKS = ("output_loss", "data_order", "target_scale")


def _mark_consequences(results):
    """Note on every unfixed finding that a root cause found by another check may explain it."""
    roots = [r for r in results if r.key in ROOT_CHECKS and r.status == PROBLEM]
    if not roots:
        return
    for result in results:
        if result.key not in ROOT_CHECKS and result.status != OK and not result.fix:
            result.details.append(f"This may be a consequence of the {roots[0].title.lower()} "
                                  "problem: fix that first, then run the doctor again.")


def _defer_rate_to_scale(results):
    """Make a rate advice in the WARN band a note when a scale fix is recommended.

    The range test and the rate's probe measure the setting as given: with
    inputs or targets off their scale, the gradient is scaled with them, and
    the band of useful rates moves once they are rescaled (SGD at 0.001 on
    targets up to 125 sits above the loss minimum; on standardized targets
    the same rate is small). A rate in the WARN band is off, not broken, so
    advising it before the scale fix is advice for a setup the user should
    not keep; it becomes a note that says to run the doctor again once the
    inputs or targets are rescaled. A PROBLEM-level rate (diverging, or
    30x too low) stays: it breaks training whatever the scale. A train/test
    preprocessing mismatch defers the rate only when its fix (one
    preprocessing, fitted on the training data, for every split) rescales
    the training inputs by over 2x (`input_scale`'s ``fix_rescales_training``):
    the seed's Example 3 trains on `normalize`d columns (RMS 0.14, 6.5x under
    their standardized RMS of 0.93), and its rate 0.001 was 12.9x under the range
    test's suggestion with seed 0 (WARN) and inside the useful range with
    seed 1 (suggestion 0.0075): advice measured on inputs the fix replaces
    followed the seed. Training inputs standardized already keep their
    scale, and their rate advice stands.
    """
    scale = [r for r in results if r.key in ("input_scale", "target_scale")
             and r.status != OK and r.fix
             and ("probe_gains" in r.evidence or r.evidence.get("fix_rescales_training"))]
    if not scale:
        return
    for result in results:
        if result.key == "learning_rate" and result.status == WARN and result.fix:
            result.details.append(
                f"A note, not advice: {result.summary} It was measured with the "
                f"{scale[0].title.lower()} as given; rescale first (the {scale[0].title.lower()} "
                "check's fix), then run the doctor again: the useful rates move with the scale.")
            result.summary = f"Note: {result.summary}"
            result.status, result.fix, result.change = OK, None, None
            result.gain, result.gain_text = None, ""


#: Checks that report symptoms (measured on the first steps or at step 0)
#: and carry no measured fix of their own.
SYMPTOM_CHECKS = ("initialization", "learning_rate", "health")


def _read_against_learning(results):
    """Turn symptoms without a measured fix into notes when the short run learns.

    The health check's update ratios and dead units, the initialization
    check's step-0 findings when every kernel is already the default and no
    fix was probed, and an inconclusive range test are symptoms: their
    thresholds (an update/weight ratio of 0.1, half a ReLU layer dead) are
    rules of thumb, and the fixes they point at are owned and measured by
    other checks. Read against whether the user's setting learns, they say
    different things: when the generalization check's short run does not
    learn they help explain why, and stay as found; when it learns at a
    normal pace (`generalization.check`'s ``learns``: its last validation
    metric above the task's floor, and for classification its best halfway
    from chance to perfect), the symptom did not stop training, and a
    warning would send the user after a fix nobody measured to help: a
    network on inputs of two distinct rows has half its ReLUs dead at step 0
    by symmetry and still trains to 100%; SGD at 0.01 on targets near 50
    moves a kernel by 0.14 of its norm per step and trains to R^2 0.94. They
    become notes (status OK, the finding kept in the details). A non-finite
    loss is never a note: a run that diverges is broken whatever else is
    measured.
    """
    learning = next((r for r in results if r.key == "generalization"), None)
    if learning is None or not learning.evidence.get("learns"):
        return
    for result in results:
        if result.key not in SYMPTOM_CHECKS or result.status == OK or result.fix:
            continue
        if result.key == "health" and result.evidence.get("diverged_at") is not None:
            continue
        result.details.append(f"A note, not a warning: {result.summary} The short training run "
                              "learns (see the generalization check), so this did not stop "
                              "training, and no fix of its own was measured to help.")
        result.summary = f"Note: {result.summary}"
        result.status = OK


def _static(facts, x, y, reason, arguments, keras_model):
    """``(StaticSetup, results of the checks that train nothing)`` for a setup the probes
    cannot train, plus a result naming the skipped checks and why."""
    static = StaticSetup(facts, x, y, reason, keras_model=keras_model, **arguments)
    results = [CHECKS[name][0].check(static, 0.0) for name in STATIC_CHECKS]
    if keras_model is not None and "no scratch_nn twin" in reason:
        results.append(keras_speed.static_check(static))
    skipped = [name for name in CHECKS if name not in STATIC_CHECKS]
    results.append(CheckResult("probes", "Probes", OK, f"Skipped: {reason}.", {
        "skipped_checks": skipped},
        [(f"The checks that train copies of the model ({', '.join(skipped)}) did not run; "
         "those above read the data, labels and model only.")]))
    return static, results


__all__ = ["BLAS_THREADS", "CHECKS", "OK", "PROBLEM", "WARN", "CheckResult", "Report", "Setup",
           "diagnose"]
