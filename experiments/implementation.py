"""How much of the time is the implementation: Python loops, float64, Keras's per-step overhead?

The same model and algorithm (784-128-10, plain SGD at 0.1, batch 32, pixels
/ 255) trained by a deliberately naive per-sample Python loop
(`experiments.naive_loop`), by scratch_nn's vectorized NumPy in float32 and
float64, and by Keras with its default compile, with ``jit_compile=True``
(XLA) and with ``steps_per_execution=32`` (32 steps per call into the graph).
The number of epochs to target should barely move; the seconds per epoch do.
"""

from experiments.settings import BASE, KeyPlot

_SAME = BASE.replace(optimizer=("SGD", {"learning_rate": 0.1}), batch_size=32, epochs=5)

CAUSE = "the implementation (Python loops, float64, per-step overhead)"

SETTINGS = [
    _SAME.replace(label="naive per-sample loop", backend="naive"),
    _SAME.replace(label="scratch_nn float32", backend="scratch"),
    _SAME.replace(label="scratch_nn float64", backend="scratch", dtype="float64"),
    _SAME.replace(label="Keras default", backend="keras"),
    _SAME.replace(label="Keras jit_compile=True", backend="keras", compile_options={"jit_compile": True}),
    _SAME.replace(label="Keras steps_per_execution=32", backend="keras",
                  compile_options={"steps_per_execution": 32}),
]

#: Keras as a user compiles it.
BASELINE = "Keras default"

KEY_PLOT = KeyPlot(metrics=("seconds_per_epoch", "seconds_to_target"), logy=True)
EXTRA_COLUMNS = ("first_epoch_overhead_s", "build_s", "import_s")
#: Compare all implementations in one pool, not per backend.
POOLED = True


def notes(rows, records, fmt):
    """Seconds per epoch of every implementation against the fastest one."""
    fastest = min(rows, key=lambda row: row["seconds_per_epoch"])
    return [f"- Seconds per epoch against the fastest ({fastest['setting']}, "
            f"{fmt(fastest['seconds_per_epoch'], 's')}): "
            + ", ".join(f"{row['setting']} {fmt(row['seconds_per_epoch'] / fastest['seconds_per_epoch'], 'x')}"
                        for row in rows if row is not fastest) + "."]
