"""Sequential: a stack of layers with Keras's compile, fit, evaluate, predict and weights.

Mirrors ``keras/src/models/sequential.py`` and the training loop of
``keras/src/trainers/trainer.py`` / ``backend/tensorflow/trainer.py``. One
training step on a batch ``(x, y)``::

    y_pred = forward(x, training=True)            # layer by layer, caches kept
    loss   = mean(loss(y, y_pred)) + sum(R(w))    # regularizers added as Keras adds them
    dL/dw  = backward(dL/dy_pred)                 # layer by layer, in reverse
    optimizer.apply_gradients([(dL/dw, w)])
    w      = constraint(w)                        # only weights given a constraint

When the loss is a cross-entropy and the last layer ends in a softmax, the
loss is computed from that layer's logits and the backward pass starts from
``dL/dz = (softmax(z) - y) / n``, as Keras does on TensorFlow (see
:mod:`scratch_nn.losses`).

With sample weights ``w_i`` (``sample_weight=`` or ``class_weight=``), the
loss is ``sum_i w_i l_i / n`` and each sample's gradient is scaled by
``w_i``, Keras's ``"sum_over_batch_size"`` reduction.

All trainable parameters live in one flat buffer, and their gradients in
another; the layers hold views into them. The optimizer then updates the
whole model with one call per slot instead of one per weight. A layer must
therefore write into its ``params``/``grads`` arrays, never replace them;
a replaced array is caught after the step that replaced it.
"""

import copy
import time

import numpy as np

from scratch_nn import blas, data, losses, optimizers, saving
from scratch_nn import metrics as metrics_module
from scratch_nn import random as _random
from scratch_nn.callbacks import CallbackList, History
from scratch_nn.layers.base import SampleShape
from scratch_nn.layers.core import InputLayer
from scratch_nn.progbar import Progbar
from scratch_nn.tensor import as_tensor


