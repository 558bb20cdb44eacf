"""Run an experiment: every setting x backend x seed, timed, saved as it finishes.

One run builds the model with `experiments.builders` on the backend module,
fits it with a `recorder` callback that times every epoch and keeps its logs,
then evaluates the test set. A NaN or infinite loss stops the run and marks it
diverged. One-off costs are kept apart from epoch times: the backend's import
(paid once per process), building and compiling the model, and the extra time
of the first epoch (Keras traces its graph then; see `experiments.measures`).
A learning rate the setting leaves to the doctor's range test is found just
before building (`experiments.builders.resolve`, counted in the build time)
and kept in the run's ``learning_rate``; the saved setting keeps the request.

Runs are sequential here: two runs sharing the cores would distort each
other's seconds (`experiments.cluster` runs them in parallel on Dask, with
the same jobs, store and progress). Finished runs are loaded back, not
retrained (see `experiments.store`); a run that raises is recorded as failed
and the study goes on.
"""

import dataclasses
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from experiments import backends, builders, data, hosts, naive_loop, order, store


def make_recorder(base, monitor=None, on_epoch=None, stop_at=None):
    """A callback (subclass of ``base``) recording each epoch's logs and wall time.

    Args:
        base: the backend's ``callbacks.Callback`` class.
        monitor: ``(x, y)`` evaluated after every epoch as ``val_*`` when the
            run has no validation split (the seed's Example 1); its evaluation
            is not counted in the epoch's seconds.
        on_epoch: called with each epoch's row, for progress display.
        stop_at: stop training after the first epoch whose ``val_accuracy``
            reaches this (None: train every epoch). For experiments that
            measure only the time to a target: the epochs after it change
            nothing they report.
    """

    class Recorder(base):
        def __init__(self):
            super().__init__()
            self.history = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self.start
            logs = logs or {}
            row = {"epoch": epoch + 1, "seconds": seconds}
            for name in store.EPOCH_FIELDS[2:]:
                row[name] = float(logs[name]) if name in logs else None
            if monitor is not None:
                row["val_loss"], row["val_accuracy"] = (
                    float(value) for value in self.model.evaluate(*monitor, verbose=0))
            self.history.append(row)
            reached = stop_at is not None and (row["val_accuracy"] or 0.0) >= stop_at
            if not np.isfinite(row["loss"]) or reached:
                self.model.stop_training = True
            if on_epoch is not None:
                on_epoch(row)

    return Recorder()


def _summary_stats(array):
    return float(array.mean()), float(array.max())


def run_one(experiment, setting, backend, seed, budget, on_epoch=None, stop_at=None):
    """Train ``setting`` once on ``backend`` with ``seed``; the run's record (a dict).

    ``stop_at``: a validation accuracy after which training stops (`make_recorder`).

    The record holds every field of `experiments.store.RUN_FIELDS` and the
    per-epoch ``history``; ``key`` and ``versions`` are filled in by the caller.
    """
    module, import_s = backends.load(backend)
    backends.settle(backend, budget.settle_s)
    x_train, y_train, x_test, y_test = data.load(budget.train_size, budget.test_size)
    x_train, x_test = data.preprocess(module, setting.preprocessing, x_train, x_test, setting.dtype)
    epochs = budget.epochs(setting)
    monitor = (x_test, y_test) if not setting.validation_split else None
    with backends.floatx(module, setting.dtype), np.errstate(all="ignore"):
        start = time.perf_counter()
        # Before seeding the run, so the range test's twin leaves its initial weights alone.
        setting = builders.resolve(setting, x_train, y_train, seed)
        if backend == "naive":
            model, callbacks = naive_loop.from_setting(setting, seed), []
            recorder = make_recorder(naive_loop.Callback, monitor, on_epoch, stop_at)
        else:
            module.utils.set_random_seed(seed)
            model, callbacks = builders.build(module, setting, backend), builders.callbacks(module, setting)
            recorder = make_recorder(module.callbacks.Callback, monitor, on_epoch, stop_at)
        build_s = time.perf_counter() - start
        # The same new sample order every epoch in both backends (`experiments.order`).
        model.fit(**order.fit_arguments(module, backend, seed, x_train, y_train, setting, epochs,
                                        [recorder, *callbacks]), epochs=epochs, verbose=0)
        test_loss, test_accuracy = (float(v) for v in model.evaluate(x_test, y_test, verbose=0))
    if backend != "naive":
        backends.clear(module)
    losses = [row["loss"] for row in recorder.history]
    (train_mean, train_max), (test_mean, test_max) = _summary_stats(x_train), _summary_stats(x_test)
    return {
        "experiment": experiment, "setting": setting.label, "group": setting.group,
        "x": setting.x, "backend": backend, "seed": seed, "epochs_max": epochs,
        "train_size": len(x_train), "test_size": len(x_test),
        "val_source": "test set" if monitor else "validation_split",
        "learning_rate": builders.learning_rate(setting), "import_s": import_s, "build_s": build_s, "test_loss": test_loss,
        "test_accuracy": test_accuracy, "diverged": not all(np.isfinite(losses)),
        "x_train_mean": train_mean, "x_train_max": train_max,
        "x_test_mean": test_mean, "x_test_max": test_max,
        "machine": backends.machine(), "load_avg": os.getloadavg()[0],
        "history": recorder.history,
    }


