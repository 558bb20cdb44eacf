"""Checks 4 and 5, speed: per-step overhead against per-sample cost, and architecture cost.

**Batch size (check 4).** One training step on a batch of ``b`` samples takes

    t(b) = a + c * b

``a`` is the fixed cost of a step whatever its size (Python calls, the
optimizer's pass over every weight, for Keras the dispatch of a compiled
function) and ``c`` the cost of one sample (mostly matrix multiplies). ``t``
is measured at three batch sizes (the user's, 16 and 128; the fastest of
many steps each; a step much longer than a millisecond is seldom timed
whole on a loaded machine, see below) and ``a``, ``c`` fitted by least squares weighted by
``1/t`` (relative error, so small batches count). An epoch of ``n`` samples
then takes ``n * (a / b + c)``: when ``a / (a + c b)``, the overhead share of
a step, is large, most of the epoch is spent on steps, not samples. Share
above 50% is a PROBLEM, above 25% a WARN, but only if the larger batch
(128, or 4b when b is 128 or more) also wins where it counts: fewer
seconds per epoch are worth nothing if the larger batch needs more epochs.
A probe (`experiments.doctor.probe`) trains both batch sizes from the same
weights for the same time and weighs both sides,

    seconds to L = steps to L (measured) * t(b) (fitted),

and recommends the larger batch only if it reaches the held-out accuracy
level sooner on every probe seed, beyond their noise, by at least
``probe.MATERIAL_GAIN`` (a smaller gain is a note), and only if that saves
real time at the program's own data size: ``probe.saved_seconds``, the
whole training (its epochs over its samples at the reference step cost)
times ``1 - 1 / gain``, must be at least ``probe.MIN_SAVED_SECONDS``
(batch 10 on 10,000 samples for two epochs trains in a third of a second
there; 2.5x faster is not worth a warning). Keras step times are
noisy too (TensorFlow's threads on a busy machine vary 2x from epoch to
epoch), so for Keras the user's batch is charged its fastest step time and
the larger batch the one fitted to its slowest timed epochs: the larger
batch has to win even so. Otherwise the check is OK and says what it
measured. A larger batch is a speed fix, not a cure: when the setting as
given does not learn on the probe (`probe.learns`: raw 0-255 pixels under
SGD peak at 25% to 38% held-out accuracy), the two batch sizes race between
chance crossings, and the larger batch learned on one probe seed and not on
the next. The check is then OK, says the batch size can only be judged once
the setting learns, and points at the checks that own the cause.

The step times are the fastest of many steps, on the one BLAS thread the
doctor pins (`experiments.doctor.diagnose`): another process on the machine
only ever slows a step down, and the caller's BLAS threads do not change the
fitted ``a`` and ``c``. The batches stay small because the fastest step is
the step itself only if some step ran without being preempted: at load 11
on 2 cores the fastest of 200 steps at batch 512 took 15.7 ms against 2.77 ms
on the quiet machine, while batches 16 and 32 stayed within 20%, and the
fitted overhead fell to 0. (With two BLAS threads the per-sample cost fell,
and the overhead share at Example 1's batch 32 rose from 46% to 63%, past
the PROBLEM line.) For a Keras model the steps are Keras's own, and one more run measures the step at the user's batch size
with ``compile(steps_per_execution=32)``, which runs 32 steps per call of the
compiled function.

**Architecture cost (check 5).** Training a Dense layer ``(in, units)`` costs
``2 in units`` FLOPs per sample forward, the same for the kernel gradient,
and the same again for the input gradient (skipped for the first layer,
whose input needs none): ``6 in units`` (``4`` for the first). The machine's
matrix-multiply rate ``R`` is measured on the first layer's shapes, so the
ideal per-sample time is ``FLOPs / R``; ``c / (FLOPs / R)`` is how far the
measured per-sample cost is from that. More than 10x (under 10% efficiency)
is a note, and the check stays OK: the time goes to element-wise work and
copies, not to the model's size, so a smaller model will not help much, and
no fix is probed. A finding without a measured fix earns no warning (on the
healthy setup's Keras model, a busy machine's noisy step times put the
efficiency under 10% on one seed of three).
"""

import time

import numpy as np

from experiments.doctor import probe
from experiments.doctor.keras_speed import seconds_per_step
from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult
from experiments.doctor.setup import flops_per_sample, nominal_step_seconds, time_steps

PROBE_SIZES = (16, 128)
SHARE_PROBLEM, SHARE_WARN = 0.5, 0.25
GOOD_BATCH = 128
EFFICIENCY_NOTE = 0.1


def fit_overhead(sizes, seconds):
    """Least-squares ``(a, c)`` of ``t(b) = a + c b``, weighted by ``1 / t``; both kept >= 0."""
    b, t = np.asarray(sizes, float), np.asarray(seconds, float)
    design = np.stack([np.ones_like(b), b], axis=1) / t[:, None]
    a, c = np.linalg.lstsq(design, np.ones_like(t), rcond=None)[0]
    if a < 0:
        a, c = 0.0, float(np.sum(t * b) / np.sum(b * b))
    if c < 0:
        a, c = float(np.mean(t)), 0.0
    return float(a), float(c)


