"""Callbacks: EarlyStopping, TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau.

Mirrors ``keras/src/callbacks/`` (``callback.py``, ``history.py``,
``monitor_callback.py``, ``early_stopping.py``, ``terminate_on_nan.py``,
``learning_rate_scheduler.py``, ``reduce_lr_on_plateau.py``); ``Callback``,
``History`` and ``CallbackList`` are :mod:`scratch_nn.callback_base`'s,
``ModelCheckpoint`` and ``TensorBoard`` their own modules'. ``fit`` calls
the hooks with ``logs`` dicts of Python floats; a callback stops training by
setting ``self.model.stop_training = True``.
"""

import math
import warnings

import numpy as np

from scratch_nn.callback_base import (  # noqa: F401 (the public path of each)
    Callback,
    CallbackList,
    History,
    MonitorCallback,
    overrides_batch_hooks,
    pythonify_logs,
)
from scratch_nn.checkpoint import ModelCheckpoint  # noqa: F401 (in a module of its own)
from scratch_nn.tensorboard import TensorBoard  # noqa: F401 (in a module of its own)
from scratch_nn.unsupported import UNSUPPORTED_CALLBACKS, module_getattr


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored value has stopped improving, as Keras 3 does.

    At each epoch end (from ``start_from_epoch`` on): ``wait += 1``; if the
    value improves on the best, it becomes the best and ``wait`` restarts at
    0 (only if it also beats ``baseline``, when given); otherwise, once
    ``wait >= patience`` (and ``epoch > 0``) training stops. With
    ``restore_best_weights=True`` the weights of the best epoch are put back
    when training ends, however it ends (Keras 3 restores them even when
    ``patience`` never ran out).

    Args:
        monitor: the log key to watch (``'val_loss'``).
        min_delta: the least change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: print when stopping and restoring.
        mode: ``'auto'``, ``'min'`` or ``'max'``.
        baseline: a value the monitor must beat to reset ``wait``.
        restore_best_weights: restore the best epoch's weights at the end.
        start_from_epoch: epochs to ignore before watching.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, baseline=None, min_delta=min_delta)
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, received {patience!r}")
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if self._minimize is None:  # as Keras: the direction is settled first, so an
            self._minimize = self._resolve_direction()  # unknown monitor in 'auto' raises
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite, and say why.

    Args:
        raise_error: raise ``RuntimeError`` at once (Keras 3's option, so no
            other callback's ``on_train_end`` runs) instead of stopping
            gracefully with ``model.stop_training = True``.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            if self.raise_error:  # Keras's message (keras/src/callbacks/terminate_on_nan.py)
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. "
                                   f"Loss value: {loss}. Terminating training immediately.")
            print(
                f"Batch {batch}: Invalid loss ({loss}), terminating training. A loss that "
                "becomes NaN or inf usually means the learning rate is too high or the inputs "
                "are not scaled (e.g. raw 0-255 pixels): try a smaller learning rate or "
                "scale x to [0, 1]."
            )
            self.model.stop_training = True


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch's start to ``schedule(epoch, lr)``.

    ``schedule`` may also take the epoch alone (Keras's older form). It must
    return a float (Python, NumPy float32 or float64): anything else is
    refused, as ``keras/src/callbacks/learning_rate_scheduler.py`` refuses it.
    The rate is logged as ``learning_rate`` at each epoch's end.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(self.model.optimizer.learning_rate)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):  # as Keras checks it
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr!r}")  # noqa: TRY004 (Keras raises ValueError)
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when the monitor stops improving.

    After ``patience`` epochs without an improvement of at least
    ``min_delta``: ``lr = max(lr * factor, min_lr)``, then ``cooldown``
    epochs during which waiting does not count.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.cooldown_counter = self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = self.wait = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}  # as Keras: an empty dict is replaced, so the caller's stays empty
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > self.min_lr:
                    optimizer.learning_rate = max(old_lr * self.factor, self.min_lr)
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                              f"to {optimizer.learning_rate}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


__getattr__ = module_getattr("keras.callbacks", UNSUPPORTED_CALLBACKS)
