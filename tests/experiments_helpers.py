"""Synthetic run records for the experiments' unit tests (no training, no MNIST)."""

from experiments import store


def record(setting, backend="scratch", seed=0, val_accuracy=(0.9, 0.95, 0.99), seconds=None,
           loss=None, experiment="optimizer", diverged=False, val_loss=None):
    """A run record shaped like `experiments.runner.run_one`'s, with a made-up history."""
    epochs = len(val_accuracy)
    seconds = seconds or [1.0] * epochs
    loss = loss or [1.0 / (epoch + 1) for epoch in range(epochs)]
    val_loss = val_loss or [1.0 - accuracy for accuracy in val_accuracy]
    history = [
        {"epoch": epoch + 1, "seconds": seconds[epoch], "loss": loss[epoch],
         "accuracy": min(1.0, val_accuracy[epoch] + 0.01), "val_loss": val_loss[epoch],
         "val_accuracy": val_accuracy[epoch]}
        for epoch in range(epochs)
    ]
    fields = {
        "experiment": experiment, "setting": setting, "group": "", "x": None, "backend": backend,
        "seed": seed, "key": f"{experiment}-{setting}-{backend}-{seed}", "epochs_max": epochs,
        "train_size": 100, "test_size": 50, "val_source": "validation_split", "learning_rate": None,
        "import_s": 0.5, "build_s": 0.01, "test_loss": 0.1, "test_accuracy": val_accuracy[-1] - 0.005,
        "diverged": diverged, "x_train_mean": 0.13, "x_train_max": 1.0, "x_test_mean": 0.13,
        "x_test_max": 1.0, "machine": "test machine", "load_avg": 0.5, "versions": "numpy test",
    }
    assert set(fields) == set(store.RUN_FIELDS)
    return {**fields, "history": history}
