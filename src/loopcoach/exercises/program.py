"""Program-plan checker: what a plan for a program case is missing, and its critical path.

The plan is Markdown (headings or `Label:` lines) or YAML (keys). Each element below counts as
present when a heading or key names it, and for some also when the text clearly covers it
(a plan that says "weekly steering group" has a cadence). Findings are `missing-<element>`,
plus:
- no-raci: stakeholders without who is responsible / accountable / consulted / informed;
- gate-without-criteria: phase gates without go/no-go criteria;
- risk-register-incomplete: risks without probability, impact, owner or mitigation (per risk
  item in YAML, for the section in Markdown);
- missing-critical-path / wrong-critical-path: when workstreams with durations are known (from
  the plan, or the case's `data.workstreams`), the plan should name the computed critical path;
- missing-expected / partly-expected: what the case expects that no line of the plan says, read
  as the expectation's parts and found by meaning (``exercises/expectations.py``).

Pure: works on the plan's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loopcoach.analysis.embeddings import Embedder
from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises import critical_path as cpm
from loopcoach.exercises import expectations
from loopcoach.exercises.files import (
    Record,
    find_list,
    item_lines,
    normalise_key,
    parse_yaml,
    records_from_data,
)
from loopcoach.exercises.findings import Finding
from loopcoach.limits import check_lines


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    heading: re.Pattern[str]
    body: re.Pattern[str] | None  # text that also counts, when there is no heading
    advice: str


ELEMENTS = (
    Element(
        "goals",
        "Goals",
        _rx(
            r"(?<!non[- ])(?<!non)\b(goals?|objectives?|outcomes?|aims?|"
            r"purpose|why)\b"
        ),
        None,
        "state the outcome the program must reach, with a number and a date",
    ),
    Element(
        "non-goals",
        "Non-goals",
        _rx(r"\b(non[- ]?goals?|out of scope|not in scope|scope)\b"),
        _rx(r"\b(non[- ]?goals?|out of scope|not in scope)\b"),
        "say what the program will not do, so scope cannot creep",
    ),
    Element(
        "assumptions",
        "Assumptions",
        _rx(r"\bassumptions?\b"),
        _rx(r"\bassum(e|es|ed|ing|ptions?)\b"),
        "list what you take as given (budget, people, dates) and how you will check it",
    ),
    Element(
        "stakeholders",
        "Stakeholders / RACI",
        _rx(
            r"\b(stakeholders?|raci|roles|"
            r"responsibilit\w*|ownership|owners)\b"
        ),
        _rx(r"\bstakeholders?\b|\braci\b"),
        "name the stakeholders and who is responsible, accountable, consulted, informed",
    ),
    Element(
        "workstreams",
        "Workstreams",
        _rx(
            r"\b(work ?streams?|tracks?|streams|work breakdown|"
            r"wbs)\b"
        ),
        _rx(r"\bwork ?streams?\b"),
        "break the work into workstreams with an owner each",
    ),
    Element(
        "milestones",
        "Milestones",
        _rx(
            r"\b(milestones?|timeline|schedule|roadmap|"
            r"key dates)\b"
        ),
        _rx(r"\bmilestones?\b"),
        "set dated milestones that show progress",
    ),
    Element(
        "phase-gates",
        "Phase gates",
        _rx(
            r"\b(phase gates?|gates?|go/no[- ]go|go[- ]no[- ]go|"
            r"exit criteria|checkpoints?|decision points?)\b"
        ),
        _rx(r"\b(gates?|go/no[- ]go|go[- ]no[- ]go|exit criteria)\b"),
        "add phase gates with go/no-go criteria before each irreversible step",
    ),
    Element(
        "dependencies",
        "Dependencies",
        _rx(r"\bdependenc(y|ies)\b"),
        _rx(r"\b(depends on|dependenc(y|ies)|depends_on|blocked by)\b"),
        "list dependencies between workstreams and on other teams or vendors",
    ),
    Element(
        "risks",
        "Risk register",
        _rx(r"\b(risks?|raid|risk register)\b"),
        _rx(r"\brisks?\b"),
        "keep a risk register: each risk with probability, impact, owner and mitigation",
    ),
    Element(
        "metrics",
        "Metrics",
        _rx(
            r"\b(metrics?|kpis?|measures?|okrs?|measuring|"
            r"success criteria)\b"
        ),
        _rx(r"\b(metrics?|kpis?|okrs?)\b"),
        "say how success and progress are measured (a baseline and a target)",
    ),
    Element(
        "cadence",
        "Cadence",
        _rx(
            r"\b(cadence|rituals|meetings|operating rhythm|rhythm|"
            r"governance)\b"
        ),
        _rx(
            r"\b(weekly|bi-?weekly|fortnightly|daily|monthly|every (week|two weeks|sprint|day|"
            r"month)|stand-?ups?|steering (group|committee)|cadence)\b"
        ),
        "set the operating rhythm: stand-ups, weekly reviews, a steering group",
    ),
    Element(
        "rollback",
        "Rollback",
        _rx(r"\b(roll ?-?back|back ?-?out|fallback|contingency)\b"),
        _rx(
            r"\b(roll ?-?back|rolled back|back ?-?out|fall ?back|revert\w*|kill switch|"
            r"feature flags?)\b"
        ),
        "say how each step is undone if it goes wrong (flags, reversible migrations)",
    ),
    Element(
        "communication",
        "Communication",
        _rx(
            r"\b(communicat\w*|comms|status updates?|"
            r"reporting)\b"
        ),
        _rx(
            r"\b(communicat\w*|comms|newsletter|status (reports?|updates?|emails?)|"
            r"slack channel|announce\w*|all-hands)\b"
        ),
        "say who hears what, how and how often",
    ),
)
RACI = _rx(r"\braci\b|\bresponsible\b|\baccountable\b|\bconsulted\b")
GATE_CRITERIA = _rx(
    r"\b(go/no[- ]go|go[- ]no[- ]go|criteria|go if|no[- ]go if|only if|"
    r"must (be|pass|hold|have)|threshold|below|above|under|at least)\b|\d"
)
RISK_FIELDS = {
    "probability": _rx(r"\b(probab\w*|likelihood|likely|prob|chance)\b"),
    "impact": _rx(r"\b(impact|severity)\b"),
    "owner": _rx(r"\b(owners?|owned by|dri)\b"),
    "mitigation": _rx(r"\b(mitigat\w*|response|contingency|plan)\b"),
}
OFF_PATH = _rx(r"\b(slack|float|buffer|not (on the )?critical|off the critical|non-critical)\b")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LABEL = re.compile(
    r"^(\s*)(?:[-*]\s+)?(?:\*\*|__)?([A-Za-z][\w /&()-]{0,40}?)(?:\*\*|__)?\s*:"
    r"(?:\*\*|__)?(\s|$)"
)
STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "this",
        "to",
        "with",
        "without",
        "each",
        "every",
        "which",
        "who",
        "what",
        "when",
        "how",
        "before",
        "after",
        "than",
        "more",
        "most",
        "such",
        "per",
        "within",
        "over",
        "under",
        "not",
        "no",
        "one",
        "two",
        "three",
    )
)


@dataclass(frozen=True)
class Section:
    title: str
    line: int  # 1-based
    level: int
    lines: Sequence[str] = field(repr=False)  # the lines it is cut from (shared, not copied)
    start: int = 0  # its heading's index in `lines`
    end: int = 1  # the index after its last line

    @property
    def text(self) -> str:
        """The heading line and everything under it (joined only when asked for)."""
        return "\n".join(self.lines[self.start : self.end])


@dataclass(frozen=True)
class PlanResult:
    case_id: str | None
    present: dict[str, int | None]  # element key -> line where found (None when missing)
    findings: tuple[Finding, ...]
    schedule: cpm.Schedule | None = None
    workstreams_from: str | None = None  # "plan" or "case"

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "elements": {e.key: self.present.get(e.key) is not None for e in ELEMENTS},
            "findings": [f.to_dict() for f in self.findings],
            "critical_path": list(self.schedule.critical_path) if self.schedule else None,
            "schedule": self.schedule.to_dict() if self.schedule else None,
            "workstreams_from": self.workstreams_from,
        }


def sections(text: str) -> list[Section]:
    """Markdown headings and `Label:` lines (YAML keys too), each with the text under it."""
    lines = text.splitlines()
    heads: list[tuple[int, int, str]] = []
    for n, raw in enumerate(lines):
        md = MD_HEADING.match(raw.strip())
        if md:
            heads.append((n, len(md.group(1)), md.group(2)))
            continue
        label = LABEL.match(raw)
        if label:
            title = label.group(2).replace("_", " ")  # YAML keys: phase_gates
            heads.append((n, 10 + len(label.group(1).expandtabs(4)), title))
    # A section ends at the next heading of its level or higher: one pass with a stack of the
    # open sections (linear; a plan of 250,000 headings once took minutes here).
    ends = [len(lines)] * len(heads)
    open_heads: list[int] = []
    for i, (n, level, _) in enumerate(heads):
        if i % 1024 == 0:
            checkpoint()
        while open_heads and heads[open_heads[-1]][1] >= level:
            ends[open_heads.pop()] = n
        open_heads.append(i)
    return [
        Section(title, n + 1, level, lines, n, end)
        for (n, level, title), end in zip(heads, ends, strict=True)
    ]


def _find(element: Element, secs: Sequence[Section], text: str) -> Section | None:
    for s in secs:
        if element.heading.search(s.title):
            return s
    if element.body is None:
        return None
    for n, raw in enumerate(text.splitlines(), start=1):
        if n % 1024 == 0:
            checkpoint("checking the plan")
        if element.body.search(raw):
            return Section(element.label, n, 99, (raw,))
    return None


def check_plan(
    text: str,
    *,
    is_yaml: bool = False,
    source: str = "plan",
    case_id: str | None = None,
    expected: Sequence[str] = (),
    case_workstreams: Sequence[cpm.Workstream] | None = None,
    embedder: Embedder | None = None,
) -> PlanResult:
    if not text.strip():
        raise LoopcoachError("file-empty", f"{source}: the plan is empty; write your plan first")
    check_lines(text, source=source)
    data = parse_yaml(text, source=source) if is_yaml else None
    secs = sections(text)
    found: dict[str, Section | None] = {e.key: _find(e, secs, text) for e in ELEMENTS}
    findings: list[Finding] = []
    for e in ELEMENTS:
        if found[e.key] is None:
            findings.append(Finding(f"missing-{e.key}", f"{e.label}: missing; {e.advice}"))
    stake = found["stakeholders"]
    if stake is not None and not RACI.search(text):
        findings.append(
            Finding(
                "no-raci",
                "stakeholders are listed without roles: say who is "
                "responsible, accountable, consulted and informed (RACI)",
                stake.line,
            )
        )
    gate = found["phase-gates"]
    if gate is not None and not GATE_CRITERIA.search(_strip_title(gate)):
        findings.append(
            Finding(
                "gate-without-criteria",
                "phase gates have no go/no-go "
                "criteria: write the measurable condition to pass each gate",
                gate.line,
            )
        )
    risk = found["risks"]
    if risk is not None:
        findings += _risk_findings(risk, data, text, source)
    schedule, origin = None, None
    plan_ws = _plan_workstreams(data, text, source)
    if plan_ws:
        schedule, origin = cpm.schedule(plan_ws), "plan"
    elif case_workstreams:
        schedule, origin = cpm.schedule(case_workstreams), "case"
    if schedule is not None:
        findings += _critical_path_findings(schedule, text)
    titles = [(sec.line, sec.title) for sec in secs if sec.level <= 6]  # Markdown headings
    findings += expectations.check(expected, text, titles, embedder=embedder)
    present = {k: (s.line if s else None) for k, s in found.items()}
    return PlanResult(case_id, present, tuple(findings), schedule, origin)


def _strip_title(section: Section) -> str:
    first, _, rest = section.text.partition("\n")
    if section.level == 99:
        return first
    return LABEL.sub("", first, count=1) + "\n" + rest if LABEL.match(first) else rest


def _risk_findings(risk: Section, data: Any, text: str, source: str) -> list[Finding]:
    items = _risk_items(data)
    if items:
        lines = _risk_lines(text)
        out = []
        for n, item in enumerate(items, start=1):
            keys = " ".join(normalise_key(k) for k in item)
            missing = [f for f, rx in RISK_FIELDS.items() if not rx.search(keys.replace("_", " "))]
            if missing:
                name = item.get("risk") or item.get("title") or item.get("name") or f"risk {n}"
                line = lines[n - 1] if n - 1 < len(lines) else risk.line
                out.append(
                    Finding(
                        "risk-register-incomplete",
                        f"risk '{name}' has no {', '.join(missing)}: give every risk all four",
                        line,
                    )
                )
        return out
    body = _strip_title(risk) if risk.level != 99 else text
    missing = [f for f, rx in RISK_FIELDS.items() if not rx.search(body)]
    if not missing:
        return []
    return [
        Finding(
            "risk-register-incomplete",
            f"the risks have no {', '.join(missing)}: a "
            "register gives each risk probability, impact, owner and mitigation",
            risk.line,
        )
    ]


def _risk_items(data: Any) -> list[Mapping[str, Any]]:
    if not isinstance(data, Mapping):
        return []
    for key, value in data.items():
        if normalise_key(key) in ("risks", "risk_register", "raid") and isinstance(value, list):
            return [v for v in value if isinstance(v, Mapping)]
    return []


def _risk_lines(text: str) -> list[int]:
    return item_lines(text, ("risks", "risk_register", "raid"))


def _plan_workstreams(data: Any, text: str, source: str) -> list[cpm.Workstream]:
    """Workstreams with durations from a YAML plan, or from a Markdown table."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            if (
                normalise_key(key) in cpm.LIST_KEYS
                and isinstance(value, list)
                and value
                and all(
                    isinstance(v, Mapping)
                    and any(normalise_key(k) in ("duration", "days", "duration_days") for k in v)
                    for v in value
                )
            ):
                records = records_from_data(
                    value, source=source, aliases=cpm.ALIASES, lines=item_lines(text, cpm.LIST_KEYS)
                )
                return cpm.workstreams_from_records(records)
        return []
    return _table_workstreams(text, source)


