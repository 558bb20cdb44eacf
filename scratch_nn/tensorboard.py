"""``callbacks.TensorBoard``: each epoch's logs as TensorBoard scalars.

Mirrors what ``keras/src/callbacks/tensorboard.py`` writes for scalars, so a
TensorBoard pointed at ``log_dir`` shows scratch_nn's and Keras's runs side by
side::

    log_dir/train/       epoch_<name>  for each log without "val_" (loss, accuracy...)
                         epoch_learning_rate
                         epoch_steps_per_second          (write_steps_per_second=True)
    log_dir/validation/  epoch_<name>  for each "val_<name>" log
                         evaluation_<name>_vs_iterations (each evaluation; step: optimizer steps)

The step of an ``epoch_*`` scalar is the epoch index. The files are
TensorBoard event files (``events.out.tfevents.*``), written with the
``tensorboard`` package's record writer and protocol buffers, without
TensorFlow. ``tensorboard`` is imported when the callback is made; without
it, the callback raises ``ModuleNotFoundError`` saying how to install it.

An event file is a stream TensorBoard reads while training runs (as
TensorFlow writes it), so it is appended to and flushed after each epoch,
not written to a temporary name first.

Not provided (``NotImplementedError`` naming the argument): weight histograms
(``histogram_freq``), images, per-batch scalars (``update_freq`` other than
``"epoch"``), profiling, embeddings. ``write_graph`` is accepted and writes
nothing: scratch_nn has no computation graph.
"""

import os
import socket
import time

from scratch_nn.callback_base import Callback

#: Keras's arguments scratch_nn leaves at their defaults, with those defaults
_DEFAULTS_ONLY = {"histogram_freq": 0, "write_images": False, "update_freq": "epoch",
                  "profile_batch": 0, "embeddings_freq": 0, "embeddings_metadata": None}


def _import_tensorboard():
    """The tensorboard modules the writer needs, or a clear error."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter
    except ImportError as error:
        raise ModuleNotFoundError(
            "callbacks.TensorBoard writes TensorBoard event files with the `tensorboard` "
            "package, which is not installed: pip install tensorboard "
            "(or pip install 'scratch_nn[test]')"
        ) from error
    return event_pb2, summary_pb2, RecordWriter


class _EventFile:
    """One ``events.out.tfevents.*`` file in ``directory``, opened on the first scalar."""

    _counter = 0

    def __init__(self, directory, modules):
        self.directory, self._modules = directory, modules
        self._file = self._writer = None

    def _open(self):
        event_pb2, _, record_writer = self._modules
        os.makedirs(self.directory, exist_ok=True)
        _EventFile._counter += 1
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}.{_EventFile._counter}.v2")
        self._file = open(os.path.join(self.directory, name), "wb")  # noqa: SIM115 (closed in close())
        self._writer = record_writer(self._file)
        self._write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))

    def _write(self, event):
        self._writer.write(event.SerializeToString())

    def scalar(self, tag, value, step):
        if self._file is None:
            self._open()
        event_pb2, summary_pb2, _ = self._modules
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=tag, simple_value=float(value))])
        self._write(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None


class TensorBoard(Callback):
    """Write each epoch's logs (and each evaluation's) as TensorBoard scalars.

    Args:
        log_dir: the folder TensorBoard is pointed at (``train/`` and
            ``validation/`` are made inside it).
        write_graph: accepted for Keras code; nothing is written.
        write_steps_per_second: also log optimizer steps per second of each epoch.
        histogram_freq, write_images, update_freq, profile_batch,
            embeddings_freq, embeddings_metadata: Keras's, at their defaults only.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        given = {"histogram_freq": histogram_freq, "write_images": write_images,
                 "update_freq": update_freq, "profile_batch": profile_batch,
                 "embeddings_freq": embeddings_freq, "embeddings_metadata": embeddings_metadata}
        for arg, value in given.items():
            if value != _DEFAULTS_ONLY[arg]:
                raise NotImplementedError(
                    f"TensorBoard: {arg}={value!r} is not supported by scratch_nn, which writes "
                    f"the epoch scalars only (leave it at {_DEFAULTS_ONLY[arg]!r})")
        modules = _import_tensorboard()
        self.log_dir = str(log_dir)
        self.write_graph, self.write_steps_per_second = write_graph, write_steps_per_second
        self._train_writer = _EventFile(os.path.join(self.log_dir, "train"), modules)
        self._val_writer = _EventFile(os.path.join(self.log_dir, "validation"), modules)
        self._epoch_start = (0.0, 0)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = (time.perf_counter(), self._iterations())

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            seconds = time.perf_counter() - self._epoch_start[0]
            steps = self._iterations() - self._epoch_start[1]
            train["steps_per_second"] = steps / seconds if seconds > 0 else 0.0
        for name, value in train.items():
            self._train_writer.scalar(f"epoch_{name}", value, epoch)
        for name, value in logs.items():
            if name.startswith("val_"):
                self._val_writer.scalar(f"epoch_{name[4:]}", value, epoch)
        self._train_writer.flush()
        self._val_writer.flush()

    def on_test_end(self, logs=None):
        if getattr(self.model, "optimizer", None) is None:
            return
        for name, value in (logs or {}).items():
            self._val_writer.scalar(f"evaluation_{name}_vs_iterations", value, self._iterations())
        self._val_writer.flush()

    def on_train_end(self, logs=None):
        self._train_writer.close()
        self._val_writer.close()

    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0))
