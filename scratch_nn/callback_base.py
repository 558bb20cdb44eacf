"""The callback contract: ``Callback`` (every hook Keras calls), ``CallbackList``, ``History``.

What the training loop (:mod:`scratch_nn.trainer`) needs of callbacks: the
hooks, the list that calls them with Keras's ``logs``, the ``History`` that
``fit`` returns, and ``MonitorCallback``, the base of EarlyStopping,
ReduceLROnPlateau and ModelCheckpoint. The callbacks themselves live in
:mod:`scratch_nn.callbacks` (the public path, which re-exports these),
:mod:`scratch_nn.checkpoint` and :mod:`scratch_nn.tensorboard`. Mirrors
``keras/src/callbacks/callback.py``, ``callback_list.py``, ``history.py`` and
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


_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def overrides_batch_hooks(callback, mode):
    """Whether ``callback`` does anything per batch in ``mode`` (``train``, ``test``, ``predict``).

    ``fit`` builds per-batch logs only when some callback wants them, so a
    training loop with only epoch-level callbacks pays nothing per batch.
    """
    cls = type(callback)
    return any(getattr(cls, hook) is not getattr(Callback, hook) for hook in _BATCH_HOOKS[mode])


class History(Callback):
    """Records every epoch's logs: ``history.history['loss']`` and so on; ``fit`` returns it."""

    def __init__(self):
        super().__init__()
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class CallbackList:
    """Calls each hook on every callback, in order, always with a ``logs`` dict.

    Args:
        callbacks: the callbacks.
        model: the model they act on (``callback.model``).
        params: ``callback.params`` (``epochs``, ``verbose``, ``steps``).
    """

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def batch_callbacks(self, mode):
        """The callbacks with a batch hook of ``mode`` overridden (see :func:`overrides_batch_hooks`)."""
        return [cb for cb in self.callbacks if overrides_batch_hooks(cb, mode)]

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        takes_index = "epoch" in hook or "batch" in hook  # on_epoch_end(epoch, logs)...

        def call(*args):
            index, logs = args[:takes_index], args[takes_index:]
            logs = pythonify_logs(logs[0] if logs and logs[0] is not None else {})
            for cb in self.callbacks:
                getattr(cb, hook)(*index, logs)
        return call


def pythonify_logs(logs):
    """A copy of ``logs`` sorted by key, values as Python floats where ``float()`` takes them.

    What every Keras hook receives (``keras/src/utils/python_utils.py``
    ``pythonify_logs``, called by ``keras/src/callbacks/callback_list.py``):
    ``list(logs)`` in a callback is ``['accuracy', 'loss', 'val_accuracy',
    'val_loss']`` in both libraries. One dict goes to all the callbacks of a
    hook, so what one callback adds (``logs['lr'] = ...``) the next, and
    ``History``, see.
    """
    result = {}
    for key, value in sorted(logs.items()):
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result