def plan(module, selected, budget):
    """(setting, backend) pairs of an experiment for the ``selected`` backends.

    The budget picks the settings (`Budget.settings`). A setting pinned to a
    backend runs once, on it, if that backend is selected; the naive loop runs
    when ``scratch`` is (both are NumPy).
    """
    pairs = []
    for setting in budget.settings(module.SETTINGS):
        if setting.backend is None:
            pairs.extend((setting, backend) for backend in selected)
        elif setting.backend in selected or (setting.backend == "naive" and "scratch" in selected):
            pairs.append((setting, setting.backend))
    return pairs


class Progress:
    """Prints which run of how many, its epoch (or whole run), and an estimate of the time left."""

    def __init__(self, total_epochs, stream=sys.stderr):
        self.total_epochs = total_epochs
        self.done_epochs = 0
        self.start = time.perf_counter()
        self.stream = stream

    def skip(self, epochs):
        """Count the epochs of a run loaded from disk as done (it costs no time)."""
        self.total_epochs -= epochs

    def epoch(self, label, epochs, row):
        """Report one finished epoch of run ``label`` (out of ``epochs``)."""
        self.done_epochs += 1
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.done_epochs * max(self.total_epochs - self.done_epochs, 0)
        val = row["val_accuracy"]
        val_text = "n/a" if val is None else f"{val:.4f}"
        print(
            f"{label} epoch {row['epoch']}/{epochs} loss {row['loss']:.4g} "
            f"val_acc {val_text} {row['seconds']:.1f}s | ETA <= {left / 60:.1f} min",
            file=self.stream, flush=True,
        )

    def finish(self, epochs_max, epochs_run):
        """A run stopped early: its unrun epochs leave the estimate."""
        self.total_epochs -= epochs_max - epochs_run

    def run(self, label, epochs, record):
        """Report one whole run finished elsewhere (a Dask worker), with its epochs."""
        history = record["history"]
        self.done_epochs += len(history)
        self.finish(epochs, len(history))
        elapsed = time.perf_counter() - self.start
        left = elapsed / max(self.done_epochs, 1) * max(self.total_epochs - self.done_epochs, 0)
        val = history[-1]["val_accuracy"] if history else None
        val_text = "n/a" if val is None else f"{val:.4f}"
        seconds = sum(row["seconds"] for row in history)
        print(f"{label}: {len(history)}/{epochs} epochs on {record.get('host')}, val_acc {val_text}, "
              f"{seconds:.1f}s training | ETA <= {left / 60:.1f} min", file=self.stream, flush=True)


def plan_jobs(module, selected, budget):
    """Every (setting, backend, seed) an experiment runs under ``budget``."""
    return [(setting, backend, seed) for setting, backend in plan(module, selected, budget)
            for seed in range(budget.first_seed, budget.seeds)]


def epochs_planned(module, selected, budget):
    """The most epochs an experiment trains (early stopping may train fewer)."""
    return sum(budget.epochs(setting) for setting, _, _ in plan_jobs(module, selected, budget))


@dataclasses.dataclass(frozen=True)
class Job:
    """One run of a study: what it trains, the key it is saved under, its progress label."""

    experiment: str
    setting: object
    backend: str
    seed: int
    epochs: int
    versions: dict
    key: str
    label: str


