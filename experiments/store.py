"""Saving runs as they finish, so a study resumes and a report rebuilds without training.

Layout under the output folder ``out``::

    out/<experiment>/runs/<key>.json   one finished run (config, per-epoch history, results)
    out/<experiment>/runs.csv          one row per run and epoch, the runs of the current plan
    out/<experiment>/failed/<key>.json a run that raised: its config and error (retried next time)
    out/<experiment>/summary.csv       one row per setting and backend (written by the report)

A run's ``key`` hashes everything that changes what it trains (the experiment,
every field of its setting, backend, seed, epochs, data sizes and library
versions), so a changed setting gets a new key and is trained again rather
than silently reused. Every file is written to a temporary name and renamed,
so an interrupted study never leaves half a file behind; a run file damaged
anyway (a full disk, a copy cut short) is reported by its path and trained
again (`CorruptRun`).
"""

import csv
import dataclasses
import hashlib
import io
import json
import os
from pathlib import Path

from experiments.hosts import WHERE_FIELDS

#: Per-run columns of runs.csv, repeated on each of the run's epoch rows
#: (``load_avg``: the machine's 1-minute load average when the run ended; above
#: the number of cores, other work was competing for them and seconds inflate;
#: ``learning_rate``: the rate trained with, empty for a named optimizer's
#: default; the range test's suggestion when the setting asked for it).
RUN_FIELDS = (
    "experiment", "setting", "group", "x", "backend", "seed", "key", "epochs_max",
    "train_size", "test_size", "val_source", "learning_rate", "import_s", "build_s", "test_loss",
    "test_accuracy", "diverged", "x_train_mean", "x_train_max", "x_test_mean",
    "x_test_max", "machine", "load_avg", "versions",
)
#: runs.csv also holds `experiments.hosts.WHERE_FIELDS` after these: where each run trained.
#: Per-epoch columns of runs.csv (epoch counts from 1; seconds is wall time).
EPOCH_FIELDS = ("epoch", "seconds", "loss", "accuracy", "val_loss", "val_accuracy")
_TEXT_FIELDS = {"experiment", "setting", "group", "backend", "key", "val_source", "machine", "versions",
                "host", "cpu_model", "threads"}
_INT_FIELDS = {"seed", "epochs_max", "train_size", "test_size", "epoch"}


def setting_config(setting):
    """A `Setting` as plain JSON data (tuples become lists), as a saved run holds it."""
    return json.loads(json.dumps(dataclasses.asdict(setting)))


def run_key(experiment, setting, backend, seed, epochs, train_size, test_size, versions):
    """The hash naming one run: 16 hex digits of the sha256 of its whole config."""
    config = {
        "experiment": experiment,
        "setting": setting_config(setting),
        "backend": backend,
        "seed": seed,
        "epochs": epochs,
        "train_size": train_size,
        "test_size": test_size,
        "versions": versions,
    }
    text = json.dumps(config, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def run_path(out, experiment, key):
    """Where the run ``key`` of ``experiment`` is saved."""
    return Path(out) / experiment / "runs" / f"{key}.json"


def save_run(out, record):
    """Save one finished run record (a dict with ``experiment`` and ``key``)."""
    write_atomic(run_path(out, record["experiment"], record["key"]), json.dumps(record, indent=1))


class CorruptRun(ValueError):
    """A saved run file that cannot be read back; the message names its path."""


def load_run(out, experiment, key):
    """The saved record of run ``key``, or None when it has not finished yet.

    Raises:
        CorruptRun: the file exists but is not a whole run record (truncated,
            not JSON, or missing its ``key`` or ``history``).
    """
    path = run_path(out, experiment, key)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptRun(f"{path}: {error}") from error
    if not isinstance(record, dict) or record.get("key") != key or not isinstance(record.get("history"), list):
        raise CorruptRun(f"{path}: not a run record with key {key!r} and a history")
    return record


def failure_path(out, experiment, key):
    """Where the error of a failed run ``key`` of ``experiment`` is saved."""
    return Path(out) / experiment / "failed" / f"{key}.json"


def save_failure(out, experiment, key, config, error):
    """Save a run that raised: its ``config`` (a dict) and ``error`` (text with traceback)."""
    record = {"experiment": experiment, "key": key, **config, "error": error}
    write_atomic(failure_path(out, experiment, key), json.dumps(record, indent=1))


def clear_failure(out, experiment, key):
    """Forget an earlier failure of run ``key`` once it has finished."""
    failure_path(out, experiment, key).unlink(missing_ok=True)


def _csv_text(fieldnames, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path, fieldnames, rows):
    """Write dict ``rows`` as a CSV file (atomically)."""
    write_atomic(path, _csv_text(fieldnames, rows))


def write_runs_csv(path, records):
    """runs.csv: one row per run and epoch, the run's fields repeated on each."""
    rows = []
    for record in records:
        # .get: runs saved before a column was added lack it (an empty cell).
        run = {name: record.get(name) for name in RUN_FIELDS + WHERE_FIELDS}
        rows.extend({**run, **{name: epoch[name] for name in EPOCH_FIELDS}} for epoch in record["history"])
    write_csv(path, RUN_FIELDS + WHERE_FIELDS + EPOCH_FIELDS, rows)


def _parse(name, text):
    if name in _TEXT_FIELDS:
        return text
    if text == "":
        return None
    if name == "diverged":
        return text == "True"
    if name in _INT_FIELDS:
        return int(text)
    return float(text)


def read_runs_csv(path):
    """The run records saved in a runs.csv, in file order, each with its ``history``."""
    records = {}
    with open(path, newline="") as file:
        for row in csv.DictReader(file):
            values = {name: _parse(name, text) for name, text in row.items()}
            record = records.setdefault(
                values["key"],
                {**{name: values.get(name) for name in RUN_FIELDS}, "history": []},
            )
            # Runs saved before the study recorded where they ran have no such cells.
            record.update({name: values[name] for name in WHERE_FIELDS if values.get(name) not in (None, "")})
            record["history"].append({name: values[name] for name in EPOCH_FIELDS})
    return list(records.values())