def matmul_rate(model, seconds=0.3, batch=512):
    """Measured FLOP/s of ``(batch, in) @ (in, units)`` on the first kernel's shapes and dtype."""
    kernel = next((layer.params["kernel"] for layer in model.layers
                   if "kernel" in getattr(layer, "params", {})), None)
    if kernel is None:
        return float("nan")
    x = np.ones((batch, kernel.shape[0]), kernel.dtype)
    out = np.empty((batch, kernel.shape[1]), kernel.dtype)
    np.matmul(x, kernel, out=out)
    # The fastest of repeated runs: other processes only ever slow a run down.
    best, deadline = float("inf"), time.perf_counter() + seconds
    for run in range(1000):
        start = time.perf_counter()
        np.matmul(x, kernel, out=out)
        best = min(best, time.perf_counter() - start)
        if run >= 2 and start > deadline:
            break
    return 2 * batch * kernel.size / best


def step_times(setup, sizes, seconds):
    """``(fast, slow)`` seconds per training step at each batch size (Keras's own ``fit`` for Keras).

    ``fast`` is the fastest timing, the step itself. For Keras, ``slow`` is the
    slowest of the timed epochs: TensorFlow's threads on a busy machine make
    the two differ by 2x or more. NumPy runs on one BLAS thread (the doctor
    pins it), where the fastest of 200 steps is steady from run to run, so
    ``slow`` is ``fast``.
    """
    if setup.keras_model is not None:
        pairs = [seconds_per_step(setup, b, seconds / len(sizes), spread=True) for b in sizes]
        return [fast for fast, _ in pairs], [slow for _, slow in pairs]
    fast = [time_steps(setup.clone(), setup.batches(b, seed_offset=5), seconds / len(sizes), 200)
            for b in sizes]
    return fast, fast


def check(setup, seconds):
    """Both speed checks: returns ``[batch-size result, architecture result]``."""
    b = setup.batch_size
    sizes = sorted({min(s, setup.n) for s in (b, *PROBE_SIZES)})
    times, slow = step_times(setup, sizes, 0.3 * seconds)
    a, c = fit_overhead(sizes, times)
    # The probe's share of the budget is fixed, not what the timing left of it:
    # a loaded machine would otherwise plan a shorter probe.
    return [_batch_result(setup, sizes, times, a, c, 0.55 * seconds, fit_overhead(sizes, slow)),
            _architecture_result(setup, a, c, seconds)]


