"""A Keras-style progress bar: steps done, ETA, time per step, running metrics.

Mirrors ``keras/src/utils/progbar.py`` in what it prints::

    verbose=1   1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.9213 - loss: 0.2741
    verbose=2   1875/1875 - 2s - 1ms/step - accuracy: 0.9213 - loss: 0.2741

While running, the seconds shown are the ETA; at the end, the epoch's
total. The time per step leaves out the first step, which carries one-off
costs. The bar redraws at most every ``interval`` seconds (0.05, as Keras),
so drawing never costs more than a sliver of a fast epoch.
"""

import sys
import time

_BAR_WIDTH = 20


def format_seconds(seconds):
    """``'2s'``, ``'1m 05s'``... as Keras prints durations."""
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"
    return f"{round(seconds)}s"


def format_per_step(seconds):
    """``'1ms/step'``, ``'350us/step'`` or ``'2s/step'``."""
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class Progbar:
    """Progress over ``target`` steps for one epoch.

    Args:
        target: total number of steps.
        verbose: 1 for the live bar, 2 for one line at the end, 0 for nothing.
        interval: least seconds between two redraws of the live bar.
        stream: where to write (``sys.stdout``).
    """

    def __init__(self, target, verbose=1, interval=0.05, stream=None):
        self.target, self.verbose, self.interval = target, verbose, interval
        self.stream = stream or sys.stdout
        self._start = time.perf_counter()
        self._after_first = None
        self._last_draw = 0.0

    def seconds_per_step(self, current, now):
        """Mean time per step after the first (the first carries one-off costs)."""
        if self._after_first is None or current <= 1:
            return (now - self._start) / max(current, 1)
        return (now - self._after_first) / (current - 1)

    def due(self, current):
        """Whether :meth:`update` would record or draw anything for step ``current``.

        The training loop asks first, so that it builds the values to show
        only for the few steps that are drawn.
        """
        if current == 1 and self._after_first is None:
            return True
        return self.verbose == 1 and time.perf_counter() - self._last_draw >= self.interval

    def update(self, current, values=(), finalize=False):
        """Show ``current`` steps done and ``values`` (``(name, float)`` pairs)."""
        now = time.perf_counter()
        if current == 1 and self._after_first is None:
            self._after_first = now
        if self.verbose == 0 or (self.verbose == 2 and not finalize):
            return
        if not finalize and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        per_step = self.seconds_per_step(current, now)
        metrics = "".join(f" - {name}: {value:.4f}" for name, value in values)
        width = len(str(self.target))
        if self.verbose == 2:
            line = (f"{current:{width}d}/{self.target} - {format_seconds(now - self._start)} - "
                    f"{format_per_step(per_step)}{metrics}\n")
        else:
            done = int(_BAR_WIDTH * current / self.target)
            bar = "\u2501" * done + " " * (_BAR_WIDTH - done)
            seconds = now - self._start if finalize else per_step * (self.target - current)
            line = (f"\r{current:{width}d}/{self.target} {bar} {format_seconds(seconds)} "
                    f"{format_per_step(per_step)}{metrics}")
            if finalize:
                line += "\n"
        self.stream.write(line)
        self.stream.flush()
