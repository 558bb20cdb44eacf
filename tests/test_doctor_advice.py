"""The doctor_advice experiment's pieces: applying a fix, the before/after table (no training)."""

from experiments import doctor_advice, measures
from experiments.settings import BASE


def test_apply_puts_a_rate_into_a_named_optimizer():
    setting = BASE.replace(optimizer="sgd")
    fixed = doctor_advice.apply(setting, {"learning_rate": 0.1})
    assert fixed.optimizer == ("SGD", {"learning_rate": 0.1})
    assert setting.optimizer == "sgd"


def test_apply_keeps_the_optimizers_other_arguments_and_sets_other_fields():
    setting = BASE.replace(optimizer=("SGD", {"learning_rate": 1e-5, "momentum": 0.9}))
    fixed = doctor_advice.apply(setting, {"learning_rate": 0.05, "batch_size": 64,
                                          "preprocessing": "scale"})
    assert fixed.optimizer == ("SGD", {"learning_rate": 0.05, "momentum": 0.9})
    assert (fixed.batch_size, fixed.preprocessing) == (64, "scale")


def test_every_setup_is_a_distinct_setting_with_its_own_label():
    assert len({s.label for s in doctor_advice.SETTINGS}) == len(doctor_advice.SETUPS)
    configs = {repr(s.replace(label="")) for s in doctor_advice.SETUPS.values()}
    assert len(configs) == len(doctor_advice.SETUPS)


def _record(label, group, accuracies, seconds=1.0, prescription=None):
    history = [{"epoch": i + 1, "seconds": seconds, "loss": 0.5, "accuracy": a,
                "val_loss": 0.5, "val_accuracy": a} for i, a in enumerate(accuracies)]
    return {"experiment": "doctor_advice", "setting": label, "group": group, "x": None,
            "backend": "scratch", "seed": 0, "epochs_max": len(history), "diverged": False,
            "build_s": 0.0, "import_s": 0.0, "test_accuracy": accuracies[-1],
            "history": history, "prescription": prescription}


def test_table_gives_speed_ups_and_lower_bounds():
    verdict = {"status": "PROBLEM", "top": {"preprocessing": "scale"},
               "problems": {"preprocessing": "scale"},
               "fixes": [{"key": "input_scale", "status": "PROBLEM",
                          "change": {"preprocessing": "scale"}}]}
    healthy = {"status": "OK", "top": None, "problems": None, "fixes": []}
    records = [
        _record("raw pixels", "as given", [0.5, 0.6, 0.7, 0.8], 2.0, verdict),
        _record("raw pixels + top fix", "top fix", [0.95, 0.97, 0.98, 0.98], 2.0, verdict),
        _record("slow", "as given", [0.5, 0.9, 0.97, 0.98], 1.0, verdict),
        _record("slow + top fix", "top fix", [0.97, 0.98, 0.98, 0.98], 1.0, verdict),
        _record("healthy", "as given", [0.97, 0.98], 1.0, healthy),
    ]
    lines = doctor_advice.table(records, 0.97).splitlines()
    raw, slow, ok = lines[2], lines[3], lines[4]
    # As given never reaches 97% in 8 s; the fix does in its second epoch (4 s).
    assert ">= 2x (as given never reached it)" in raw and "= top fix" in raw
    assert "| PROBLEM | input_scale" in raw
    assert "| 3x |" in slow
    assert "| OK | none |" in ok and "| - |" in ok
    notes = doctor_advice.notes(measures.summarize(records, 0.97), records, None)
    assert notes[-1].endswith("the doctor recommended no change.")