def _epoch(n, b, a, c):
    return -(-n // b) * (a + c * b)


def _batch_result(setup, sizes, times, a, c, seconds, slow):
    b, n = setup.batch_size, setup.n
    share = a / (a + c * b) if a + c * b > 0 else 0.0
    better = min(GOOD_BATCH if b < GOOD_BATCH else 4 * b, n)
    epoch_gain = _epoch(n, b, a, c) / _epoch(n, better, a, c)
    evidence = {"batch_sizes": sizes, "seconds_per_step": times, "overhead_per_step_s": a,
                "per_sample_s": c, "overhead_share_at_your_batch": share,
                "epoch_s_at_your_batch": _epoch(n, b, a, c),
                f"epoch_s_at_{better}": _epoch(n, better, a, c)}
    details = [f"Step time {t * 1e3:.3g} ms at batch {s}." for s, t in zip(sizes, times)]
    details.append(f"Fit: {a * 1e6:.3g} us fixed per step + {c * 1e6:.3g} us per sample.")
    keras = setup.keras_model is not None
    if keras:
        batched = seconds_per_step(setup, b, steps=64, steps_per_execution=32)
        evidence["keras_seconds_per_step_at_steps_per_execution_32"] = batched
        details.append(f"Keras: steps_per_execution={setup.keras_model.steps_per_execution}, "
                       f"jit_compile={setup.keras_model.jit_compile}; with "
                       f"steps_per_execution=32 a step at batch {b} takes {batched * 1e3:.3g} ms "
                       f"instead of {(a + c * b) * 1e3:.3g} ms.")
    status = PROBLEM if share > SHARE_PROBLEM else WARN if share > SHARE_WARN else OK
    summary = (f"At batch {b}, per-step overhead is {share:.0%} of a step; an epoch takes "
               f"{_epoch(n, b, a, c):.3g} s.")
    if status == OK or better == b:
        return CheckResult("batch_size", "Batch size and per-step overhead", OK, summary,
                           evidence, details)
    # The current batch at its fastest, the larger one at its slowest: the
    # verdict must survive the step-time noise as well as the seed noise.
    step_b, step_better = a + c * b, max(a + c * better, slow[0] + slow[1] * better)
    steps = probe.plan_steps(seconds, 2 * probe.PROBE_SEEDS, nominal_step_seconds(setup.model, b),
                             hi=20 * probe.CHECKS * max(1, better // b))
    comparison = probe.compare(
        setup, probe.Variant(f"batch {b}", step_seconds=step_b),
        probe.Variant(f"batch {better}", batch_size=better, step_seconds=step_better), steps)
    evidence.update(comparison.evidence())
    details.append(f"An epoch at batch {better} takes {1 / epoch_gain:.2g}x the time of one at "
                   f"batch {b}, but may need more epochs. " + comparison.describe())
    task = setup.task
    if not probe.learns(comparison.current_best, task.chance(probe.held_out(setup)[3])):
        details.append(f"At batch {b} the setting learns nothing on the probe (best held-out "
                       f"score {task.format(np.median(comparison.current_best))} on the median "
                       "seed), "
                       "so which batch size gets to a level first is chance, not speed.")
        return CheckResult("batch_size", "Batch size and per-step overhead", OK,
                           summary + " The batch size can be judged once the setting learns: "
                           "fix what the other checks flag first, then run the doctor again.",
                           evidence, details)
    if not comparison.recommended:
        details.append(comparison.verdict())
        measured = (f"could be {comparison.gain:.2g}x sooner to the held-out {task.metric} level, "
                    f"under the {probe.MATERIAL_GAIN:g}x a change must gain to be advised."
                    if comparison.helps else f"was no faster to the held-out {task.metric} level.")
        return CheckResult("batch_size", "Batch size and per-step overhead", OK,
                           summary + f" Batch {better} {measured}", evidence, details)
    saved = probe.saved_seconds(setup, comparison)
    evidence["saved_seconds_over_training"] = saved
    if saved < probe.MIN_SAVED_SECONDS:
        details.append(f"Batch {better} was {comparison.gain:.2g}x sooner to the held-out level, "
                       f"but the whole training ({setup.epochs} epochs of {n} samples) takes "
                       f"about {probe.training_seconds(setup):.2g} s on the reference machine, so "
                       f"it would save {saved:.2g} s, under the {probe.MIN_SAVED_SECONDS:g} s a "
                       "speed fix must save to be advised: a note, not advice.")
        return CheckResult("batch_size", "Batch size and per-step overhead", OK,
                           summary + f" Batch {better} would save under "
                           f"{probe.MIN_SAVED_SECONDS:g} s of the whole training (a note).",
                           evidence, details)
    fix = (f"use `batch_size={better}`"
           + ("; or compile with `steps_per_execution=32` (and `jit_compile=True`) so one "
              "call runs many steps" if keras else "") + ".")
    summary = (f"At batch {b}, {share:.0%} of each step is fixed per-step overhead; an epoch "
               f"takes {_epoch(n, b, a, c):.3g} s, {epoch_gain:.2g}x as long as at batch "
               f"{better}, and batch {better} reached the held-out level sooner.")
    return CheckResult("batch_size", "Batch size and per-step overhead", status, summary,
                       evidence, details, fix, comparison.gain, comparison.gain_text(),
                       {"batch_size": better})


def _architecture_result(setup, a, c, seconds):
    flops = flops_per_sample(setup.model)
    rate = matmul_rate(setup.model, seconds=min(0.3, 0.15 * seconds))
    ideal = flops / rate
    # c = 0 when step times did not grow with the batch (timing noise): no estimate.
    efficiency = ideal / c if c > 0 else float("nan")
    epoch = _epoch(setup.n, setup.batch_size, a, c)
    evidence = {"flops_per_sample": flops, "matmul_gflops": rate / 1e9,
                "ideal_per_sample_s": ideal, "measured_per_sample_s": c,
                "matmul_efficiency": efficiency, "epoch_s": epoch,
                "ideal_epoch_s": setup.n * ideal}
    summary = (f"{flops / 1e6:.3g} MFLOP per training sample; at the measured "
               f"{rate / 1e9:.3g} GFLOP/s an epoch of {setup.n} samples needs "
               f"{setup.n * ideal:.3g} s of matrix multiplies"
               + (f"; the measured per-sample cost is {efficiency:.0%} efficient." if c > 0 else
                  "; step times did not grow with the batch, so per-sample cost is unmeasured."))
    details = []
    if efficiency > 1:
        details.append("Training ran faster per sample than the matrix-multiply benchmark: the "
                       "benchmark was slowed (a busy machine?), so the rate is an underestimate.")
    if efficiency < EFFICIENCY_NOTE:
        details.append("The model's size is not what costs time: per-sample work outside the "
                       "matrix multiplies dominates, so a smaller model will not help much. (A "
                       "note, not a fix: the doctor does not probe a change of architecture.)")
    return CheckResult("architecture", "Architecture cost", OK, summary, evidence, details)
