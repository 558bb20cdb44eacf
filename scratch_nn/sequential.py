"""Sequential: Keras's linear stack of layers, put together from the network and the trainer.

Mirrors ``keras/src/models/sequential.py``. The maths of a step lives in
:class:`~scratch_nn.network.Network` and the training loop in
:class:`~scratch_nn.trainer.Trainer`; this module adds Keras's surface
around them: ``add``/``pop`` and nesting, ``compile`` (Keras's string names
for optimizers, losses and metrics), the weights as Keras lists them,
``summary``, and ``save`` (which :mod:`scratch_nn.saving` does).
"""

import numpy as np

from scratch_nn import losses, optimizers, saving
from scratch_nn import metrics as metrics_module
from scratch_nn.layers.core import InputLayer
from scratch_nn.network import Network
from scratch_nn.tensor import as_tensor
from scratch_nn.trainer import Trainer


class Sequential(Network, Trainer):
    """A linear stack of layers.

    Args:
        layers: optional list of layers; an :func:`~scratch_nn.layers.Input`
            first declares the input shape (or give the first layer
            ``input_shape=``).
        name: the model's name.
    """

    def __init__(self, layers=None, name="sequential", trainable=True):
        Network.__init__(self)
        Trainer.__init__(self)
        self.name = name
        self._trainable = trainable
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

    def _resolve_metrics(self, y):
        if self._metrics is None:
            self._metrics = [metrics_module.get(m, y.shape, (None, *self.output_shape))
                             for m in self._metric_ids]
        return self._metrics

    def __call__(self, x, training=False):
        """Forward pass on ``x`` (builds on first use), as calling a Keras model.

        Returns a :class:`~scratch_nn.tensor.Tensor`: an array with ``.numpy()``.
        """
        x = np.asarray(x)
        if not self.built:
            self.build(x.shape)
        return as_tensor(self.forward(np.asarray(x, self.dtype), training=training))


def _from_saved(inputs, layers, name):
    """The ``Sequential`` of a saved config: its ``Input``, then its layers."""
    return Sequential([inputs, *layers], name=name)


saving.register_model("Sequential", _from_saved)