class Sequential:
    """A linear stack of layers.

    Args:
        layers: optional list of layers; an :func:`~scratch_nn.layers.Input`
            first declares the input shape (or give the first layer
            ``input_shape=``).
        name: the model's name.
    """

    def __init__(self, layers=None, name="sequential", trainable=True):
        self.name = name
        self._layers = []
        self._input_shape = None
        self._trainable = trainable
        self.built = False
        self.optimizer = self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        for layer in layers or []:
            self.add(layer)

    # -- structure ---------------------------------------------------------
    def add(self, layer):
        """Append a layer (an ``Input`` only as the first element), or a whole ``Sequential``."""
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError("Sequential.add: an Input can only be the first element")
            self._input_shape = layer.input_shape
        elif layer is self:
            raise ValueError(f"Sequential.add: model {self.name!r} cannot contain itself")
        elif hasattr(layer, "forward") and hasattr(layer, "backward"):
            if not self._layers and self._input_shape is None and layer.input_shape is not None:
                # a layer's input_shape is one sample's; a model's starts with the batch axis
                nested = isinstance(layer, Sequential)
                self._input_shape = layer.input_shape[1:] if nested else layer.input_shape
            if not self._trainable:
                layer.trainable = False
            self._layers.append(layer)
        else:
            raise ValueError(f"Sequential.add: expected a layer, received {layer!r}")
        self._rebuild()

    def pop(self, rebuild=True):
        """Remove the last layer and return it (as ``keras.Sequential.pop``)."""
        if not self._layers:
            raise ValueError(f"Sequential.pop: model {self.name!r} has no layers to remove")
        layer = self._layers.pop()
        if rebuild:
            self._rebuild()
        else:
            self.built = False
        return layer

    def _rebuild(self):
        self.built = False
        if self._input_shape is not None:
            self.build((None, *self._input_shape))

    @property
    def layers(self):
        """The layers, without the input (as ``keras.Sequential.layers``); a nested model is one layer."""
        return list(self._layers)

    @property
    def input_shape(self):
        """``(None, *shape of one sample)`` as Keras gives it, or ``None`` before it is known."""
        return None if self._input_shape is None else (None, *self._input_shape)

    @property
    def trainable(self):
        """Whether the optimizer updates the weights; setting it sets every layer's, as Keras does."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    def compute_output_shape(self, input_shape):
        """The shape of one output sample (the model used as a layer of another)."""
        self._require_built("compute_output_shape")
        return self.output_shape

    def build(self, input_shape):
        """Build every layer for batches of ``input_shape`` (batch axis first) and pack the weights.

        A ``Sequential`` among the layers is built as a whole, then its
        layers take their places in this model's flat list of layers (the
        ``_leaves``), which the forward and backward passes walk: a nested
        model computes exactly what its layers computed inline.
        """
        shape = tuple(input_shape[1:])
        self._input_shape = shape
        for layer in self._layers:
            if isinstance(layer, Sequential):
                if not layer.built or layer._input_shape != shape:
                    layer.build((None, *shape))
            elif not layer.built:
                layer.build(SampleShape(shape))
            shape = layer.compute_output_shape(shape)
        self.output_shape = shape
        self._leaves = [leaf for layer in self._layers for leaf in (
            layer._leaves if isinstance(layer, Sequential) else [layer])]
        dtypes = {layer.dtype for layer in self._leaves}
        if len(dtypes) > 1:
            listing = ", ".join(f"{layer.name}: {layer.dtype}" for layer in self._leaves)
            raise ValueError(f"Sequential: layers have mixed dtypes ({listing}); use one float type")
        self.dtype = dtypes.pop() if dtypes else "float32"
        self._pack_parameters()
        self._metrics = None
        blas.warm_up()  # once per process: OpenBLAS's small products run 2x faster after it
        self.built = True

    def _pack_parameters(self):
        """Move every trainable array into one flat buffer; layers keep views of it.

        The buffers are reused when the layout keeps its size, so an
        optimizer built on them stays valid. A frozen layer
        (``trainable=False``) gets arrays of its own, outside the buffers.
        """
        entries = [(layer, name) for layer in self._leaves if layer.trainable
                   for name in layer.params]
        total = sum(layer.params[name].size for layer, name in entries)
        if getattr(self, "_flat_params", None) is None or self._flat_params.size != total \
                or self._flat_params.dtype != np.dtype(self.dtype):
            self._flat_params = np.empty(total, self.dtype)
            self._flat_grads = np.zeros(total, self.dtype)
        values = {(id(layer), name): layer.params[name].copy() for layer, name in entries}
        offset = 0
        self._views = []
        for layer, name in entries:
            value = values[id(layer), name]
            end = offset + value.size
            view = self._flat_params[offset:end].reshape(value.shape)
            view[...] = value
            layer.params[name] = view
            layer.grads[name] = self._flat_grads[offset:end].reshape(value.shape)
            self._views.append((layer, name, layer.params, view, layer.grads, layer.grads[name]))
            offset = end
        for layer in self._leaves:
            if not layer.trainable:
                for name in layer.params:
                    layer.params[name] = layer.params[name].copy()
                    layer.grads[name] = np.zeros_like(layer.params[name])
        self._constraints = [
            (layer.params[name], constraint) for layer in self._leaves if layer.trainable
            for name, constraint in getattr(layer, "weight_constraints", dict)().items()]
        trainable = [i for i, layer in enumerate(self._leaves) if layer.trainable and layer.params]
        self._first_trainable = trainable[0] if trainable else len(self._leaves)

    def _ensure_packed(self):
        """Repack when the layers' arrays are not this model's views, or ``trainable`` changed.

        Both happen between calls, not within a step: a layer shared with
        another model that packed it since, or a layer frozen after
        ``build``. The optimizer's state restarts when the buffer is new
        (Keras asks for ``compile()`` again after changing ``trainable``).
        """
        packed = [(layer, name) for layer, name, *_ in self._views]
        wanted = [(layer, name) for layer in self._leaves if layer.trainable
                  for name in layer.params]
        intact = all(params[name] is param and grads[name] is grad
                     for _, name, params, param, grads, grad in self._views)
        if not intact or packed != wanted:
            self._pack_parameters()
        if self.optimizer is not None and self.optimizer.built:
            try:
                self.optimizer.slot_index(self._flat_params)
            except KeyError:  # built on a buffer this model has replaced (pop, add, trainable)
                self.optimizer.build([self._flat_params])

    def _check_views(self):
        """Fail if a layer replaced one of its ``params``/``grads`` arrays instead of writing into it.

        The optimizer updates the flat buffers, so a layer that rebinds
        ``self.grads["kernel"] = x.T @ dz`` leaves the buffer's gradient at
        zero, and one that rebinds ``self.params[...]`` computes with an
        array the optimizer never touches: training would silently stop.
        One identity test per array, so it can run every step.
        """
        for layer, name, params, param, grads, grad in self._views:
            if params[name] is not param or grads[name] is not grad:
                which = "params" if params[name] is not param else "grads"
                raise RuntimeError(
                    f"Layer {layer.name!r} ({type(layer).__name__}) replaced its "
                    f"{which}[{name!r}] array instead of writing into it. The model keeps all "
                    "parameters and gradients in one flat buffer and each layer's arrays are "
                    "views of it, so a replaced array is invisible to the optimizer and "
                    f"training would silently stop. Write in place: "
                    f"self.{which}[{name!r}][...] = value, or np.matmul(a, b, "
                    f"out=self.{which}[{name!r}])"
                )

    def _require_built(self, what):
        if not self.built:
            raise ValueError(
                f"{what}: the model has no input shape yet; start it with Input(shape), give "
                "the first layer input_shape=, or call fit/predict on data first"
            )

    # -- weights -----------------------------------------------------------
    @property
    def weights(self):
        """All weights (live arrays), layer by layer, in Keras's order."""
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self):
        """Trainable weights (live views of the flat buffer), in Keras's order."""
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        """The other weights (moving statistics, frozen layers), in Keras's order."""
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    def get_weights(self):
        """Copies of all weights, in the order and shapes ``keras.Sequential.get_weights`` gives."""
        self._require_built("get_weights")
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy ``weights`` into the model; all are checked before any is written."""
        self._require_built("set_weights")
        weights = list(weights)
        current = self.weights
        if len(weights) != len(current):
            raise ValueError(
                f"set_weights: the model has {len(current)} weight arrays, received {len(weights)}"
            )
        for i, (target, value) in enumerate(zip(current, weights)):
            if np.shape(value) != target.shape:
                raise ValueError(
                    f"set_weights: weight {i} has shape {target.shape}, received {np.shape(value)}"
                )
        for target, value in zip(current, weights):
            target[...] = value

    # Saving lives in scratch_nn/saving.py (formats, suffix rules, atomic writes).
    def save(self, filepath, overwrite=True, **kwargs):
        """Save architecture, weights, compile arguments and optimizer state (``.keras``)."""
        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Save all weights to a ``.weights.h5`` file (a NumPy archive; see :mod:`scratch_nn.saving`)."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Load weights saved by :meth:`save_weights` (or from a saved ``.keras`` model)."""
        saving.load_weights(self, filepath)

    def count_params(self):
        """Total number of scalars in all weights."""
        self._require_built("count_params")
        return sum(layer.count_params() for layer in self._layers)

    def summary(self, print_fn=print):
        """Print a table of layers, output shapes and parameter counts, as Keras does."""
        self._require_built("summary")
        rows = [("Layer (type)", "Output Shape", "Param #")]
        shape = self._input_shape
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
            rows.append((f"{layer.name} ({type(layer).__name__})", str((None, *shape)),
                         f"{layer.count_params():,}"))
        widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
        rule = "-" * sum(widths)
        lines = [f'Model: "{self.name}"', rule]
        for k, row in enumerate(rows):
            lines.append("".join(cell.ljust(w) for cell, w in zip(row, widths)))
            lines.append("=" * sum(widths) if k == 0 else rule)
        trainable = sum(w.size for w in self.trainable_weights)
        total = self.count_params()
        lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                  f"Non-trainable params: {total - trainable:,}"]
        print_fn("\n".join(lines))

    # -- maths -------------------------------------------------------------
    def forward(self, x, training=False):
        """Run every layer's forward pass; returns the output ``(batch, units)``."""
        for layer in self._leaves:
            x = layer.forward(x, training=training)
        return x

    def backward(self, dout, from_preactivation=False, need_input_grad=False):
        """Run the backward pass; leaves each parameter's gradient in the flat buffer.

        Args:
            dout: ``dL/dy_pred``, or ``dL/dz`` of the last layer's
                pre-activation ``z`` when ``from_preactivation`` is true (the
                fused softmax + cross-entropy gradient).
            need_input_grad: also return ``dL/dx``; otherwise the pass stops
                at the first layer with parameters (no gradient is computed
                for the input, which saves a third of the first layer's work).
        """
        last = len(self._leaves) - 1
        stop = 0 if need_input_grad else self._first_trainable
        for i in range(last, stop - 1, -1):
            layer = self._leaves[i]
            need = need_input_grad or i > self._first_trainable
            if i == last and from_preactivation:
                dout = layer.backward_from_preactivation(dout, need)
            else:
                dout = layer.backward(dout, need)
        return dout if need_input_grad else None

    def _batch_loss(self, y, y_pred, sample_weight=None, with_gradient=True):
        """The batch's loss and where its backward pass starts: ``(loss, dout, from_preactivation)``.

        A cross-entropy on a softmax output is scored from the softmax's
        logits ``z``, as Keras does, and its gradient is the fused
        ``dout = dL/dz = (softmax(z) - t) / n``, which enters the last layer
        below its activation. Any other loss is ``L = loss(y, y_pred)`` with
        ``dout = dL/dy_pred`` (``None`` unless ``with_gradient``). Training
        and evaluation both score a batch here, so they cannot disagree.

        With sample weights ``w`` (Keras's ``"sum_over_batch_size"``), each
        sample's loss ``l_i`` and its row of the gradient are scaled by
        ``w_i``: ``L = sum_i w_i l_i / n``, ``dout_i = w_i dout_i``.
        """
        last = self._leaves[-1]
        logits = last.softmax_logits() if self.loss.fuses_softmax and hasattr(
            last, "softmax_logits") else None
        fused = logits is not None
        if fused:
            loss, dout = self.loss.logits_loss_and_gradient(y, logits)
        else:
            loss = self.loss(y, y_pred)
            dout = self.loss.gradient(y, y_pred) if with_gradient else None
        if sample_weight is not None:
            loss = self._weighted_loss(y, logits if fused else y_pred, fused, sample_weight)
            if dout is not None:
                dout = dout * sample_weight.reshape(-1, *[1] * (dout.ndim - 1))
        return loss, dout, fused

    def _weighted_loss(self, y, scored, from_logits, sample_weight):
        """``sum_i w_i l_i / n``, with ``l_i`` the per-sample loss (from the logits when fused)."""
        loss_fn = self.loss
        if from_logits and not getattr(loss_fn, "from_logits", False):
            loss_fn = copy.copy(loss_fn)
            loss_fn.from_logits = True
        per_sample = loss_fn.per_sample(y, scored)
        return float(np.dot(per_sample, sample_weight)) / per_sample.shape[0]

    def _loss_and_backward(self, y, y_pred, need_input_grad=False, sample_weight=None):
        """Loss of the batch (regularizers included) and all gradients; returns ``(loss, dx)``."""
        loss, dout, fused = self._batch_loss(y, y_pred, sample_weight)
        dx = self.backward(dout, from_preactivation=fused, need_input_grad=need_input_grad)
        return float(loss) + self._regularization(add_gradients=True), dx

    def _regularization(self, add_gradients=False):
        total = 0.0
        for layer in self._regularized_layers():
            total += layer.regularization_loss()
            if add_gradients:
                layer.add_regularization_gradients()
        return total

    def compute_loss_and_gradients(self, x, y, training=True, need_input_grad=False):
        """Loss and gradients for one batch, without changing any weight.

        Returns:
            ``(loss, grads)`` with ``grads`` copies aligned with
            :attr:`trainable_weights`, plus ``dL/dx`` as a third item when
            ``need_input_grad`` is true. BatchNormalization's moving
            statistics do move when ``training`` is true, as in a real step.
        """
        self._require_compiled("compute_loss_and_gradients")
        self._ensure_packed()
        y_pred = self.forward(x, training=training)
        loss, dx = self._loss_and_backward(y, y_pred, need_input_grad)
        self._check_views()
        grads = [grad.copy() for *_, grad in self._views]
        return (loss, grads, dx) if need_input_grad else (loss, grads)

    def train_step(self, x, y, sample_weight=None):
        """One optimizer step on a batch; returns ``(loss, y_pred)``.

        After the step, each weight with a constraint is replaced by
        ``constraint(w)``, where Keras applies them (after
        ``apply_gradients`` in ``keras/src/optimizers/base_optimizer.py``).
        """
        y_pred = self.forward(x, training=True)
        loss, _ = self._loss_and_backward(y, y_pred, sample_weight=sample_weight)
        self._check_views()
        if self.optimizer.weight_decay and id(self._flat_params) not in getattr(
                self.optimizer, "_decay_masks", {}):  # exclusions: which stretch is which weight
            self.optimizer.set_weight_names(
                self._flat_params, [(name, view) for _, name, _, view, *_ in self._views])
        self.optimizer.apply_gradients([(self._flat_grads, self._flat_params)])
        for weight, constraint in self._constraints:
            weight[...] = constraint(weight)
        return loss, y_pred

    # -- compile -----------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Set the optimizer, loss and metrics (objects or Keras's string names)."""
        if loss is None:
            raise ValueError("compile: loss is required, e.g. loss='sparse_categorical_crossentropy'")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        if self.loss.reduction != "sum_over_batch_size":  # the gradients are the batch mean's
            raise NotImplementedError(
                f"compile: {type(self.loss).__name__}(reduction={self.loss.reduction!r}) cannot "
                "be trained on by scratch_nn; its gradients are those of the batch mean "
                "(reduction='sum_over_batch_size'); the reduction applies when the loss is "
                "called directly"
            )
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, bytes)) or callable(metrics):
            metrics = [metrics]
        for m in metrics:
            if not (callable(m) or m in ("accuracy", "acc")):
                metrics_module.get(m)  # fails early on unknown names
        self._metric_ids = list(metrics)
        self._metrics = None
        self.compiled = True

    def _require_compiled(self, what):
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model: {what}() needs the loss "
                "and optimizer that compile() sets"
            )

    def _regularized_layers(self):
        """Layers with a regularizer set; most models have none, and this runs every step."""
        return [layer for layer in self._leaves
                if hasattr(layer, "regularization_loss") and layer.has_regularizers()]

    def _resolve_metrics(self, y):
        if self._metrics is None:
            self._metrics = [metrics_module.get(m, y.shape, (None, *self.output_shape))
                             for m in self._metric_ids]
        return self._metrics

    # -- data --------------------------------------------------------------
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

    # -- fit / evaluate / predict -----------------------------------------
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
        self._ensure_packed()

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

    def __call__(self, x, training=False):
        """Forward pass on ``x`` (builds on first use), as calling a Keras model.

        Returns a :class:`~scratch_nn.tensor.Tensor`: an array with ``.numpy()``.
        """
        x = np.asarray(x)
        if not self.built:
            self.build(x.shape)
        return as_tensor(self.forward(np.asarray(x, self.dtype), training=training))


def _batches(x, y, sample_weight, batch_size, order=None):
    """:func:`data.batches` with each batch's sample weights (or ``None``) as a third item."""
    if sample_weight is None:
        for xb, yb in data.batches(x, y, batch_size, order):
            yield xb, yb, None
        return
    weights = data.batches(sample_weight, None, batch_size, order)
    for (xb, yb), (wb, _) in zip(data.batches(x, y, batch_size, order), weights):
        yield xb, yb, wb


def _refuse_steps(what, steps):
    if steps is not None:
        raise ValueError(
            f"{what}: steps= is not supported by scratch_nn (arrays are walked whole); "
            f"received steps={steps!r}"
        )


class _Totals:
    """Running sample-weighted sums of the loss and metrics over an epoch, as Keras's ``Mean``."""

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


def _check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', received {verbose!r}")
    return int(verbose)


# Keras exports these from keras.models too; they live in their own modules.
from scratch_nn.functional import Model  # noqa: F401
from scratch_nn.saving import load_model, save_model  # noqa: F401
