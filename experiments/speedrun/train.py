"""Train one speedrun `Recipe` in this process, on one thread, and score it.

``split="test"`` trains on all 60,000 training images and scores the test set
once, after the recipe's fixed epochs; ``split="validation"`` (choosing the
recipe) trains on the first 50,000 and scores the last 10,000 training images,
never touching the test set. Training seconds are the wall time of the
``fit`` calls (all of them, first-epoch tracing included), with the process's
CPU seconds beside them (on one thread they match on an idle machine; on a
shared one, wall seconds grow with the other work and CPU seconds much less);
loading MNIST,
preprocessing, building and evaluating are outside them (the cold-process
time, `experiments.speedrun.cold`, holds everything).
"""

import os
import time

import numpy as np

from experiments import backends, builders, data

#: Training images kept for choosing the recipe; the rest score it.
VALIDATION_TRAIN = 50_000
#: ``quick`` runs: the first images of each split, for smoke tests.
QUICK_SIZES = (1000, 500)


def one_thread(backend):
    """Limit the backend to one thread; the thread settings now in force, as a string.

    NumPy's BLAS goes through threadpoolctl (the environment variables of
    `experiments.backends.ONE_THREAD_ENVIRONMENT` are set by the caller before the
    process starts, so a library that reads them at load sees them too);
    TensorFlow's intra- and inter-op pools are set before any op runs.
    """
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(1)
    found = [f"{info['internal_api']} {info['num_threads']}" for info in threadpool_info()]
    if backend == "keras":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        found.append(f"tensorflow intra {tf.config.threading.get_intra_op_parallelism_threads()}"
                     f" inter {tf.config.threading.get_inter_op_parallelism_threads()}")
    return ", ".join(found)


def splits(split, quick=False):
    """``(x_train, y_train, x_score, y_score)`` for ``split`` ("test" or "validation")."""
    train_size, test_size = QUICK_SIZES if quick else (None, None)
    if split == "test":
        return data.load(train_size, test_size)
    if split != "validation":
        raise ValueError(f"split must be 'test' or 'validation', received {split!r}")
    x, y, _, _ = data.load()
    cut = train_size or VALIDATION_TRAIN
    end = cut + test_size if quick else None
    return x[:cut], y[:cut], x[cut:end], y[cut:end]


def quick_recipe(recipe):
    """``recipe`` cut to one epoch per ``fit`` call (``--quick``)."""
    return recipe.replace(phases=tuple((1, batch) for _, batch in recipe.phases))


def build(module, recipe, backend):
    """The compiled model of ``recipe`` and the callbacks it gives every ``fit`` call."""
    setting = recipe.setting()
    model = builders.build(module, setting, backend)
    callbacks = builders.callbacks(module, setting)
    schedule = recipe.learning_rate_schedule()
    if schedule is not None:
        callbacks.append(module.callbacks.LearningRateScheduler(schedule))
    return model, callbacks


def fit(model, callbacks, recipe, x, y):
    """Run the recipe's ``fit`` calls; the epochs actually run (early stopping may cut them)."""
    epoch = 0
    for epochs, batch_size in recipe.phases:
        history = model.fit(x, y, batch_size=batch_size, epochs=epoch + epochs, initial_epoch=epoch,
                            validation_split=recipe.validation_split, callbacks=callbacks, verbose=0)
        ran = len(history.history.get("loss", []))
        epoch += ran
        if ran < epochs:
            break
    return epoch


def run(recipe, backend, seed, split="test", quick=False):
    """Train ``recipe`` once on ``backend`` with ``seed``; a dict of what was measured."""
    module, _ = backends.load(backend)
    threads = one_thread(backend)
    if quick:
        recipe = quick_recipe(recipe)
    x_train, y_train, x_score, y_score = splits(split, quick)
    x_train, x_score = data.preprocess(module, recipe.preprocessing, x_train, x_score)
    module.utils.set_random_seed(seed)
    model, callbacks = build(module, recipe, backend)
    start, cpu_start = time.perf_counter(), time.process_time()
    with np.errstate(all="ignore"):
        epochs_run = fit(model, callbacks, recipe, x_train, y_train)
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    loss, accuracy = (float(v) for v in model.evaluate(x_score, y_score, verbose=0))
    return {"row": recipe.label, "backend": backend, "seed": seed, "split": split,
            "accuracy": accuracy, "loss": loss, "train_s": train_s, "train_cpu_s": train_cpu_s,
            "epochs_run": epochs_run,
            "epochs": recipe.epochs, "train_size": len(x_train), "score_size": len(x_score),
            "threads": threads, "load_avg": os.getloadavg()[0],
            "versions": ", ".join(f"{k} {v}" for k, v in backends.versions(backend).items())}


def describe(model):
    """What a built model trains, read the same way from either backend (for the tests).

    Returns:
        ``(layers, optimizer)``: per layer its class name and its units,
        activation name and rate where it has them; the optimizer's class
        name, learning rate and Adam constants.
    """
    layers = []
    for layer in model.layers:
        entry = [type(layer).__name__]
        if hasattr(layer, "units"):
            # A function on Keras, an `Activation` object on scratch_nn: both carry the name.
            activation = layer.activation
            entry += [layer.units, getattr(activation, "name", None) or activation.__name__]
        if hasattr(layer, "rate"):
            entry.append(float(layer.rate))
        layers.append(tuple(entry))
    optimizer = model.optimizer
    constants = tuple(round(float(getattr(optimizer, name)), 12)
                      for name in ("learning_rate", "beta_1", "beta_2", "epsilon")
                      if hasattr(optimizer, name))
    return layers, (type(optimizer).__name__, constants)
