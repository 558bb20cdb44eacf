"""ActivityRegularization: a penalty on a layer's outputs, added to the training loss.

Mirrors ``keras/src/layers/regularization/activity_regularization.py`` and
the activity-regularizer branch of ``Layer.__call__``
(``keras/src/layers/layer.py``), which divides the penalty by the batch
size. The layer passes its input through unchanged; for a batch of ``n``
samples it adds to the loss::

    R  = (l1 * sum(|x|) + l2 * sum(x**2)) / n
    y  = x
    dx = dout + (l1 * sign(x) + 2 * l2 * x) / n

The penalty is :class:`~scratch_nn.regularizers.L1L2`'s, applied to the
activations instead of a kernel. It counts in training and in evaluation,
as Keras's ``model.losses`` does.
"""

import numpy as np

from scratch_nn import regularizers
from scratch_nn.layers.base import Layer


class ActivityRegularization(Layer):
    """Add ``(l1 * sum|x| + l2 * sum x**2) / batch`` to the loss; the output is the input.

    Args:
        l1, l2: floats >= 0, the two factors.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.l1, self.l2 = l1, l2
        self._penalty = regularizers.L1L2(l1=l1, l2=l2)
        self._loss = 0.0

    def forward(self, x, training=False):
        self._x = x
        self._loss = float(self._penalty(x)) / x.shape[0]
        return x

    def backward(self, dout, need_input_grad=True):
        if not need_input_grad:
            return None
        return dout + self._penalty.gradient(self._x) / np.asarray(self._x.shape[0], dout.dtype)

    # The model's regularization hooks (see Dense): the penalty of the last forward pass.
    def has_regularizers(self):
        """Whether ``l1`` or ``l2`` is set."""
        return bool(self.l1 or self.l2)

    def regularization_loss(self):
        """The penalty ``R`` of the last forward pass."""
        return self._loss

    def add_regularization_gradients(self):
        """Nothing to add: the penalty's gradient joins ``dx`` in :meth:`backward`."""
