"""The trainer: ``train_step``, then ``fit``, ``evaluate`` and ``predict`` over whole arrays.

Mirrors ``keras/src/trainers/trainer.py`` and
``keras/src/backend/tensorflow/trainer.py``: one optimizer step on a batch
(:meth:`Trainer.train_step`), then the loops that walk the data in batches
and call the callbacks. One training step on a batch ``(x, y)``::

    y_pred, loss, dL/dw = forward, loss, backward    # the network's (scratch_nn/network.py)
    optimizer.apply_gradients([(dL/dw, w)])          # w: the flat buffer of every weight
    w = constraint(w)                                # only weights given a constraint

The arguments' checks are gathered at the bottom of the class and the module.

A :class:`Trainer` is mixed into a :class:`~scratch_nn.network.Network`
(as Keras's ``Model(Trainer, Layer)``); ``compile`` (in
:mod:`scratch_nn.sequential`, which turns Keras's string names into
objects) sets ``optimizer``, ``loss`` and the metrics that
``_resolve_metrics(y)`` returns as ``(name, function)`` pairs.
"""

import time

import numpy as np

from scratch_nn import data
from scratch_nn import random as _random
from scratch_nn.callback_base import CallbackList, History
from scratch_nn.progbar import Progbar


class Trainer:
    """Keras's training loop over a network: ``train_step``, ``fit``, ``evaluate``, ``predict``."""

    def __init__(self):
        self.optimizer = self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None

    def train_step(self, x, y, sample_weight=None):
        """One optimizer step on a batch; returns ``(loss, y_pred)``.

        After the step, each weight with a constraint is replaced by
        ``constraint(w)``, where Keras applies them (after
        ``apply_gradients`` in ``keras/src/optimizers/base_optimizer.py``).
        """
        y_pred = self.forward(x, training=True)
        loss, _ = self._loss_and_backward(y, y_pred, sample_weight=sample_weight)
        self._check_views()
        if self.optimizer.weight_decay and self.optimizer.needs_weight_names(self._flat_params):
            # exclude_from_weight_decay matches weights by name: say which stretch is which
            self.optimizer.set_weight_names(
                self._flat_params, [(name, view) for _, name, _, view, *_ in self._views])
        self.optimizer.apply_gradients([(self._flat_grads, self._flat_params)])
        for weight, constraint in self._constraints:
            weight[...] = constraint(weight)
        return loss, y_pred

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0):
        """Train for ``epochs`` epochs; returns the :class:`~scratch_nn.callbacks.History`.

        Each epoch walks a fresh permutation of the training samples (or
        their order when ``shuffle=False``) in batches of ``batch_size``
        (32); the last batch may be smaller. ``validation_split`` holds out
        the **last** fraction before shuffling; ``validation_data``
        (``(x, y)`` or ``(x, y, sample_weight)``) wins over it. Epoch logs
        hold the batch-size-weighted mean of the training loss and metrics
        over the epoch, then ``val_*`` from an inference pass over the
        validation data (with the ``on_test_*`` hooks, as Keras runs
        ``evaluate`` there).

        Args:
            verbose: 0 silent, 1 progress bar (``'auto'``), 2 one line per epoch.
            class_weight: ``{class: weight}``; each training sample weighs
                its class's weight (1 for classes not listed).
            sample_weight: ``(n,)`` weights; the loss is
                ``sum_i w_i l_i / batch_size`` (Keras). Metrics are not
                weighted (Keras weights only ``weighted_metrics``).
        """
        self._require_compiled("fit")
        batch_size = data.check_batch_size(batch_size)
        verbose = _check_verbose(verbose)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, received {epochs!r}")
        if class_weight is not None and sample_weight is not None:
            raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
        x, y = self._prepare(x, y)
        if y is None:
            raise ValueError("fit: y is required")
        sample_weight = data.check_sample_weight(sample_weight, x.shape[0], self.dtype)
        val = None
        if validation_data is not None:
            val = self._prepare_validation_data(validation_data)
        elif validation_split:
            (x, y), (x_val, y_val) = data.split_validation(x, y, validation_split)
            val_weight = None
            if sample_weight is not None:
                sample_weight, val_weight = sample_weight[:len(x)], sample_weight[len(x):]
            val = (x_val, y_val, val_weight)
        if class_weight is not None:
            sample_weight = data.class_weight_to_sample_weights(y, class_weight, self.dtype)
        metrics = self._resolve_metrics(y)
        self._ensure_buffers()

        history = History()
        n = x.shape[0]
        steps = -(-n // batch_size)
        callbacks = CallbackList([*(callbacks or []), history], self,
                                 {"epochs": epochs, "verbose": verbose, "steps": steps})
        batch_hooks = callbacks.batch_callbacks("train")
        rng = _random.make_generator()
        self.stop_training = False
        callbacks.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            callbacks.on_epoch_begin(epoch)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            bar = Progbar(steps, verbose)
            order = rng.permutation(n) if shuffle else None
            totals = _Totals(metrics)
            for step, (xb, yb, wb) in enumerate(_batches(x, y, sample_weight, batch_size, order)):
                for cb in batch_hooks:
                    cb.on_train_batch_begin(step, {})
                loss, y_pred = self.train_step(xb, yb, wb)
                totals.add(loss, yb, y_pred)
                if batch_hooks:
                    logs = totals.means()
                    for cb in batch_hooks:
                        cb.on_train_batch_end(step, logs)
                # The bar redraws every 0.05 s at most: ask before building its logs.
                if verbose and bar.due(step + 1):
                    bar.update(step + 1, list(totals.means().items()))
                if self.stop_training:
                    break
            epoch_logs = totals.means()
            if val is not None:
                val_logs = self._evaluate_arrays(*val, batch_size, callbacks)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            bar.update(step + 1, list(epoch_logs.items()), finalize=True)
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.on_train_end(epoch_logs)
        return history

    def _evaluate_arrays(self, x, y, sample_weight, batch_size, callbacks):
        """Loss and metrics over ``(x, y)`` in inference mode, with the ``on_test_*`` hooks."""
        metrics = self._resolve_metrics(y)
        totals = _Totals(metrics)
        batch_hooks = callbacks.batch_callbacks("test")
        callbacks.on_test_begin()
        for step, (xb, yb, wb) in enumerate(_batches(x, y, sample_weight, batch_size)):
            for cb in batch_hooks:
                cb.on_test_batch_begin(step, {})
            y_pred = self.forward(xb, training=False)
            loss = self._batch_loss(yb, y_pred, wb, with_gradient=False)[0]
            # after the forward pass: an activity penalty is this batch's
            totals.add(float(loss) + self._regularization(), yb, y_pred)
            if batch_hooks:
                logs = totals.means()
                for cb in batch_hooks:
                    cb.on_test_batch_end(step, logs)
        logs = totals.means()
        callbacks.on_test_end(logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on ``(x, y)`` in inference mode (dropout off, moving statistics).

        Returns the loss alone when there are no metrics, else
        ``[loss, *metrics]``, or a dict with ``return_dict=True`` (as Keras).
        ``sample_weight`` weighs each sample's loss as in :meth:`fit`;
        ``callbacks`` get the ``on_test_*`` hooks.
        """
        self._require_compiled("evaluate")
        _refuse_steps("evaluate", steps)
        batch_size = data.check_batch_size(batch_size)
        verbose = _check_verbose(verbose)
        x, y = self._prepare(x, y)
        if y is None:
            raise ValueError("evaluate: y is required")
        sample_weight = data.check_sample_weight(sample_weight, x.shape[0], self.dtype)
        n_steps = -(-x.shape[0] // batch_size)
        callbacks = CallbackList(callbacks or [], self,
                                 {"epochs": 1, "verbose": verbose, "steps": n_steps})
        start = time.perf_counter()
        logs = self._evaluate_arrays(x, y, sample_weight, batch_size, callbacks)
        if verbose:
            bar = Progbar(n_steps, verbose)
            bar._start = start
            bar.update(n_steps, list(logs.items()), finalize=True)
        if return_dict:
            return logs
        values = [logs["loss"]] + [logs[name] for name, _ in self._metrics]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for ``x`` in inference mode, computed in batches; shape ``(n, *output)``.

        ``callbacks`` get ``on_predict_begin``, ``on_predict_batch_begin``,
        ``on_predict_batch_end`` (with ``{"outputs": batch_outputs}``) and
        ``on_predict_end``, as in Keras.
        """
        _refuse_steps("predict", steps)
        batch_size = data.check_batch_size(batch_size)
        verbose = _check_verbose(verbose)
        x, _ = self._prepare(x, None)
        callbacks = CallbackList(callbacks or [], self, {
            "epochs": 1, "verbose": verbose, "steps": -(-x.shape[0] // batch_size)})
        batch_hooks = callbacks.batch_callbacks("predict")
        out = np.empty((x.shape[0], *self.output_shape), self.dtype)
        callbacks.on_predict_begin()
        for step, (xb, _) in enumerate(data.batches(x, None, batch_size)):
            for cb in batch_hooks:
                cb.on_predict_batch_begin(step, {})
            start = step * batch_size
            batch_out = out[start:start + len(xb)]
            batch_out[...] = self.forward(xb, training=False)
            for cb in batch_hooks:
                cb.on_predict_batch_end(step, {"outputs": batch_out})
        callbacks.on_predict_end()
        return out

    def compute_loss_and_gradients(self, x, y, training=True, need_input_grad=False):
        """Loss and gradients for one batch, without changing any weight.

        Returns:
            ``(loss, grads)`` with ``grads`` copies aligned with
            :attr:`trainable_weights`, plus ``dL/dx`` as a third item when
            ``need_input_grad`` is true. BatchNormalization's moving
            statistics do move when ``training`` is true, as in a real step.
        """
        self._require_compiled("compute_loss_and_gradients")
        self._ensure_buffers()
        y_pred = self.forward(x, training=training)
        loss, dx = self._loss_and_backward(y, y_pred, need_input_grad)
        self._check_views()
        grads = [grad.copy() for *_, grad in self._views]
        return (loss, grads, dx) if need_input_grad else (loss, grads)

    def _ensure_buffers(self):
        """Repack the network if needed, and rebuild the optimizer on a buffer it does not know.

        The optimizer's state restarts when the buffer is new (``pop``,
        ``add``, a change of ``trainable``: Keras asks for ``compile()`` again).
        """
        self._ensure_packed()
        if self.optimizer is not None and self.optimizer.built:
            try:
                self.optimizer.slot_index(self._flat_params)
            except KeyError:  # built on a buffer this model has replaced
                self.optimizer.build([self._flat_params])

    # -- argument checks --------------------------------------------------
    def _require_compiled(self, what):
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model: {what}() needs the loss "
                "and optimizer that compile() sets"
            )

    def _prepare(self, x, y, x_name="x", y_name="y"):
        if x is not None and not self.built:
            arr = np.asarray(x)
            if arr.ndim >= 2:
                self.build(arr.shape)
        self._require_built(x_name)
        x = data.check_inputs(x, self._input_shape, self.dtype, x_name)
        if y is None:
            return x, None
        y = data.check_targets(y, x.shape[0], self.output_shape, self.loss, self.dtype, y_name)
        return x, y

    def _prepare_validation_data(self, validation_data):
        """Check ``validation_data``: ``(x, y)`` or ``(x, y, sample_weight)``."""
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"val_sample_weight), received {type(validation_data).__name__}"
                + (f" of length {len(validation_data)}"
                   if isinstance(validation_data, (tuple, list)) else "")
            )
        x, y = self._prepare(*validation_data[:2], x_name="validation_data[0]",
                             y_name="validation_data[1]")
        weight = validation_data[2] if len(validation_data) == 3 else None
        return x, y, data.check_sample_weight(weight, x.shape[0], self.dtype,
                                              "validation_data[2]")


def _batches(x, y, sample_weight, batch_size, order=None):
    """:func:`data.batches` with each batch's sample weights (or ``None``) as a third item."""
    if sample_weight is None:
        for xb, yb in data.batches(x, y, batch_size, order):
            yield xb, yb, None
        return
    weights = data.batches(sample_weight, None, batch_size, order)
    for (xb, yb), (wb, _) in zip(data.batches(x, y, batch_size, order), weights):
        yield xb, yb, wb


class _Totals:
    """Running sums over an epoch, as Keras's ``Mean``: the loss weighted by batch size, metrics per sample.

    ``means()`` gives ``sum_b n_b L_b / sum_b n_b`` for the batch losses
    ``L_b`` (each already weighted by ``sample_weight`` within its batch) and
    the mean of each metric's per-sample values.
    """

    def __init__(self, metrics):
        self.metrics = metrics
        self.count = 0
        self.sums = {"loss": 0.0, **{name: 0.0 for name, _ in metrics}}

    def add(self, loss, y, y_pred):
        n = y.shape[0]
        self.count += n
        self.sums["loss"] += loss * n
        for name, fn in self.metrics:
            self.sums[name] += float(fn(y, y_pred).sum())

    def means(self):
        """The epoch's values so far, keys sorted as Keras 3 logs them (``pythonify_logs``)."""
        logs = {name: self.sums[name] / self.count for name, _ in self.metrics}
        logs["loss"] = self.sums["loss"] / self.count
        return dict(sorted(logs.items()))


def _refuse_steps(what, steps):
    if steps is not None:
        raise ValueError(
            f"{what}: steps= is not supported by scratch_nn (arrays are walked whole); "
            f"received steps={steps!r}"
        )


def _check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', received {verbose!r}")
    return int(verbose)

