"""REPORT.md, summary.csv and the figures, rebuilt from synthetic saved runs."""

import csv

import pytest

from experiments import report, store
from experiments.__main__ import main
from tests.experiments_helpers import record

PNG = b"\x89PNG"


def optimizer_runs():
    """Adam reaches 97% in 1 epoch (2 s); SGD in 2.5 epochs of 4 s (10 s): 5x = 2.5x x 2x."""
    runs = []
    for backend in ("scratch", "keras"):
        for seed in (0, 1):
            runs.append(record("Adam(0.001)", backend, seed, val_accuracy=(0.98, 0.99), seconds=[2.0, 2.0]))
            runs.append(record("SGD(0.01)", backend, seed, val_accuracy=(0.90, 0.95, 0.99),
                               seconds=[4.0, 4.0, 4.0]))
    return runs


def seed_runs():
    """Example 3 as written: validation fine, test set raw (mean 33) and test accuracy low."""
    runs = []
    for number in (1, 2, 3):
        for version in ("as written", "corrected"):
            run = record(f"Example {number} {version}", experiment="seed_examples",
                         val_accuracy=(0.95, 0.975))
            if number == 3 and version == "as written":
                run.update(test_accuracy=0.42, x_train_mean=0.0541, x_test_mean=33.3, x_test_max=255.0)
            runs.append(run)
    return runs


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Two experiments' saved runs and the report built from them (figures are slow: once)."""
    out = tmp_path_factory.mktemp("results")
    store.write_runs_csv(out / "optimizer" / "runs.csv", optimizer_runs())
    store.write_runs_csv(out / "seed_examples" / "runs.csv", seed_runs())
    return out, report.write(out, 0.97).read_text()


@pytest.fixture
def optimizer_only(tmp_path):
    store.write_runs_csv(tmp_path / "optimizer" / "runs.csv", optimizer_runs())
    return tmp_path


def test_report_sections_figures_and_summary(results):
    results, text = results
    for name in ("seed_examples", "optimizer"):
        assert f"## {name}\n" in text
        assert f"![{name}: learning curves]({name}/curves.png)" in text
        for figure in ("curves.png", "key.png"):
            assert (results / name / figure).read_bytes().startswith(PNG)
    assert text.index("## seed_examples") < text.index("## optimizer"), "report order"
    assert "**Question.** Which optimizer reaches" in text
    with open(results / "optimizer" / "summary.csv") as file:
        rows = list(csv.DictReader(file))
    assert [(r["setting"], r["backend"]) for r in rows] == [
        ("Adam(0.001)", "scratch"), ("SGD(0.01)", "scratch"), ("Adam(0.001)", "keras"), ("SGD(0.01)", "keras")]
    assert float(rows[1]["seconds_to_target"]) == pytest.approx(10.0)


def test_ranking_and_findings_are_written_from_the_numbers(results):
    _, text = results
    ranking = text.split("## The answer")[1].split("## Do both backends")[0]
    # Baseline SGD(0.01) against the best, Adam: 10 s against 2 s at 97%; 8 s against 2 s at 95%.
    assert ("| [the optimizer (plain SGD vs momentum, RMSprop, Adam)](#optimizer) | scratch | SGD(0.01) "
            "| 1 | best Adam(0.001), 2 s (1.00 epochs): 5x = 2.5x epochs x 2x s/epoch "
            "| 1 | best Adam(0.001), 2 s (1.00 epochs): 4x = 2x epochs x 2x s/epoch |") in ranking
    # The optimizer's 5x ranks above the seed examples', whose baseline is already the best.
    assert ranking.index("(#optimizer)") < ranking.index("(#seed_examples)")
    assert "| Example 2 as written | 2 | the baseline is the best: Example 2 as written, 1.8 s" in ranking
    assert ("- **scratch**: baseline SGD(0.01); best Adam(0.001), 2 s (1.00 epochs): "
            "5x = 2.5x epochs x 2x s/epoch.") in text
    assert "| SGD(0.01) | keras | 2.50 | 10 s | 4 s | 99.00% | 98.50% |" in text


def test_agreement_section_compares_backends_against_the_seed_spread(results):
    results, text = results
    section = text.split("## Do both backends show the same effects?")[1].split("## One-off")[0]
    assert "**2 of 2 settings agree (100%).**" in section
    assert "| optimizer | 2 / 2 | yes | n/a |" in section
    assert "| optimizer | SGD(0.01) | 2.50 | 2.50 | 0.00 | 0.00 | yes |" in section
    assert (results / "agreement.png").read_bytes().startswith(PNG)


def test_agrees_within_the_spread_over_seeds():
    from experiments import measures

    def rows(scratch_acc, keras_acc):
        runs = [record("A", backend, seed, val_accuracy=acc)
                for backend, accs in (("scratch", scratch_acc), ("keras", keras_acc))
                for seed, acc in enumerate(accs)]
        return report.pairs(measures.summarize(runs, 0.97))[0]

    # scratch 2 and 3 epochs (spread 1), Keras 3.5: within the spread? 3.5 - 2.5 = 1 <= 1.
    assert report.agrees(*rows([(0.9, 0.97), (0.9, 0.95, 0.97)], [(0.9, 0.95, 0.96, 0.98)] * 2))
    assert not report.agrees(*rows([(0.9, 0.97)] * 2, [(0.9, 0.95, 0.96, 0.98)] * 2))
    assert not report.agrees(*rows([(0.9, 0.97)], [(0.9, 0.95)]))  # one backend never reaches it
    assert report.agrees(*rows([(0.9, 0.95)], [(0.9, 0.96)]))  # neither does
    assert report.agrees(*rows([(0.9, 0.97)], [(0.9, 0.97)])) is None  # one seed: no spread to judge by


