"""The network: a stack of layers, its weights in one flat buffer, and the maths of one step.

The part of ``keras/src/models/sequential.py`` and
``keras/src/trainers/trainer.py`` (``compute_loss``) that a learner reads:
what happens to one batch ``(x, y)``, in the order the methods below run::

    y_pred = forward(x, training=True)            # layer by layer, caches kept
    loss   = mean(loss(y, y_pred)) + sum(R(w))    # regularizers added as Keras adds them
    dL/dw  = backward(dL/dy_pred)                 # layer by layer, in reverse

(:mod:`scratch_nn.trainer` then calls the optimizer on the flat buffer.)

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

This module knows nothing of compile, fit, callbacks, saving or the
functional API: :class:`~scratch_nn.models.Sequential` adds those around it.
"""

import copy

import numpy as np

from scratch_nn import blas
from scratch_nn.layers.base import SampleShape


class Network:
    """A stack of layers (``_layers``) with its parameters packed in one flat buffer.

    The Keras tier (:class:`~scratch_nn.sequential.Sequential`) fills
    ``_layers`` (``add``, ``pop``) and sets ``_input_shape``, the shape of
    one sample; :meth:`build` does the rest. A nested network is one entry
    of ``_layers`` and its layers are walked inline (``_leaves``).
    """

    def __init__(self):
        self._layers = []
        self._input_shape = None
        self.built = False

    # -- the layer stack and the flat buffer -------------------------------
    def build(self, input_shape):
        """Build every layer for batches of ``input_shape`` (batch axis first) and pack the weights.

        A network (a ``Sequential``) among the layers is built as a whole, then its
        layers take their places in this model's flat list of layers (the
        ``_leaves``), which the forward and backward passes walk: a nested
        model computes exactly what its layers computed inline.
        """
        shape = tuple(input_shape[1:])
        self._input_shape = shape
        for layer in self._layers:
            if isinstance(layer, Network):
                if not layer.built or layer._input_shape != shape:
                    layer.build((None, *shape))
            elif not layer.built:
                layer.build(SampleShape(shape))
            shape = layer.compute_output_shape(shape)
        self.output_shape = shape
        self._leaves = [leaf for layer in self._layers for leaf in (
            layer._leaves if isinstance(layer, Network) else [layer])]
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
        ``build``.
        """
        packed = [(layer, name) for layer, name, *_ in self._views]
        wanted = [(layer, name) for layer in self._leaves if layer.trainable
                  for name in layer.params]
        intact = all(params[name] is param and grads[name] is grad
                     for _, name, params, param, grads, grad in self._views)
        if not intact or packed != wanted:
            self._pack_parameters()

    def _require_built(self, what):
        if not self.built:
            raise ValueError(
                f"{what}: the model has no input shape yet; start it with Input(shape), give "
                "the first layer input_shape=, or call fit/predict on data first"
            )

    # -- one step, in the order it runs -----------------------------------
    def forward(self, x, training=False):
        """Run every layer's forward pass; returns the output ``(batch, units)``."""
        for layer in self._leaves:
            x = layer.forward(x, training=training)
        return x

    def _loss_and_backward(self, y, y_pred, need_input_grad=False, sample_weight=None):
        """Loss of the batch (regularizers included) and all gradients; returns ``(loss, dx)``."""
        loss, dout, fused = self._batch_loss(y, y_pred, sample_weight)
        dx = self.backward(dout, from_preactivation=fused, need_input_grad=need_input_grad)
        return float(loss) + self._regularization(add_gradients=True), dx

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

    def _regularization(self, add_gradients=False):
        total = 0.0
        for layer in self._regularized_layers():
            total += layer.regularization_loss()
            if add_gradients:
                layer.add_regularization_gradients()
        return total

    def _regularized_layers(self):
        """Layers with a regularizer set; most models have none, and this runs every step."""
        return [layer for layer in self._leaves
                if hasattr(layer, "regularization_loss") and layer.has_regularizers()]

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
