"""The contract every activation object keeps: ``forward(x)`` caches, ``backward(dout)`` returns ``dL/dx``.

Kept apart from the activations themselves so that the modules holding them
(:mod:`scratch_nn.activations`, :mod:`scratch_nn.smooth_activations`) can
share it without importing each other.
"""


class Activation:
    """Base class: ``forward(x)`` caches, ``backward(dout)`` returns ``dL/dx``."""

    name = None

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __repr__(self):
        return f"<activation {self.name}>"