def test_seed_example_notes_show_claim_and_measured_inputs(results):
    _, text = results
    assert "- **Example 3.** The article: normalizing the pixels significantly improves" in text
    assert "test accuracy 42.00%" in text
    assert "train inputs mean 0.0541, max 1; test inputs mean 33.3, max 255" in text
    assert "training inputs of mean 0.0541 (x / 255 gives 0.13)" in text
    assert "- scratch: validation accuracy 97.50% (validation split" in text


def test_unreached_targets_are_bounds_not_numbers(optimizer_only):
    text = report.write(optimizer_only, 0.995).read_text()
    assert "no setting reaches 99.50% (best 99.00%, Adam(0.001))" in text
    assert "not reached (> 12 s)" in text  # SGD trained 3 x 4 s


def test_report_command_rebuilds_without_training(optimizer_only):
    main(["report", "--out", str(optimizer_only), "--target", "0.98"])
    assert "Targets: 98.00% validation accuracy" in (optimizer_only / "REPORT.md").read_text()
    with pytest.raises(SystemExit, match="no saved runs"):
        main(["report", "--out", str(optimizer_only / "empty")])


def test_fmt_and_cell():
    assert report.fmt(0.97123, "acc") == "97.12%"
    assert report.fmt(12.345, "s") == "12.3 s" and report.fmt(1234.5, "s") == "1234 s"
    assert report.fmt(None, "s") == "n/a" and report.fmt(float("inf"), "e") == "never"
    row = {"runs": 3, "reached": 2, "seconds_to_target": 4.0, "seconds_to_target_min": 3.0,
           "seconds_to_target_max": 5.0, "seconds_to_target_lb": 4.0}
    assert report.cell(row, "seconds_to_target", "s") == "4 s [3 s - 5 s] (2/3 seeds)"


def test_seed_counts_say_which_settings_ran_fewer_seeds():
    runs = optimizer_runs()
    assert report.seed_counts(runs) == "2 seed(s)"
    # A third seed pass cut short: every scratch setting got seed 2, Keras only Adam.
    runs += [record("Adam(0.001)", backend, 2) for backend in ("scratch", "keras")]
    runs.append(record("SGD(0.01)", "scratch", 2))
    assert report.seed_counts(runs) == "seeds per setting: keras 2-3, scratch 3"


def test_early_stopping_and_implementation_notes():
    from experiments import early_stopping, implementation, measures

    runs = [record("no early stopping", val_accuracy=(0.96, 0.98, 0.975, 0.97), seconds=[2.0] * 4,
                   val_loss=[0.3, 0.1, 0.2, 0.3]),
            record("patience 3", val_accuracy=(0.96, 0.98), seconds=[2.0] * 2)]
    lines = early_stopping.notes(measures.summarize(runs, 0.97), runs, report.fmt)
    assert lines[0] == ("- scratch: without early stopping, 4 epochs in 8 s, least validation loss at "
                        "epoch 2, test accuracy 96.50%.")
    assert lines[1] == "  - patience 3: stopped after 2 epochs, 50% of the time saved, test accuracy 97.50%."

    runs = [record("naive", backend="naive", seconds=[30.0] * 3), record("numpy", seconds=[1.5] * 3)]
    (line,) = implementation.notes(measures.summarize(runs, 0.97), runs, report.fmt)
    assert line == "- Seconds per epoch against the fastest (numpy, 1.5 s): naive 20x."


def test_range_test_notes_compare_epochs_at_default_and_suggested_rate():
    from experiments import lr_range_test, measures

    runs = [record("SGD(0.01)", val_accuracy=(0.9, 0.95, 0.99)),
            record("SGD(range test)", val_accuracy=(0.96, 0.98)),
            record("Adam(0.001)", val_accuracy=(0.98, 0.99)),
            record("Adam(range test)", val_accuracy=(0.9, 0.92))]
    for run, group, rate in zip(runs, ("SGD", "SGD", "Adam", "Adam"), (0.01, 0.0307, 0.001, 0.0023)):
        run.update(group=group, learning_rate=rate)
    sgd, adam = lr_range_test.notes(measures.summarize(runs, 0.97), runs, report.fmt)
    assert sgd == ("- scratch, SGD: suggested rate 0.0307; epochs to target 2.50 epochs at SGD(0.01), "
                   "1.50 epochs at the suggestion: no more than the default.")
    assert adam == ("- scratch, Adam: suggested rate 0.0023; epochs to target 1.00 epochs at Adam(0.001), "
                    "not reached in 2 epochs (best 92.00%) at the suggestion: more than the default.")
