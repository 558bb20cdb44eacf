"""Score the doctor on one case, and write the score table beside the published tools' figures.

A case is scored only when the Keras confirmation reproduced it (the buggy
program ends below the case's level, the fixed one at or above it). Then,
from the doctor's JSON reports (``Report.to_dict()``) of both versions:

- **detected**: the buggy version's report has a WARN or a PROBLEM;
- **right cause**: the buggy version's top-ranked fix is one of the checks
  that address the documented cause (`Case.checks`, from
  :data:`~experiments.doctor_corpus.cases.FAULT_CHECKS`);
- **false alarm**: the fixed version's report has a WARN or a PROBLEM from a
  check that the case does not name as a real remaining issue
  (`Case.remaining_checks`).

A refusal, or the script failing under the doctor, counts as not detected
(buggy) and as no alarm (fixed), and the table says which it was.
"""

from experiments.doctor.report import OK

#: The published figures the table is read against (see docs/DOCTOR.md).
PUBLISHED = (
    ("DeepDiagnosis Table 6, 53 real programs (30 Stack Overflow, 11 GitHub, 12 AUTOTRAINER): "
    "detected by DeepDiagnosis 46, DeepLocalize 45, UMLAUT 26 of the 30 it ran, AUTOTRAINER 24 of 40."),
    ("DeepFD, 52 scored subjects: right fault type named by DeepFD 27 (52%), UMLAUT 14, "
    "AUTOTRAINER 10, DeepLocalize 7."),
)
#: The goals on the MLP cases (issue 24).
GOALS = {"detected": 0.90, "right cause": 0.70}


def alarms(report):
    """Keys of the checks that are not OK in a report dict (``Report.to_dict()``), in order."""
    return [check["key"] for check in report.get("checks", []) if check["status"] != OK]


def top_fix(report):
    """The key of the report's first ranked fix, or None."""
    ranked = report.get("ranked_fixes") or []
    return ranked[0] if ranked else None


def score(case, buggy, fixed):
    """Score one case from the doctor's outcomes on its two versions.

    Args:
        case: a :class:`~experiments.doctor_corpus.cases.Case`.
        buggy, fixed: outcome dicts as the runner caches them:
            ``{"status": "report"|"refused"|"failed", "report": <Report.to_dict()>,
            "message": str}``.

    Returns:
        dict with ``detected``, ``right_cause``, ``false_alarm`` (bools),
        ``top_fix``, ``buggy_alarms``, ``fixed_alarms``, ``unexplained``
        (the fixed version's alarms not excused by the case) and ``notes``.
    """
    notes = []
    buggy_report = buggy.get("report") or {}
    fixed_report = fixed.get("report") or {}
    if buggy["status"] != "report":
        notes.append(f"buggy: doctor {buggy['status']}: {buggy.get('message', '')}")
    if fixed["status"] != "report":
        notes.append(f"fixed: doctor {fixed['status']}: {fixed.get('message', '')}")
    buggy_alarms = alarms(buggy_report)
    fixed_alarms = alarms(fixed_report)
    top = top_fix(buggy_report)
    unexplained = [key for key in fixed_alarms if key not in case.remaining_checks]
    return {
        "detected": bool(buggy_alarms),
        "right_cause": top in case.checks(),
        "false_alarm": bool(unexplained),
        "top_fix": top,
        "buggy_alarms": buggy_alarms,
        "fixed_alarms": fixed_alarms,
        "unexplained": unexplained,
        "notes": notes,
    }


def reproduced(case, confirmation):
    """Whether the Keras runs reproduce the case: buggy below ``case.level``, fixed at or above it.

    Args:
        confirmation: ``{"buggy": {"metric": float|None, ...}, "fixed": {...}}``.
    """
    buggy, fixed = confirmation["buggy"].get("metric"), confirmation["fixed"].get("metric")
    if buggy is None or fixed is None:
        return False
    return buggy < case.level <= fixed


def _yes(flag):
    return "yes" if flag else "no"


def _metric(value):
    return "failed" if value is None else f"{value:.3f}"


def markdown(rows, not_rebuilt):
    """The score table (Markdown) and the summary against the goals and the published figures.

    Args:
        rows: ``(case, confirmation, scored)`` per case; ``scored`` is the
            :func:`score` dict, or None where the doctor was not run.
        not_rebuilt: ``(program, reason)`` pairs (`cases.NOT_REBUILT`).
    """
    lines = [("| case | fault (documented) | buggy -> fixed metric | reproduced | detected | "
             "top fix | right cause | alarms on fixed | false alarm |"),
             "|---|---|---|---|---|---|---|---|---|"]
    counted = {"cases": 0, "reproduced": 0, "scored": 0, "detected": 0, "right cause": 0, "false alarm": 0}
    for case, confirmation, scored in rows:
        counted["cases"] += 1
        ok = reproduced(case, confirmation)
        counted["reproduced"] += ok
        metrics = (f"{_metric(confirmation['buggy'].get('metric'))} -> "
                   f"{_metric(confirmation['fixed'].get('metric'))} (level {case.level:g})")
        if not ok or scored is None:
            cells = ["", "", "", "", ""] if ok else ["not scored"] + [""] * 4
            lines.append(f"| {case.name} | {', '.join(case.faults)} | {metrics} | {_yes(ok)} | "
                         + " | ".join(cells) + " |")
            continue
        counted["scored"] += 1
        counted["detected"] += scored["detected"]
        counted["right cause"] += scored["right_cause"]
        counted["false alarm"] += scored["false_alarm"]
        fixed_alarms = ", ".join(scored["fixed_alarms"]) or "none"
        lines.append(f"| {case.name} | {', '.join(case.faults)} | {metrics} | yes | "
                     f"{_yes(scored['detected'])} | {scored['top_fix'] or _refusal(scored)} | "
                     f"{_yes(scored['right_cause'])} | {fixed_alarms} | "
                     f"{_yes(scored['false_alarm'])}{' (' + ', '.join(scored['unexplained']) + ')' if scored['unexplained'] else ''} |")
    lines += ["", _summary(counted), ""]
    lines += ["Published figures, for comparison:", ""] + [f"- {line}" for line in PUBLISHED]
    lines += ["", f"Programs of the benchmarks not in the table ({len(not_rebuilt)} entries):", ""]
    lines += [f"- {program}: {reason}" for program, reason in not_rebuilt]
    return "\n".join(lines) + "\n"


def _refusal(scored):
    """The top-fix cell of a report without fixes: why (refused, failed) or '-'."""
    buggy = [note for note in scored["notes"] if note.startswith("buggy:")]
    return "doctor " + buggy[0].split()[2].rstrip(":") if buggy else "-"


def _summary(counted):
    scored = counted["scored"]
    head = (f"{counted['cases']} MLP cases, {counted['reproduced']} reproduced in Keras 3 "
            f"(bug shows, documented fix fixes it), {scored} scored.")
    if not scored:
        return head + " The doctor has not been run on them yet."
    share = {name: counted[name] / scored for name in ("detected", "right cause", "false alarm")}
    return (head + f" Detected {counted['detected']}/{scored} ({share['detected']:.0%}, goal "
            f">= {GOALS['detected']:.0%}); right cause first {counted['right cause']}/{scored} "
            f"({share['right cause']:.0%}, goal >= {GOALS['right cause']:.0%}); unexplained false "
            f"alarms on the fixed versions {counted['false alarm']}/{scored} (goal 0).")
