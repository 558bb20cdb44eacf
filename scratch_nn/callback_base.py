"""The callback contract: ``Callback`` (every hook Keras calls) and ``MonitorCallback``.

Kept apart from :mod:`scratch_nn.callbacks` so that the callbacks in their own
modules (:mod:`scratch_nn.checkpoint`, :mod:`scratch_nn.tensorboard`) derive from
them while ``scratch_nn.callbacks``, the public path, re-exports every callback
without an import circle. Mirrors ``keras/src/callbacks/callback.py`` and
``monitor_callback.py``.
"""

import warnings


class Callback:
    """Base class with Keras's hook names; every hook does nothing by default.

    As in ``keras/src/callbacks/callback.py``, ``on_batch_begin`` /
    ``on_batch_end`` are the older names of the training-batch hooks: the
    default ``on_train_batch_begin`` / ``on_train_batch_end`` call them, so a
    callback that overrides only ``on_batch_end`` runs after every training
    batch. ``fit``, ``evaluate`` and ``predict`` pass a ``logs`` dict to
    every hook (empty where Keras has nothing to report), never ``None``.
    """

    def __init__(self):
        self.model = None
        self.params = None  # as Keras: set by ``fit`` (``set_params``)

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        """The older name of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """The older name of :meth:`on_train_batch_end`."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


class MonitorCallback(Callback):
    """Shared logic of EarlyStopping and ReduceLROnPlateau: is a value an improvement?

    ``mode='auto'`` minimizes a monitor named ``loss``, ``mse``, ``mae`` or any
    name ending in ``error`` or ``crossentropy``, and maximizes ``acc`` and any
    name ending in ``accuracy`` (a ``val_`` prefix aside): the direction Keras
    reads from the compiled metric of that name (``monitor_callback.py``),
    for every metric scratch_nn compiles. Other names are refused, as Keras
    refuses a name that is not a compiled metric. ``min_delta`` is the least
    change that counts: improvement is ``current + min_delta < best`` when
    minimizing, ``current - min_delta > best`` when maximizing (Keras flips
    the sign of ``min_delta`` for minimized monitors).
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.monitor, self.mode, self.baseline = monitor, mode, baseline
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._minimize = None

    def _resolve_direction(self):
        if self.mode != "auto":
            return self.mode == "min"
        name = self.monitor.removeprefix("val_")
        if name in ("loss", "mse", "mae") or name.endswith(("error", "crossentropy")):
            return True
        if name == "acc" or name.endswith("accuracy"):
            return False
        raise ValueError(
            f"{type(self).__name__} callback received monitor={self.monitor!r}, but cannot "
            "tell whether it should be maximized or minimized; pass mode='max' or mode='min'"
        )

    def _is_improvement(self, current, reference):
        if self._minimize is None:
            self._minimize = self._resolve_direction()
        if reference is None:
            return True
        if self._minimize:
            return current + self.min_delta < reference
        return current - self.min_delta > reference
