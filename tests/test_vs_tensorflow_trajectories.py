"""Whole training trajectories against Keras `fit`, in float32 (the default path).

Property: the same model (Flatten, Dense(32, relu, no bias, L2), BatchNormalization,
Dense(10, softmax)), the same initial weights and the same batches (shuffle
off) on MNIST-shaped random data (images in [0, 1], labels 0-9), trained by
`fit` for 3 epochs of 5 steps with each optimizer, give the same epoch logs
(loss, accuracy) and the same weights after every epoch as Keras's `fit` (no
XLA); so does a run with a smaller last batch and `validation_split=0.2`
(val_loss, val_accuracy too).

Tolerance, float32: 1e-4 of each array's largest entry for weights, 1e-5
relative for the logged values. Measured on the reference machine: losses agree to
1e-6, weights to 6e-6 (SGD), 1.3e-5 (RMSprop) and 3e-5 (Adam). The two
libraries sum float32 gradients over 784 inputs and 64 samples in different
orders; where a gradient entry cancels to near zero its relative error is
large, and Adam and RMSprop, which divide by sqrt(v), turn that into a step
of full size in a different direction. A wrong formula (a missing bias
correction, Nesterov as plain momentum, the wrong BatchNormalization
momentum) moves weights by 1e-3 of their scale or more within a few steps. The Dense before
BatchNormalization has no bias: its gradient would be zero up to rounding
noise, which Adam and RMSprop amplify differently in any two implementations.
"""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

import keras

import scratch_nn
from keras_ref import oracle, twins
from keras_ref.specs import Spec, build, sequential
from tests.specs import OptimizerSpec
from tests.tolerances import assert_all_close, assert_close

WEIGHTS_RTOL = 1e-4
LOSS_RTOL = 1e-5
EPOCHS, STEPS, BATCH = 3, 5, 64

TRAJECTORY_OPTIMIZERS = (
    OptimizerSpec("SGD", {"learning_rate": 0.1}),
    OptimizerSpec("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    OptimizerSpec("SGD", {"momentum": 0.5}, schedule={"initial_learning_rate": 0.1,
                                                      "decay_steps": 4, "decay_rate": 0.5}),
    OptimizerSpec("Adam", {"learning_rate": 1e-3}),
    OptimizerSpec("Adam", {"learning_rate": 1e-3, "amsgrad": True, "weight_decay": 0.004}),
    OptimizerSpec("RMSprop", {"learning_rate": 1e-3}),
    OptimizerSpec("RMSprop", {"learning_rate": 1e-3, "momentum": 0.5, "centered": True}),
)


def mnist_like(seed, n):
    """Random images (n, 28, 28) in [0, 1] (as x / 255) and labels 0-9."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, 28, 28)).astype(np.float32) / 255
    return x, rng.integers(0, 10, n)


#: The model, in each library's default dtype (float32).
TRAJECTORY_MODEL = sequential((28, 28), [
    Spec("layers.Flatten"),
    Spec("layers.Dense", {"units": 32, "activation": "relu", "use_bias": False,
                          "kernel_regularizer": Spec("regularizers.L2", {"l2": 2.0**-10})}),
    Spec("layers.BatchNormalization"),
    Spec("layers.Dense", {"units": 10, "activation": "softmax"}),
])
TRAJECTORY_LOSS = Spec("losses.SparseCategoricalCrossentropy")


def trajectory_model(spec, seed):
    """The trajectory model, compiled with the optimizer of `spec` (loss and accuracy), seeded initial weights."""
    scratch_nn.utils.set_random_seed(seed)
    model = build(TRAJECTORY_MODEL, scratch_nn)
    model.compile(optimizer=spec.build(), loss=build(TRAJECTORY_LOSS, scratch_nn), metrics=["accuracy"])
    return model


def check_trajectory(spec, seed=0, samples=STEPS * BATCH, validation_split=0.0):
    """`fit` in both libraries from the same weights: same logs and weights, epoch by epoch.

    Every key Keras logs (loss, accuracy, and val_* with a validation split)
    must be logged alike.
    """
    model = trajectory_model(spec, seed)
    x, y = mnist_like(seed, samples)
    twin = twins.keras_twin(TRAJECTORY_MODEL, model)
    twin.compile(optimizer=twins.keras_optimizer(spec.spec()), loss=twins.keras_loss(TRAJECTORY_LOSS),
                 metrics=["accuracy"], jit_compile=False)
    fit_kwargs = {"batch_size": BATCH, "epochs": EPOCHS, "shuffle": False,
                  "validation_split": validation_split}
    expected_history, expected_weights = oracle.fit_history(twin, x, y, **fit_kwargs)
    recorder = oracle.weights_recorder(scratch_nn.callbacks.Callback)
    history = model.fit(x, y, verbose=0, callbacks=[recorder], **fit_kwargs)
    assert sorted(history.history) == sorted(expected_history), "logged keys differ"
    for epoch in range(EPOCHS):
        where = f"{spec}, epoch {epoch}"
        for key, values in expected_history.items():
            assert_close(history.history[key][epoch], values[epoch], LOSS_RTOL, f"{where}: {key}")
        assert_all_close(recorder.weights[epoch], expected_weights[epoch], WEIGHTS_RTOL,
                         f"{where}: weights")


@pytest.mark.parametrize("spec", TRAJECTORY_OPTIMIZERS, ids=lambda s: f"{s.name}{s.kwargs}")
def test_fit_trajectory_matches_keras(spec):
    check_trajectory(spec)


def test_fit_with_partial_batch_and_validation_split_matches_keras():
    """The last batch smaller (310 = 4 x 64 + 54 samples) and a held-out fifth: same logs and weights."""
    check_trajectory(OptimizerSpec("Adam", {"learning_rate": 1e-3}), samples=STEPS * BATCH - 10,
                     validation_split=0.2)


def test_trajectory_helpers_see_keras_defaults():
    """The Keras twin really is float32 and unbiased before BatchNormalization (guards the setup)."""
    model = trajectory_model(OptimizerSpec("Adam", {}), 0)
    twin = twins.keras_twin(TRAJECTORY_MODEL, model)
    assert keras.backend.standardize_dtype(twin.layers[1].kernel.dtype) == "float32"
    assert not twin.layers[1].use_bias