def _table_workstreams(text: str, source: str) -> list[cpm.Workstream]:
    rows: list[tuple[int, list[str]]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("|") and line.endswith("|"):
            rows.append((n, [c.strip() for c in line.strip("|").split("|")]))
        elif rows:
            break_table = _ws_table(rows, source)
            if break_table:
                return break_table
            rows = []
    return _ws_table(rows, source)


def _ws_table(rows: list[tuple[int, list[str]]], source: str) -> list[cpm.Workstream]:
    if len(rows) < 3:
        return []
    header = [cpm.ALIASES.get(normalise_key(c), normalise_key(c)) for c in rows[0][1]]
    if "id" not in header or "duration" not in header:
        return []
    body = [(n, cells) for n, cells in rows[1:] if not all(set(c) <= set(":- ") for c in cells)]
    records = [
        Record(
            dict(zip(header, cells, strict=False)), f"{source} line {n}", n, source, tabular=True
        )
        for n, cells in body
    ]
    return cpm.workstreams_from_records(records)


def _mentions(ws: cpm.Workstream, text: str, others: Sequence[cpm.Workstream]) -> bool:
    low = text.lower()
    if re.search(rf"(?<![\w-]){re.escape(ws.id.lower())}(?![\w-])", low):
        return True
    if ws.name.lower() in low:
        return True
    other_words = {w for o in others if o.id != ws.id for w in _words(o.name)}
    distinctive = [w for w in _words(ws.name) if len(w) >= 5 and w not in other_words]
    return any(re.search(rf"\b{re.escape(w)}", low) for w in distinctive)


def _critical_path_findings(schedule: cpm.Schedule, text: str) -> list[Finding]:
    names = " → ".join(schedule.get(i).workstream.name for i in schedule.critical_path)
    lines = text.splitlines()
    where = next(
        (n for n, ln in enumerate(lines) if re.search(r"critical[ _-]path", ln, re.I)), None
    )
    if where is None:
        return [
            Finding(
                "missing-critical-path",
                f"the plan does not name its critical path; it "
                f"is {names} ({schedule.duration:g} days)",
            )
        ]
    block: list[str] = []
    for ln in lines[where : where + 12]:
        if block and (not ln.strip() or MD_HEADING.match(ln.strip())):
            break
        block.append(ln)
    # "ui and data have slack" names workstreams that are not on the path: leave it out
    sentences = re.split(r"(?<=[.;])\s+|\n", "\n".join(block))
    said = "\n".join(x for x in sentences if not OFF_PATH.search(x))
    all_ws = [s.workstream for s in schedule.items]
    missed = [
        i for i in schedule.critical_path if not _mentions(schedule.get(i).workstream, said, all_ws)
    ]
    extra = [
        s.workstream.id
        for s in schedule.items
        if not s.critical and _mentions(s.workstream, said, all_ws)
    ]
    if not missed and not extra:
        return []
    parts = []
    if missed:
        parts.append(f"leaves out {', '.join(missed)}")
    if extra:
        parts.append(
            f"includes {', '.join(extra)}, which {'has' if len(extra) == 1 else 'have'} slack"
        )
    return [
        Finding(
            "wrong-critical-path",
            f"your critical path {' and '.join(parts)}; the "
            f"computed one is {names} ({schedule.duration:g} days)",
            where + 1,
        )
    ]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2]


def workstreams_from_case(data: Mapping[str, Any], *, case_id: str) -> list[cpm.Workstream]:
    items = find_list(data, cpm.LIST_KEYS, source=f"case {case_id}")
    return cpm.workstreams_from_records(
        records_from_data(items, source=f"case {case_id}", aliases=cpm.ALIASES)
    )
