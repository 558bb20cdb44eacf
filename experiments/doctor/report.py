"""What a check returns, and the report that ranks the fixes: Markdown and JSON.

Every check gives one :class:`CheckResult`: a status (``OK``, ``WARN``,
``PROBLEM``), a one-line summary, the measured evidence (numbers, JSON-ready)
and, unless it is OK, a concrete fix with its expected gain. The
:class:`Report` lists the checks in the order they ran and ends with the fixes
ranked by expected gain: every PROBLEM before every WARN (a PROBLEM means
training does not work, or wastes most of its time, until it is fixed), and
within a status the larger measured gain first.
"""

import json
import math
from dataclasses import asdict, dataclass, field

OK, WARN, PROBLEM = "OK", "WARN", "PROBLEM"
_RANK = {OK: 0, WARN: 1, PROBLEM: 2}
#: Evidence too long to read in a line (the probes' curves): JSON and the figure only.
NOT_IN_MARKDOWN = ("probe_curves",)


def worst(statuses):
    """The most serious of ``statuses`` (``OK`` for none)."""
    return max(statuses, key=_RANK.__getitem__, default=OK)


@dataclass
class CheckResult:
    """The outcome of one check.

    Args:
        key: the check's id (``"input_scale"``, ``"learning_rate"``...).
        title: its name for people.
        status: ``OK``, ``WARN`` or ``PROBLEM``.
        summary: one sentence: what was found.
        evidence: the measurements behind it, name -> number, string or list.
        details: further lines of explanation, one finding each.
        fix: what to change, as code or plain words (``None`` when OK).
        gain: measured expected gain of the fix as a factor (e.g. 3.0 for
            epochs 3x faster), or ``None`` when it cannot be put as one number.
        gain_text: the gain in words, with what it was measured on and its
            spread over probe seeds.
        change: the fix as data, for a program to apply: `Setting` field ->
            value (``{"batch_size": 128}``, ``{"learning_rate": 0.05}``,
            ``{"preprocessing": "scale"}``, ``{"activation": "relu"}`` for the
            hidden layers), or ``None``. Fixes outside a `Setting`'s fields use
            their own keys: ``output_activation`` and ``loss``, ``output``
            (advice in words), ``targets`` (``"standardize"``), ``shuffle``.
        seconds: wall time the check took (set by ``diagnose``).
    """

    key: str
    title: str
    status: str
    summary: str
    evidence: dict = field(default_factory=dict)
    details: list = field(default_factory=list)
    fix: str | None = None
    gain: float | None = None
    gain_text: str = ""
    change: dict | None = None
    seconds: float = 0.0

    def __post_init__(self):
        if self.status not in _RANK:
            raise ValueError(f"CheckResult: status must be OK, WARN or PROBLEM, got {self.status!r}")


@dataclass
class Report:
    """All check results of one diagnosis, plus what was diagnosed.

    Args:
        setup: a description of the training setup (model, optimizer, data...).
        results: the :class:`CheckResult` of each check, in running order.
        seconds: wall time the diagnosis took.
    """

    setup: dict
    results: list
    seconds: float = 0.0

    def __getitem__(self, key):
        """The result of check ``key``."""
        for result in self.results:
            if result.key == key:
                return result
        raise KeyError(f"no check {key!r} in this report; it has {[r.key for r in self.results]}")

    @property
    def status(self):
        """The worst status over all checks."""
        return worst(r.status for r in self.results)

    def ranked_fixes(self):
        """Results that need a fix, PROBLEM first, then by measured gain (largest first)."""
        needing = [r for r in self.results if r.status != OK and r.fix]
        return sorted(needing, key=lambda r: (-_RANK[r.status], -(r.gain or 1.0)))

    def to_dict(self):
        """The report as plain data (what :meth:`to_json` writes)."""
        return {
            "setup": self.setup,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "checks": [asdict(r) for r in self.results],
            "ranked_fixes": [r.key for r in self.ranked_fixes()],
        }

    def to_json(self):
        """JSON text; non-finite numbers are written as strings ("inf", "nan")."""
        return json.dumps(_json_safe(self.to_dict()), indent=2)

    def to_markdown(self):
        """The report as Markdown: setup, one section per check, then the ranked fixes."""
        lines = ["# scratch_nn doctor report", ""]
        lines += [f"- **{name}**: {value}" for name, value in self.setup.items()]
        lines += [f"- **diagnosis time**: {self.seconds:.1f} s", ""]
        lines += ["| check | status | finding | seconds |", "|---|---|---|---|"]
        lines += [f"| {r.title} | {r.status} | {r.summary} | {r.seconds:.1f} |"
                  for r in self.results]
        for r in self.results:
            lines += ["", f"## {r.title}: {r.status}", "", r.summary, ""]
            lines += [f"- {line}" for line in r.details if line != r.summary]
            shown = {k: v for k, v in r.evidence.items() if k not in NOT_IN_MARKDOWN}
            if shown:
                lines += ["", "Evidence: " + "; ".join(
                    f"`{name}` = {_fmt(value)}" for name, value in shown.items())]
            if r.fix and r.status != OK:
                lines += ["", f"**Fix**: {r.fix}"]
        lines += ["", "## Fixes, ranked by expected gain", ""]
        ranked = self.ranked_fixes()
        if not ranked:
            lines.append("Nothing to fix: every check is OK.")
        for i, r in enumerate(ranked, 1):
            gain = f" Expected gain: {r.gain_text}." if r.gain_text else ""
            lines.append(f"{i}. **[{r.status}] {r.title}**: {r.fix}{gain}")
        if ranked:
            lines += ["", ("Fix the first item, then run the doctor again: the measurements "
                          "of later checks (learning rate, speed) change once it is fixed.")]
        return "\n".join(lines) + "\n"


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) + "}"
    return str(value)


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value
