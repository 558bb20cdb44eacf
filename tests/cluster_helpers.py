"""A made-up training for the Dask tests, importable by worker processes (no MNIST, no model)."""

import os
import time
from pathlib import Path

from tests.experiments_helpers import record


class FakeTraining:
    """Stands in for `experiments.runner.run_one` on a worker, and logs what it trains.

    Each call appends ``start <label> <backend> <seed> <pid>`` to ``log`` before
    sleeping ``seconds`` (``slow`` seconds for the setting labelled ``slow_label``)
    and ``end ...`` after; the setting labelled ``"bad"`` raises ValueError.
    """

    def __init__(self, log, seconds=0.0, slow_label=None, slow=0.0):
        self.log, self.seconds, self.slow_label, self.slow = str(log), seconds, slow_label, slow

    def _write(self, event, setting, backend, seed):
        line = f"{event} {setting.label} {backend} {seed} {os.getpid()}\n"
        descriptor = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)

    def __call__(self, experiment, setting, backend, seed, budget, on_epoch=None):
        self._write("start", setting, backend, seed)
        if setting.label == "bad":
            raise ValueError(f"bad setting {setting.label!r}: made to fail")
        time.sleep(self.slow if setting.label == self.slow_label else self.seconds)
        made = record(setting.label, backend, seed, experiment=experiment)
        self._write("end", setting, backend, seed)
        return made


def events(log, event):
    """``[(label, backend, seed, pid)]`` of the ``event`` lines ("start" or "end") in ``log``."""
    path = Path(log)
    lines = path.read_text().splitlines() if path.exists() else []
    return [tuple(line.split()[1:]) for line in lines if line.startswith(event + " ")]
