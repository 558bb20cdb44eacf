"""The doctor corpus (`experiments.doctor_corpus`): its table is consistent, its scoring counts right,
and one buggy/fixed pair goes through the Keras confirmation."""

import ast

import pytest

from experiments.doctor.report import OK, PROBLEM, WARN, CheckResult, Report
from experiments.doctor_corpus import cases, runner, scoring
from experiments.doctor_corpus.cases import CASES, FAULT_CHECKS, Case

BENCHMARKS = ("DeepLocalize", "DeepFD", "DeepDiagnosis", "AUTOTRAINER")


def _calls(path):
    """Names of the attribute calls in a script (``fit``, ``compile``...)."""
    tree = ast.parse(path.read_text())
    return {node.func.attr for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_case_has_both_scripts_a_source_and_mapped_faults(case):
    for version in runner.VERSIONS:
        path = runner.script(case, version)
        assert path.exists(), f"{case.name}: no {path.name}"
        assert {"fit", "compile"} <= _calls(path), f"{path.name} does not compile and fit a model"
        assert "corpus-metric" in path.read_text(), f"{path.name} does not print its metric"
    assert any(name in case.source for name in BENCHMARKS), case.source
    assert case.url.startswith("https://")
    assert case.faults and set(case.faults) <= set(FAULT_CHECKS), case.faults
    assert case.cause and set(case.cause) <= set(FAULT_CHECKS), case.cause
    assert case.checks(), "the documented cause maps to no doctor check"
    assert case.fix and case.data and case.adaptations and case.metric
    assert 0 < case.level <= 1
    assert bool(case.remaining) == bool(case.remaining_checks), \
        "a remaining issue needs the checks that may flag it, and only then"


def test_the_table_and_the_programs_folder_agree():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    on_disk = {path.stem.rsplit("_", 1)[0] for path in runner.PROGRAMS.glob("*.py")}
    assert on_disk == set(names)
    assert all(reason for _, reason in cases.NOT_REBUILT)


def test_unknown_case_names_are_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown case.*nope.*so31880720"):
        cases.by_name(["nope"])
    assert [c.name for c in cases.by_name(["at_gradient_vanish"])] == ["at_gradient_vanish"]


def _case(**changes):
    fields = {"name": "toy", "source": "DeepFD #0", "url": "https://example.org",
              "faults": ("activation", "epoch"), "cause": ("activation",), "fix": "sigmoid", "data": "toy",
              "adaptations": ("none",), "metric": "accuracy", "level": 0.8}
    return Case(**{**fields, **changes})


def _outcome(*results):
    """A doctor outcome holding a report with one check per ``(key, status, gain)``."""
    checks = [CheckResult(key, key, status, "found", fix=None if status == OK else "change it", gain=gain)
              for key, status, gain in results]
    return {"status": "report", "report": Report({}, checks).to_dict(), "message": ""}


def test_score_detected_right_cause_and_no_false_alarm():
    buggy = _outcome(("input_scale", OK, None), ("output_loss", PROBLEM, None), ("learning_rate", WARN, 9.0))
    fixed = _outcome(("input_scale", OK, None), ("output_loss", OK, None))
    scored = scoring.score(_case(), buggy, fixed)
    assert scored["detected"] and scored["right_cause"] and not scored["false_alarm"]
    assert scored["top_fix"] == "output_loss"  # a PROBLEM ranks before a WARN of larger gain
    assert scored["buggy_alarms"] == ["output_loss", "learning_rate"]


def test_score_wrong_cause_when_the_top_fix_addresses_another_fault():
    buggy = _outcome(("learning_rate", PROBLEM, 3.0), ("output_loss", WARN, None))
    scored = scoring.score(_case(), buggy, _outcome(("output_loss", OK, None)))
    assert scored["detected"] and not scored["right_cause"]
    assert scored["top_fix"] == "learning_rate"


def test_an_alarm_on_the_fixed_version_is_excused_only_by_a_named_remaining_issue():
    buggy = _outcome(("output_loss", PROBLEM, None))
    fixed = _outcome(("batch_size", WARN, 2.0), ("input_scale", WARN, 3.0))
    plain = scoring.score(_case(), buggy, fixed)
    assert plain["false_alarm"] and plain["unexplained"] == ["batch_size", "input_scale"]
    excused = scoring.score(_case(remaining="batch 1", remaining_checks=("batch_size",)), buggy, fixed)
    assert excused["false_alarm"] and excused["unexplained"] == ["input_scale"]
    both = scoring.score(_case(remaining="batch 1, raw inputs",
                               remaining_checks=("batch_size", "input_scale")), buggy, fixed)
    assert not both["false_alarm"]


def test_a_refusal_is_not_a_detection_and_not_an_alarm():
    refused = {"status": "refused", "report": None, "message": "Conv2D layers"}
    scored = scoring.score(_case(), refused, refused)
    assert not scored["detected"] and not scored["right_cause"] and not scored["false_alarm"]
    assert scored["top_fix"] is None
    assert "refused: Conv2D layers" in scored["notes"][0]


def test_reproduced_needs_the_bug_below_the_level_and_the_fix_at_it():
    case = _case(level=0.8)

    def confirmation(buggy, fixed):
        return {"buggy": {"metric": buggy}, "fixed": {"metric": fixed}}

    assert scoring.reproduced(case, confirmation(0.5, 0.8))
    assert not scoring.reproduced(case, confirmation(0.8, 0.9))
    assert not scoring.reproduced(case, confirmation(0.5, 0.79))
    assert not scoring.reproduced(case, confirmation(None, 0.9))


def test_markdown_counts_only_reproduced_cases():
    good, bad = _case(name="good"), _case(name="bad")
    detected = scoring.score(good, _outcome(("output_loss", PROBLEM, None)), _outcome(("output_loss", OK, None)))
    rows = [(good, {"buggy": {"metric": 0.5}, "fixed": {"metric": 0.9}}, detected),
            (bad, {"buggy": {"metric": 0.9}, "fixed": {"metric": 0.9}}, None)]
    table = scoring.markdown(rows, [("SO 1", "refused: Conv2D layers")])
    assert "2 MLP cases, 1 reproduced" in table and "1 scored" in table
    assert "Detected 1/1 (100%" in table and "right cause first 1/1" in table
    assert "| bad |" in table and "not scored" in table
    assert "- SO 1: refused: Conv2D layers" in table
    assert all(line in table for line in scoring.PUBLISHED)


def test_parse_metric_takes_the_last_metric_line():
    assert runner.parse_metric("corpus-metric 0.5\nnoise\ncorpus-metric 0.75\n") == 0.75
    assert runner.parse_metric("Epoch 1/1\nloss: 0.3\n") is None
    assert runner.parse_metric("corpus-metric nan-ish\n") is None


def test_the_table_is_rebuilt_from_the_cache_without_running_anything(tmp_path):
    import json

    case = cases.by_name(["so45337371"])[0]
    folder = tmp_path / case.name
    folder.mkdir()
    for version, metric in (("buggy", 0.5), ("fixed", 0.96)):
        (folder / f"confirm_{version}.json").write_text(json.dumps({"metric": metric, "seconds": 1.0}))
    (folder / "doctor_buggy.json").write_text(json.dumps(_outcome(("output_loss", PROBLEM, None))))
    (folder / "doctor_fixed.json").write_text(json.dumps(_outcome(("output_loss", OK, None))))
    ((_, confirmation, scored),) = runner.run([case], tmp_path, steps=())
    assert confirmation["fixed"]["metric"] == 0.96
    assert scored["detected"] and scored["right_cause"] and not scored["false_alarm"]
    assert "Detected 1/1" in (tmp_path / "scores.md").read_text()


def test_one_pair_is_confirmed_in_keras(tmp_path):
    """Softmax over one unit (SO 31880720): the buggy script stays at chance, the fixed one learns.

    One epoch of 200 rows (the scripts' second argument; by default 2000 rows): 200 updates of
    batch size 1.
    """
    pytest.importorskip("keras")
    case = cases.by_name(["so31880720"])[0]
    ((_, confirmation, scored),) = runner.run([case], tmp_path, steps=("confirm",), script_args=(1, 200))
    assert scored is None
    assert confirmation["buggy"]["metric"] == pytest.approx(0.5), confirmation["buggy"]["tail"]
    assert confirmation["fixed"]["metric"] >= case.level, confirmation["fixed"]["tail"]
    assert scoring.reproduced(case, confirmation)
    assert (tmp_path / case.name / "confirm_buggy.json").exists()
    assert confirmation["fixed"]["script_args"] == ["1", "200"]
    assert "1 reproduced" in (tmp_path / "scores.md").read_text()


def test_the_keypoints_stand_in_is_in_range_and_linear_in_the_pixels():
    """`data.keypoints` promises pixels in [0, 1], targets in [-1, 1], and targets a linear map of the pixels
    fits (the property the FacialKeypointsDetection case needs: its network has no activations)."""
    import numpy as np

    from experiments.doctor_corpus import data

    x, y = data.keypoints(600, side=16, seed=3)
    assert x.shape == (600, 256) and y.shape == (600, 30)
    assert x.dtype == y.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and np.abs(y).max() <= 1.0
    train, held = slice(0, 480), slice(480, None)
    design = np.c_[x, np.ones(len(x))]
    weights = np.linalg.lstsq(design[train], y[train], rcond=None)[0]
    residual = design[held] @ weights - y[held]
    r2 = 1.0 - (residual ** 2).sum() / ((y[held] - y[held].mean(axis=0)) ** 2).sum()
    assert r2 > 0.8, r2
    again = data.keypoints(600, side=16, seed=3)
    assert np.array_equal(x, again[0]) and np.array_equal(y, again[1])


@pytest.mark.parametrize("case", [case for case in CASES if "generated" in case.source],
                         ids=lambda case: case.name)
def test_a_generated_autotrainer_case_names_its_model_and_file(case):
    """AUTOTRAINER's generated models are known by name in DeepDiagnosis's model files; the case says which."""
    assert "`model_" in case.source and "Models_" in case.source, case.source
