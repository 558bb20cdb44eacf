"""Count the ported Keras cases per Keras test file: passing / applicable.

Run from the repository root::

    python -m tests.keras_cases.summary           # the table docs/TESTS.md shows

Each module's docstring names its Keras file on its first line
(``keras/src/...test.py``). Tests named ``test_scratch_*`` check scratch_nn's
refusals beside the cases and are not counted. Applicable cases are every case but those
refused by design; a case skipped as "not in scratch_nn yet" is applicable
and not passing.
"""

import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.keras_cases.support import MISSING, REFUSED

HERE = Path(__file__).parent


class _Collector:
    """A pytest plugin that sorts each case's outcome by its module."""

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.failures = []

    def pytest_runtest_logreport(self, report):
        if "::test_scratch_" in report.nodeid:  # our checks of refusals, not Keras cases
            return
        module = keras_file(report.nodeid)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.passed:
                self.counts[module]["passed"] += 1
            elif getattr(report, "wasxfail", None) is not None:  # a known difference
                self.counts[module]["failed"] += 1
                self.failures.append(report.nodeid + "  (" + report.wasxfail + ")")
            elif report.skipped:
                reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
                reason = reason.removeprefix("Skipped: ")
                kind = "refused" if reason.startswith(REFUSED) else (
                    "missing" if reason.startswith(MISSING) else "other_skip")
                self.counts[module][kind] += 1
            else:
                self.counts[module]["failed"] += 1
                self.failures.append(report.nodeid)


#: the optimizers whose Keras test files share one table (test_optimizers_tests.py)
_OPTIMIZERS = ("adamw", "adamax", "adagrad", "adadelta", "nadam", "adam", "sgd", "rmsprop",
               "lion", "ftrl")


def keras_file(nodeid):
    """The Keras test file a case ports: the module docstring's first word.

    The optimizer table covers ten files; its cases name their optimizer.
    """
    module = nodeid.split("::")[0].rsplit("/", 1)[-1]
    doc = (HERE / module).read_text().split('"""')[1]
    path = doc.split()[0].strip("`")
    if "{" in path:
        case = nodeid.split("::", 1)[1].lower()
        name = next((n for n in _OPTIMIZERS if n in case), None)
        directory = path.split("{")[0]
        return f"{directory}{name}_test.py" if name else f"{directory}(shared)"
    return path


def main(argv=None):
    collector = _Collector()
    pytest.main([str(HERE), "-q", "-p", "no:cacheprovider", "--no-header", "-rN", "--tb=no",
                 *(argv or [])], plugins=[collector])
    rows, total = [], Counter()
    for module in sorted(collector.counts):
        c = collector.counts[module]
        applicable = c["passed"] + c["failed"] + c["missing"] + c["other_skip"]
        total.update(c)
        rows.append(f"| `{module}` | {c['passed']} / {applicable} | "
                    f"{c['missing']} | {c['failed']} | {c['refused']} |")
    applicable = total["passed"] + total["failed"] + total["missing"] + total["other_skip"]
    print("\n| Keras test file | passing / applicable | not in scratch_nn yet "
          "| failing | refused by design |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| **all** | **{total['passed']} / {applicable}** | {total['missing']} | "
          f"{total['failed']} | {total['refused']} |")
    if collector.failures:
        print("\nfailing:\n" + "\n".join(collector.failures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
