"""Keras tuned honestly: the configurations a careful Keras user would write for the recipe, and why one was slow.

The speedrun's first comparison trained the recipe on Keras with
``jit_compile=True`` and ``steps_per_execution=32`` in 34.7 s against 3.96 s
for default ``fit``. `probe` counts what could explain it, without a clock:

- **traces** of the train step (a counter in ``train_step``, which Python
  runs only while TensorFlow traces it): a retrace per epoch or per
  learning-rate change would show as more than the two shapes of an epoch
  (full batches and the last, partial one);
- **XLA compilations**: the HLO modules XLA compiled, counted in the dump
  directory ``XLA_FLAGS=--xla_dump_to`` fills (one per compilation);
- **dispatches**: how often Python called the train function (a callback's
  ``on_train_batch_end``): ``ceil(steps / steps_per_execution)`` per epoch
  when ``steps_per_execution`` is honoured with a per-epoch callback;
- **rate writes**: the host-to-variable writes of the learning rate
  (``LearningRateScheduler`` assigns a Python float once per epoch; a schedule
  object in the optimizer writes none);
- **HLO instructions** of the largest compiled module (the train step): the
  work XLA emits per step, with and without the Dropout layer.

Measured on Keras 3.15.1 / TensorFlow 2.21 (docs/SPEEDRUN.md, "Keras tuned"):
two traces and two XLA compilations (with ``jit_compile``) in every
configuration, one rate write per epoch with the callback and none with the
schedule in the optimizer, and ``steps_per_execution`` honoured; the cost is inside the
compiled step: Keras's Dropout is ``tf.nn.experimental.stateless_dropout``
(``keras/src/backend/tensorflow/random.py``), whose random bits XLA expands
into element-wise integer arithmetic on CPU, a few dozen times TensorFlow's
own kernel for the same mask. Keras itself leaves ``jit_compile="auto"`` off
on machines without an accelerator (``Trainer._resolve_auto_jit_compile`` in
``keras/src/trainers/trainer.py``).

    python -m experiments.speedrun.keras_configs [--epochs 2] [--train-size N]  # the counts, a process each
    python -m experiments.speedrun.keras_configs --mask   # the dropout mask's CPU seconds, graph vs XLA
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from experiments.speedrun import recipe as recipes
from experiments.speedrun.recipe import KERAS_CONFIGS, keras_row


def count(recipe, epochs=None, train_size=None):
    """Train ``recipe`` on Keras in this process and count traces, dispatches and rate writes.

    ``epochs`` / ``train_size`` shorten the run (the counts per epoch do not
    depend on them). Call in a fresh process (`probe` does) with
    ``XLA_FLAGS=--xla_dump_to=DIR`` set to count compilations as well.
    """
    import keras

    from experiments import data
    from experiments.speedrun import train

    if epochs is not None:
        recipe = recipe.replace(phases=((epochs, recipe.phases[0][1]),))
    x, y, _, _ = data.load(train_size, 1)
    x, _ = data.preprocess(keras, recipe.preprocessing, x, x[:1])
    keras.utils.set_random_seed(0)
    model, callbacks = train.build(keras, recipe, "keras", n_train=len(x))
    counts = {"traces": 0, "dispatches": 0, "rate_writes": 0}
    step = model.train_step

    def counted_step(batch):
        counts["traces"] += 1
        return step(batch)

    model.train_step = counted_step

    class Counter(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            counts["dispatches"] += 1

    for callback in callbacks:
        if isinstance(callback, keras.callbacks.LearningRateScheduler):
            schedule = callback.schedule

            def writing(epoch, lr=None, schedule=schedule):
                counts["rate_writes"] += 1
                return schedule(epoch)

            callback.schedule = writing
    train.fit(model, [*callbacks, Counter()], recipe, x, train.targets(recipe, y))
    counts.update(epochs=recipe.epochs, steps=sum(recipe.epoch_steps(len(x))))
    return counts


def hlo_counts(dump_dir):
    """``(modules compiled, instructions of the largest optimized module)`` from an XLA dump directory."""
    dump = Path(dump_dir)
    modules = {path.name.split(".")[0] for path in dump.glob("module_*")}
    sizes = [sum(1 for line in path.read_text().splitlines() if " = " in line)
             for path in dump.glob("module_*after_optimizations.txt")]
    return len(modules), max(sizes, default=0)


def probe(recipe, epochs=1, train_size=None):
    """`count` in a fresh one-thread process with an XLA dump; the counts plus ``xla_modules``, ``hlo_instructions``."""
    from experiments.speedrun.cold import one_thread_env

    with tempfile.TemporaryDirectory() as dump:
        env = {**one_thread_env(), "XLA_FLAGS": f"--xla_dump_to={dump} --xla_dump_hlo_as_text"}
        command = [sys.executable, "-m", "experiments.speedrun.keras_configs", "--child",
                   json.dumps(recipes.to_json(recipe)), str(epochs), str(train_size or 0)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"probe of {recipe.label!r} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        modules, instructions = hlo_counts(dump)
    return {**json.loads(lines[-1]), "xla_modules": modules, "hlo_instructions": instructions}


def mask_seconds(shape=(256, 256), rate=0.1, calls=200):
    """CPU seconds per call of Keras's dropout mask, ``{"graph": s, "xla": s}`` (best of 3, this process).

    ``keras.random.dropout`` in a ``tf.function`` with ``jit_compile`` off and
    on: the one op whose compiled form explains the slow configuration. A
    timing: rerun it alone on a quiet machine (``--mask``); the ratio of the
    two is what it is for.
    """
    import time

    import keras
    import tensorflow as tf

    inputs = tf.ones(shape)
    generator = keras.random.SeedGenerator(0)
    found = {}
    for name, jit in (("graph", False), ("xla", True)):
        function = tf.function(lambda: keras.random.dropout(inputs, rate, seed=generator), jit_compile=jit)
        function()
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for _ in range(calls):
                function()
            best = min(best, (time.process_time() - start) / calls)
        found[name] = best
    return found


def main(argv=None, stream=sys.stdout):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        recipe_json, epochs, train_size = argv[1:4]
        print(json.dumps(count(recipes.from_json(json.loads(recipe_json)), int(epochs),
                               int(train_size) or None)), flush=True)
        return None
    parser = argparse.ArgumentParser(prog="python -m experiments.speedrun.keras_configs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2, help="epochs per probe (default 2)")
    parser.add_argument("--train-size", type=int, default=None, help="training images (default all)")
    parser.add_argument("--mask", action="store_true",
                        help="time the dropout mask with and without XLA instead (one thread; a timing)")
    args = parser.parse_args(argv)
    if args.mask:
        from experiments.speedrun.train import limit_threads

        threads = limit_threads("keras", 1)
        found = {**mask_seconds(), "threads": threads, "load": os.getloadavg()[0]}
        print(json.dumps(found), file=stream, flush=True)
        return found
    found = []
    for dropout in (recipes.RECIPE.dropout, 0.0) if recipes.RECIPE.dropout else (0.1, 0.0):
        base = recipes.RECIPE.replace(dropout=dropout)
        for name in KERAS_CONFIGS:
            result = {"config": name, "dropout": dropout,
                      **probe(keras_row(base, name), args.epochs, args.train_size)}
            found.append(result)
            print(json.dumps(result), file=stream, flush=True)
    return found


if __name__ == "__main__":
    main()
