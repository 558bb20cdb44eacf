"""ModelCheckpoint: save the model (or its weights) during training, as Keras 3 does.

Mirrors ``keras/src/callbacks/model_checkpoint.py``. At each epoch end (or
every ``save_freq`` batches) the file name is formatted from the epoch and
the logs, ``filepath.format(epoch=epoch + 1, **logs)``
(``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``), and the model is saved there,
unless ``save_best_only`` is set and the monitored value did not improve on
the best so far::

    minimize:  improved = current < best        (mode 'min', or 'auto' for losses)
    maximize:  improved = current > best        (mode 'max', or 'auto' for accuracies)

``best`` starts at ``initial_value_threshold`` (``None``: the first value
always improves). When the monitored value is missing from the logs, Keras
warns and saves anyway; so does this callback. The files are scratch_nn's
(see :mod:`scratch_nn.saving`), under Keras's names.
"""

import os
import warnings

from scratch_nn.callback_base import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights at some frequency during ``fit``.

    Args:
        filepath: where to save; may hold ``{epoch}``, ``{batch}`` (with an
            integer ``save_freq``) and any log key, in ``str.format`` syntax.
            Must end in ``.keras`` (or ``.h5``), or in ``.weights.h5`` when
            ``save_weights_only=True``.
        monitor: the log key ``save_best_only`` compares (``'val_loss'``).
        verbose: 1 prints a line each time the callback saves or skips.
        save_best_only: save only when the monitored value improves; with a
            fixed ``filepath`` the file then always holds the best model.
        save_weights_only: call ``save_weights`` instead of ``save``.
        mode: ``'auto'``, ``'min'`` or ``'max'`` (see the module docstring).
        save_freq: ``'epoch'``, or an int: save every that many batches.
        initial_value_threshold: the value the first save must beat.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                "integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). Received: "
                f"filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self._minimize is None:  # Keras resolves the direction here, saving or not
            self._minimize = self._resolve_direction()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        # Batch numbers restart at 0 each epoch: a smaller one means a new epoch began.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                f"an existing directory: {filepath}"
            )
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _file_path(self, epoch, batch, logs):
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None