def jobs_of(name, module, selected, budget):
    """The `Job` of every run of experiment ``name`` under ``budget``, in plan order."""
    planned = plan_jobs(module, selected, budget)
    jobs = []
    for index, (setting, backend, seed) in enumerate(planned, start=1):
        versions = backends.versions(backend)
        epochs = budget.epochs(setting)
        key = store.run_key(name, setting, backend, seed, epochs, budget.train_size, budget.test_size, versions)
        label = f"[{index}/{len(planned)}] {name} | {setting.label} | {backend} | seed {seed}"
        jobs.append(Job(name, setting, backend, seed, epochs, versions, key, label))
    return jobs


def load_done(out, jobs, stream=sys.stderr):
    """{key: saved record, or None when not finished}; a corrupt file is named and counted unfinished."""
    done = {}
    for job in jobs:
        try:
            done[job.key] = store.load_run(out, job.experiment, job.key)
        except store.CorruptRun as error:
            print(f"{job.label}: corrupt run file, training it again: {error}", file=stream, flush=True)
            done[job.key] = None
    return done


def write_finished(out, jobs, done):
    """Rewrite an experiment's runs.csv with its finished runs, in plan order; returns them."""
    finished = [done[job.key] for job in jobs if done[job.key] is not None]
    if finished:
        store.write_runs_csv(Path(out) / jobs[0].experiment / "runs.csv", finished)
    return finished


def save(out, job, record):
    """Complete ``record`` with the job's key, versions and config, and save it."""
    record.update(key=job.key, versions=", ".join(f"{k} {v}" for k, v in job.versions.items()),
                  config=store.setting_config(job.setting))
    store.save_run(out, record)
    store.clear_failure(out, job.experiment, job.key)


def save_failure(out, job, error, stream=sys.stderr):
    """Record a run that raised ``error`` (kept with its traceback) and say so; the study goes on.

    Returns:
        ``(label, error text)`` for the study's closing summary.
    """
    text = "".join(traceback.format_exception(error))
    config = {"setting": job.setting.label, "backend": job.backend, "seed": job.seed,
              "config": store.setting_config(job.setting)}
    store.save_failure(out, job.experiment, job.key, config, text)
    summary = f"{type(error).__name__}: {error}"
    print(f"{job.label}: FAILED ({summary}); saved in {store.failure_path(out, job.experiment, job.key)}",
          file=stream, flush=True)
    return job.label, summary


def run_experiment(name, module, selected, budget, out, stream=sys.stderr, progress=None, failures=None):
    """Run (or load) every run of experiment ``name``; write its runs.csv as it goes.

    Runs saved before are loaded first, and every runs.csv written holds all
    of them plus the runs finished since, so an interruption never leaves a
    runs.csv with fewer runs than were finished (a second seed pass cut short
    keeps every first-seed run in it). A run that raises is recorded as failed
    (`save_failure`) and the next one starts.

    Args:
        progress: a `Progress` shared by several experiments, for one ETA over
            all of them (default: one for this experiment).
        failures: a list the ``(label, error)`` of each failed run is appended to.

    Returns:
        The run records, in plan order.
    """
    jobs = jobs_of(name, module, selected, budget)
    progress = progress or Progress(epochs_planned(module, selected, budget), stream)
    done = load_done(out, jobs, stream)
    write_finished(out, jobs, done)  # a runs.csv left by another plan (more seeds, other epochs) is replaced now
    for job in jobs:
        if done[job.key] is not None:
            progress.skip(job.epochs)
            print(f"{job.label}: done before, loaded", file=stream, flush=True)
            continue
        rows = []

        def on_epoch(row, job=job, rows=rows):
            rows.append(row)
            progress.epoch(job.label, job.epochs, row)

        try:
            record = run_one(name, job.setting, job.backend, job.seed, budget, on_epoch=on_epoch)
        except Exception as error:  # noqa: BLE001  (any error of one run is recorded; the study goes on)
            progress.finish(job.epochs, len(rows))
            failed = save_failure(out, job, error, stream)
            if failures is not None:
                failures.append(failed)
            continue
        progress.finish(job.epochs, len(record["history"]))
        record.update(hosts.where(job.backend))
        save(out, job, record)
        done[job.key] = record
        write_finished(out, jobs, done)
    return [done[job.key] for job in jobs if done[job.key] is not None]
