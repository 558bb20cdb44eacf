"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

Mirrors ``keras/src/optimizers/adamw.py``: Keras's AdamW *is* its Adam with
a ``weight_decay`` that defaults to 0.004 and may not be ``None``. The decay
is the base optimizer's (``BaseOptimizer._apply_weight_decay`` in
``keras/src/optimizers/base_optimizer.py``), applied to every variable
before Adam's step, and never through the gradient::

    w = w - w * weight_decay * lr                  # decoupled: not in m or v
    w = adam_step(w, g)                            # see scratch_nn/optimizers/adam.py

Adding ``weight_decay/2 * ||w||**2`` to the loss instead (L2 regularization)
would put the decay into ``g``, where Adam's division by ``sqrt(v)``
rescales it weight by weight; decoupling keeps the decay the same
fraction ``weight_decay * lr`` for every weight. The paper multiplies the
decay by a schedule multiplier ``eta_t``; Keras uses the learning rate.
"""

from scratch_nn.optimizers.adam import Adam


class AdamW(Adam):
    """AdamW, Keras defaults ``learning_rate=0.001, weight_decay=0.004`` and Adam's others.

    Args:
        learning_rate: float or schedule.
        weight_decay: float >= 0, the fraction of each weight removed per
            unit of learning rate (not ``None``, as in Keras).
        beta_1, beta_2, epsilon, amsgrad: as :class:`~scratch_nn.optimizers.Adam`.
        **kwargs: Keras's base-optimizer arguments (see the base class).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:  # keras/src/optimizers/adamw.py's message
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, name,
                         **kwargs)
