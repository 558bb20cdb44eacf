"""Train one speedrun `Recipe` in this process, on one thread (or the defaults), and score it.

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


def limit_threads(backend, threads):
    """Limit the backend to ``threads`` (1, or None for the libraries' defaults); the settings, as a string.

    With ``threads=1``, NumPy's BLAS goes through threadpoolctl (the
    environment variables of `experiments.backends.ONE_THREAD_ENVIRONMENT` are
    set by the caller before the process starts, so a library that reads them
    at load sees them too) and TensorFlow's intra- and inter-op pools are set
    before any op runs. With None nothing is changed: what a user gets by
    default on this machine, reported as found (TensorFlow's 0 means its own
    choice, one thread per core).
    """
    from threadpoolctl import threadpool_info, threadpool_limits

    if threads not in (1, None):
        raise ValueError(f"threads must be 1 or None (the defaults), received {threads!r}")
    if threads == 1:
        threadpool_limits(1)
    found = [f"{info['internal_api']} {info['num_threads']}" for info in threadpool_info()]
    if backend == "keras":
        import tensorflow as tf

        if threads == 1:
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
    """``recipe`` cut to one epoch per phase (``--quick``)."""
    return recipe.replace(phases=tuple((1, *phase[1:]) for phase in recipe.phases))


def targets(recipe, y):
    """The labels as ``fit`` gets them: as they are, or one-hot float32 for label smoothing."""
    if not recipe.label_smoothing:
        return y
    return np.eye(10, dtype="float32")[y]


def build(module, recipe, backend, n_train=None):
    """The compiled model of ``recipe`` and the callbacks it gives every ``fit`` call.

    The model is `experiments.builders.build`'s. A schedule in the optimizer
    (``schedule_in="optimizer"``) is a ``PiecewiseConstantDecay`` over the
    steps of ``n_train`` training images (`Recipe.step_schedule`); a
    callback schedule is ``LearningRateScheduler`` with the `WarmupCosine`.
    Label smoothing compiles again with ``CategoricalCrossentropy`` (one-hot
    targets, `targets`).
    """
    setting = recipe.setting()
    schedule = recipe.learning_rate_schedule()
    in_optimizer = schedule is not None and recipe.schedule_in == "optimizer"
    if in_optimizer:
        if n_train is None:
            raise ValueError("build: a schedule in the optimizer needs n_train, the training images")
        name, kwargs = recipe.optimizer
        boundaries, values = recipe.step_schedule(n_train)
        # One epoch has no boundary, and Keras's PiecewiseConstantDecay needs one: a constant rate.
        rates = (module.optimizers.schedules.PiecewiseConstantDecay(boundaries, values) if boundaries
                 else values[0])
        setting = setting.replace(optimizer=(name, {**kwargs, "learning_rate": rates}))
    model = builders.build(module, setting, backend)
    if recipe.label_smoothing:
        options = setting.compile_options if backend == "keras" else {}
        model.compile(optimizer=model.optimizer, metrics=["accuracy"], **options,
                      loss=module.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing))
    callbacks = builders.callbacks(module, setting)
    if schedule is not None and not in_optimizer:
        callbacks.append(module.callbacks.LearningRateScheduler(schedule))
    return model, callbacks


def fit(model, callbacks, recipe, x, y, seed=0, validation_data=None):
    """Run the recipe's ``fit`` calls; ``(epochs run, validation accuracy after each epoch)``.

    A phase with a fraction below 1 trains each epoch on ``int(fraction n)``
    images drawn without replacement (NumPy's generator seeded with
    ``(seed, epoch)``, the same draw on both backends), one ``fit`` call per
    epoch; early stopping may cut a phase short. The accuracies are empty
    without ``validation_data``.
    """
    epoch, curve = 0, []
    for phase in recipe.phases:
        epochs, batch_size = phase[:2]
        fraction = phase[2] if len(phase) == 3 else 1.0
        if fraction < 1:
            calls = [(epoch + e, 1) for e in range(epochs)]
        else:
            calls = [(epoch, epochs)]
        ran = 0
        for start, count in calls:
            if fraction < 1:
                pick = np.random.default_rng((seed, start)).choice(len(x), int(fraction * len(x)),
                                                                     replace=False)
                x_fit, y_fit = x[pick], y[pick]
            else:
                x_fit, y_fit = x, y
            history = model.fit(x_fit, y_fit, batch_size=batch_size, epochs=start + count,
                                initial_epoch=start, validation_split=recipe.validation_split,
                                validation_data=validation_data, callbacks=callbacks, verbose=0)
            done = len(history.history.get("loss", []))
            curve += [float(v) for v in history.history.get("val_accuracy", [])]
            ran += done
            if done < count:
                break
        epoch += ran
        if ran < epochs:
            break
    return epoch, curve


def run(recipe, backend, seed, split="test", quick=False, threads=1, curve=False):
    """Train ``recipe`` once on ``backend`` with ``seed``; a dict of what was measured.

    ``threads``: 1, or None for the libraries' defaults (`limit_threads`).
    ``curve``: score the held-out split after every epoch as well (the
    recipe search's training curves; it costs an evaluation per epoch, inside
    the training seconds).
    """
    module, _ = backends.load(backend)
    found_threads = limit_threads(backend, threads)
    if quick:
        recipe = quick_recipe(recipe)
    x_train, y_train, x_score, y_score = splits(split, quick)
    x_train, x_score = data.preprocess(module, recipe.preprocessing, x_train, x_score)
    y_train, y_score = targets(recipe, y_train), targets(recipe, y_score)
    module.utils.set_random_seed(seed)
    model, callbacks = build(module, recipe, backend, n_train=len(x_train))
    start, cpu_start = time.perf_counter(), time.process_time()
    with np.errstate(all="ignore"):
        epochs_run, accuracies = fit(model, callbacks, recipe, x_train, y_train, seed,
                                     validation_data=(x_score, y_score) if curve else None)
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    loss, accuracy = (float(v) for v in model.evaluate(x_score, y_score, verbose=0))
    return {"row": recipe.label, "backend": backend, "seed": seed, "split": split,
            "accuracy": accuracy, "loss": loss, "train_s": train_s, "train_cpu_s": train_cpu_s,
            "epochs_run": epochs_run, "curve": accuracies,
            "epochs": recipe.epochs, "train_size": len(x_train), "score_size": len(x_score),
            "threads": found_threads, "load_avg": os.getloadavg()[0],
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
