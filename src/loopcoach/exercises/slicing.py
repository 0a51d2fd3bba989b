"""Story slicing: INVEST signals per story, horizontal slices, and the slicing patterns used.

The candidate's file holds the epic and its slices, as YAML or Markdown (or plain text):

    # YAML                                        # Markdown
    epic: Gift subscriptions                      # Epic: Gift subscriptions
    slices:                                       ## Slices
      - title: Buy a one-box gift by card         - Buy a one-box gift by card: As a gift
        story: As a gift buyer, I want to ...       buyer, I want to ... so that ... (3 points)
          so that ...                               - Given ... (indented bullets: criteria)
        estimate: 3            # optional         - As a ... (one top-level bullet per slice)
        acceptance: [...]      # optional
        pattern: data variations  # optional
      - As a recipient, I want ...  # a string works too

`epic` may be left out when a pack case supplies it. The signals are heuristics on English
wording; each says why it passed or failed, so a candidate can argue with it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loopcoach.budget import checkpoint
from loopcoach.errors import LoopcoachError
from loopcoach.exercises.acceptance import VAGUE_RX
from loopcoach.exercises.files import item_lines, normalise_key, parse_yaml
from loopcoach.exercises.findings import Finding
from loopcoach.limits import check_lines, check_rows, shown


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "workflow-steps": (
        "Workflow steps",
        _rx(
            r"\b(workflow|steps?|stages?|draft|submit\w*|approv\w*|publish\w*|redeem\w*|checkout|"
            r"sign[- ]?up|onboard\w*|manual(ly)? (step|approval|review)|end[- ]to[- ]end|"
            r"then (the )?next)\b"
        ),
    ),
    "data-variations": (
        "Data variations",
        _rx(
            r"\b((only|just|single|first|one)\s+(\w+\s+)?(currency|country|type|format|language|"
            r"region|product|plan|size|event|variant|option|card type|file type)s?|"
            r"(other|more|additional|remaining|further|all)\s+(\w+\s+)?(currencies|countries|types|"
            r"formats|languages|regions|products|plans|sizes|events|variants|options)|"
            r"data (types?|variations?)|"
            r"(by|with) (card|cash|paypal|invoice|bank transfer|voucher))\b"
        ),
    ),
    "interfaces": (
        "Interfaces / platforms",
        _rx(
            r"\b(ios|android|mobile|web|desktop|browser|tablet|sms|e-?mail|push|cli|channels?|"
            r"platforms?|devices?|screen readers?|voice|kiosk|public api|partner api|by consumer|"
            r"(one|each|per) (consumer|client|integration))\b"
        ),
    ),
    "business-rules": (
        "Business rules",
        _rx(
            r"\b(rules?|limits?|thresholds?|validat\w*|discounts?|eligib\w*|polic(y|ies)|only if|"
            r"unless|quiet hours|consent|opt[- ]?(out|in)|cut-?off|tax\w*|fees?|quotas?|"
            r"preferences?)\b"
        ),
    ),
    "happy-unhappy-path": (
        "Happy / unhappy path",
        _rx(
            r"\b(happy path|unhappy|errors?|fail\w*|declin\w*|invalid|retr(y|ies)|time-?outs?|"
            r"edge cases?|exceptions?|rejected|expired|bounce\w*|undeliver\w*|fallback|"
            r"roll(ed)?[- ]?back)\b"
        ),
    ),
    "simple-complex": (
        "Simple / complex",
        _rx(
            r"\b(simplest|simple|basic|minimal|mvp|manual(ly)?|hard-?coded|fixed|complex|advanced|"
            r"for now|first version|v1|plain text|read-only|read only)\b"
        ),
    ),
    "defer-performance": (
        "Defer performance",
        _rx(
            r"\b(performance|optimi[sz]\w*|scal(e|es|ing|able)|cach\w*|faster|speed up|latency|"
            r"bulk|batch\w*|async\w*|high volume|at scale)\b"
        ),
    ),
    "spike": (
        "Spike",
        _rx(
            r"\b(spike|investigat\w*|research|prototype|proof of concept|poc|time-?box\w*|"
            r"experiment)\b"
        ),
    ),
}
PATTERN_NAMES = (
    {normalise_key(label): key for key, (label, _) in PATTERNS.items()}
    | {normalise_key(k): k for k in PATTERNS}
    | {
        "workflow": "workflow-steps",
        "interfaces_platforms": "interfaces",
        "platforms": "interfaces",
        "interface": "interfaces",
        "business_rule": "business-rules",
        "rules": "business-rules",
        "happy_unhappy_path": "happy-unhappy-path",
        "unhappy_path": "happy-unhappy-path",
        "happy_path": "happy-unhappy-path",
        "simple_complex": "simple-complex",
        "performance": "defer-performance",
        "data": "data-variations",
        "spikes": "spike",
    }
)

VALUE = _rx(
    r"\b(so that|so (i|we|they|she|he|customers?|users?|buyers?) can|in order to|"
    r"which (lets|allows|helps)|to be able to)\b"
)
PERSONA = _rx(r"\bas an? ([\w\s'-]{1,60}?),?\s+i\s+(want|need|would like|can)\b")
TECH = _rx(
    r"\b(developers?|engineers?|devs?|dev team|the team|system|backend|back-end|frontend|"
    r"front-end|architects?|dbas?|devops|api|apis|database|schema|service layer|"
    r"services? can|layer)\b"
)
HORIZONTAL = [
    _rx(
        r"\b(build|create|implement|write|set ?up|design|develop|configure|provision|prepare|"
        r"add|migrate)\s+(the\s+|a\s+|an\s+|all\s+|our\s+)?([\w-]+\s+){0,2}?(database|db|"
        r"schema|tables?|data model|data layer|persistence|api|apis|endpoints?|rest api|graphql|"
        r"service layer|backend|back-end|front-?end|ui|user interface|infrastructure|infra|"
        r"ci|cd|pipelines?|servers?|kubernetes|cluster|environments?|framework|architecture|"
        r"microservices?|message queue|queues?|layer|notification service)\b"
    ),
    _rx(
        r"\b(backend|back-end|frontend|front-end|ui|api|database|db|infrastructure|infra)\s+"
        r"(for|of)\b"
    ),
    _rx(r"\b(database|data|api|ui|service|persistence|integration|presentation) layer\b"),
]
DEPENDS = _rx(
    r"\b(after|depends on|dependent on|blocked by|requires (the )?(story|slice|"
    r"previous)|once (the )?[\w\s-]{1,40}\b(is|are) (done|built|finished|ready|live|"
    r"complete)|builds on|on top of|prerequisite)\b"
)
SOLUTION = _rx(
    r"\b(using|with|in|via|on) (react|angular|vue|kafka|rabbitmq|postgres\w*|mysql|"
    r"redis|mongo\w*|kubernetes|k8s|lambda|graphql|dynamodb|s3|elasticsearch|java|"
    r"python|node(\.js)?|microservices?|a (table|column|cron job))\b|"
    r"\bmust (use|be built|be implemented)\b|\bimplemented (with|using|in)\b|"
    r"\bpixel[- ]perfect\b"
)
VAGUE_SCOPE = _rx(r"\b(tbd|tbc|unknown|various|everything|whatever|somehow|and so on|etc)\b|\?\?")
TIMEBOX = _rx(r"\b(time-?box\w*|\d+\s*(days?|hours?|h|d))\b")
BIG = _rx(
    r"\b(entire|whole|everything|all (the )?(features|channels|platforms|countries|events|"
    r"types|consumers|services|screens)|every (channel|platform|country|event|type|"
    r"consumer|service|screen))\b"
)
OBSERVABLE = _rx(
    r"\b(sees?|seen|shown|shows?|displayed|display|receives?|received|gets?|"
    r"notif\w*|e-?mails?|messages?|downloads?|can \w+|(is|are) (sent|saved|created|"
    r"charged|updated|stored|moved|switched|served|read|written)|within \d+|"
    r"decide|decision|recommend\w*|answers?|findings|reports?)\b"
)
ESTIMATE = _rx(
    r"\((\d+(?:\.\d+)?)\s*(?:pts?|points?|sp)\)|\[(\d+(?:\.\d+)?)\]|"
    r"\bestimate:?\s*(\d+(?:\.\d+)?)"
)
SMALL_POINTS = 8  # more story points than this is not small
SMALL_WORDS = 45


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    text: str  # the story as written (title and body)
    line: int | None = None
    estimate: float | None = None
    acceptance: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    pattern: str | None = None  # a pattern the candidate named


@dataclass(frozen=True)
class Signal:
    name: str  # independent, negotiable, valuable, estimable, small, testable
    ok: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "reason": self.reason}


@dataclass(frozen=True)
class StoryCheck:
    story: Story
    signals: tuple[Signal, ...]
    horizontal: bool
    patterns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        s = self.story
        return {
            "id": s.id,
            "title": s.title,
            "line": s.line,
            "estimate": s.estimate,
            "horizontal": self.horizontal,
            "patterns": list(self.patterns),
            "invest": {sig.name: sig.ok for sig in self.signals},
            "signals": [sig.to_dict() for sig in self.signals],
        }


@dataclass(frozen=True)
class SlicingResult:
    epic: str
    stories: tuple[StoryCheck, ...]
    findings: tuple[Finding, ...]
    suggested_patterns: tuple[str, ...] = field(default=())

    @property
    def patterns(self) -> dict[str, list[str]]:
        used: dict[str, list[str]] = {}
        for key in PATTERNS:
            ids = [c.story.id for c in self.stories if key in c.patterns]
            if ids:
                used[key] = ids
        return used

    def to_dict(self) -> dict[str, Any]:
        return {
            "epic": self.epic,
            "stories": [c.to_dict() for c in self.stories],
            "patterns": [
                {"pattern": k, "label": PATTERNS[k][0], "stories": v}
                for k, v in self.patterns.items()
            ],
            "suggested_patterns": list(self.suggested_patterns),
            "findings": [f.to_dict() for f in self.findings],
        }


# --- reading ----------------------------------------------------------------------------------


def from_yaml(data: Any, *, source: str, lines: Sequence[int] = ()) -> tuple[str, list[Story]]:
    """(epic, stories) from loaded YAML: `{epic, slices: [...]}` or a bare list of slices."""
    epic = ""
    items: Any = data
    if isinstance(data, Mapping):
        keys = {normalise_key(k): v for k, v in data.items()}
        raw_epic = keys.get("epic", "")
        if isinstance(raw_epic, Mapping):
            raw_epic = raw_epic.get("title") or raw_epic.get("name") or ""
        epic = str(raw_epic or "").strip()
        items = keys.get("slices", keys.get("stories"))
    if not isinstance(items, list):
        raise LoopcoachError(
            "bad-shape",
            f"{source}: expected 'slices:' with a list of stories "
            "(strings, or items with 'title' and 'story')",
        )
    check_rows(len(items), source=source, what="slices")
    stories = []
    for n, item in enumerate(items, start=1):
        line = lines[n - 1] if n - 1 < len(lines) else None
        if isinstance(item, str):
            stories.append(_story(f"s{n}", item, line))
            continue
        if not isinstance(item, Mapping):
            raise LoopcoachError(
                "bad-shape",
                f"{source} slice {n}: write the story as text or "
                "as fields (title, story, estimate, acceptance)",
            )
        values = {normalise_key(k): v for k, v in item.items()}
        title = str(values.get("title") or values.get("name") or "").strip()
        body = str(values.get("story") or values.get("description") or "").strip()
        if not title and not body:
            raise LoopcoachError("bad-shape", f"{source} slice {n}: give it a 'title' or 'story'")
        acceptance = values.get("acceptance") or values.get("acceptance_criteria") or []
        if isinstance(acceptance, str):
            acceptance = [acceptance]
        estimate = values.get("estimate", values.get("points"))
        try:
            est = float(estimate) if estimate is not None else None
        except (TypeError, ValueError):
            raise LoopcoachError(
                "not-a-number",
                f"{source} slice {n}, field 'estimate': {shown(estimate)} is not a "
                "number; write story points, e.g. 3",
            ) from None
        deps = values.get("depends_on") or []
        stories.append(
            Story(
                id=str(values.get("id") or f"s{n}"),
                title=title or _short(body),
                text=f"{title}: {body}" if title and body else (title or body),
                line=line,
                estimate=est,
                acceptance=tuple(str(a) for a in acceptance),
                depends_on=tuple(str(d) for d in (deps if isinstance(deps, list) else [deps])),
                pattern=_pattern_name(values.get("pattern")),
            )
        )
    return epic, stories


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)([-*+•]|\d+[.)])\s+(.*)$")
LABEL = re.compile(r"^(epic|pattern|estimate)\s*:\s*(.*)$", re.IGNORECASE)


def from_markdown(text: str) -> tuple[str, list[Story]]:
    """(epic, stories) from Markdown or plain text; see the module docstring."""
    epic = ""
    in_slices: bool | None = None  # None: no "Slices" heading seen, every bullet is a slice
    drafts: list[dict[str, Any]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        heading = HEADING.match(stripped)
        if heading:
            title = heading.group(2)
            if not epic and (len(heading.group(1)) == 1 or "epic" in title.lower()):
                epic = re.sub(r"^epic\s*:\s*", "", title, flags=re.IGNORECASE)
            elif re.search(r"\b(slices?|stories|split)\b", title, re.IGNORECASE):
                in_slices = True
            elif in_slices:
                drafts.append(
                    {
                        "title": re.sub(
                            r"^(slice|story)\s*\d*\s*[:.-]\s*", "", title, flags=re.IGNORECASE
                        ),
                        "body": [],
                        "line": n,
                        "ac": [],
                        "pattern": None,
                    }
                )
            continue
        label = LABEL.match(stripped)
        if label and label.group(1).lower() == "epic" and not epic:
            epic = label.group(2).strip()
            continue
        bullet = BULLET.match(raw)
        if bullet and len(bullet.group(1).expandtabs(4)) < 2 and in_slices is not False:
            drafts.append(
                {
                    "title": "",
                    "body": [bullet.group(3).strip()],
                    "line": n,
                    "ac": [],
                    "pattern": None,
                }
            )
        elif drafts and label and label.group(1).lower() == "pattern":
            drafts[-1]["pattern"] = label.group(2)
        elif drafts and label and label.group(1).lower() == "estimate":
            drafts[-1]["body"].append(f"estimate: {label.group(2)}")
        elif drafts and bullet:
            drafts[-1]["ac"].append(bullet.group(3).strip())
        elif drafts:
            drafts[-1]["body"].append(stripped)
    stories = []
    for n, d in enumerate(drafts, start=1):
        body = " ".join(d["body"])
        text_ = f"{d['title']}: {body}" if d["title"] and body else (d["title"] or body)
        story = _story(f"s{n}", text_, d["line"])
        stories.append(
            Story(
                story.id,
                story.title,
                story.text,
                story.line,
                story.estimate,
                tuple(d["ac"]),
                (),
                _pattern_name(d["pattern"]),
            )
        )
    return epic, stories


def _story(story_id: str, text: str, line: int | None) -> Story:
    text = " ".join(text.split())
    m = ESTIMATE.search(text)
    estimate = float(next(g for g in m.groups() if g)) if m else None
    title = (
        text.split(":", 1)[0] if ":" in text[:80] and not text.lower().startswith("as a") else text
    )
    return Story(story_id, _short(title), text, line, estimate)


def _short(text: str, limit: int = 60) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _pattern_name(raw: Any) -> str | None:
    if not raw:
        return None
    return PATTERN_NAMES.get(normalise_key(str(raw).replace("/", " ")))


# --- checks -----------------------------------------------------------------------------------


def has_user_value(text: str) -> bool:
    """A 'so that' (or similar) clause whose benefit is not a technical one, for a persona who
    is not the team itself."""
    m = VALUE.search(text)
    if not m:
        return False
    persona = PERSONA.search(text)
    if persona and TECH.search(persona.group(1)):
        return False
    return not TECH.search(text[m.end() : m.end() + 80])


def is_horizontal(text: str) -> bool:
    """A technical layer ("build the database layer", "as a developer I want the tables")
    with no user value."""
    if has_user_value(text):
        return False
    persona = PERSONA.search(text)
    technical_persona = bool(persona and TECH.search(persona.group(1)))
    return technical_persona or any(rx.search(text) for rx in HORIZONTAL)


def check_story(story: Story) -> StoryCheck:
    text = story.text
    horizontal = is_horizontal(text)
    spike = bool(PATTERNS["spike"][1].search(text))
    signals = []
    dep = DEPENDS.search(text)
    signals.append(
        Signal(
            "independent",
            not dep and not story.depends_on,
            f"waits on other work ('{dep.group(0)}')"
            if dep
            else f"depends on {', '.join(story.depends_on)}"
            if story.depends_on
            else "no dependency on another story mentioned",
        )
    )
    sol = SOLUTION.search(text)
    signals.append(
        Signal(
            "negotiable",
            not sol,
            f"prescribes the solution ('{sol.group(0)}')" if sol else "says what, not how",
        )
    )
    valuable = has_user_value(text) and not horizontal
    signals.append(
        Signal(
            "valuable",
            valuable or spike,
            "says who benefits and why"
            if valuable
            else "a spike: its value is the answer it gives"
            if spike
            else "no 'so that' clause with a benefit for a user",
        )
    )
    vague = VAGUE_SCOPE.search(text)
    if story.estimate is not None:
        est_ok, est_why = True, f"estimated at {story.estimate:g}"
    elif spike:
        est_ok = bool(TIMEBOX.search(text))
        est_why = "time-boxed" if est_ok else "a spike without a time box"
    else:
        est_ok = not vague
        est_why = f"open-ended scope ('{vague.group(0)}')" if vague else "scope is concrete"
    signals.append(Signal("estimable", est_ok, est_why))
    words = len(text.split())
    big = BIG.search(text)
    if story.estimate is not None:
        small = story.estimate <= SMALL_POINTS
        why = f"{story.estimate:g} points" + ("" if small else f", more than {SMALL_POINTS}")
    else:
        small = not big and words <= SMALL_WORDS
        why = (
            f"covers '{big.group(0)}'"
            if big
            else f"{words} words, more than {SMALL_WORDS}"
            if words > SMALL_WORDS
            else "one focused outcome"
        )
    signals.append(Signal("small", small, why))
    vague_term = VAGUE_RX.search(text)
    testable = (bool(story.acceptance) or bool(OBSERVABLE.search(text))) and not vague_term
    signals.append(
        Signal(
            "testable",
            testable,
            f"'{vague_term.group(0)}' cannot be tested"
            if vague_term
            else f"{len(story.acceptance)} acceptance criteria"
            if story.acceptance
            else "names an observable outcome"
            if testable
            else "no observable outcome or acceptance criteria",
        )
    )
    patterns = [
        key
        for key, (_, rx) in PATTERNS.items()
        if key == story.pattern or (not horizontal and rx.search(text))
    ]
    return StoryCheck(story, tuple(signals), horizontal, tuple(patterns))


FAILED = {
    "independent": (
        "not-independent",
        "can only start after other work; reorder or merge so each slice ships on its own",
    ),
    "negotiable": (
        "not-negotiable",
        "fixes the implementation; state the need and leave the how to the team",
    ),
    "valuable": ("no-user-value", "has no user value; say who benefits and how ('so that ...')"),
    "estimable": ("not-estimable", "cannot be estimated; make the scope concrete or time-box it"),
    "small": ("not-small", "is too big for one sprint; split it again"),
    "testable": (
        "not-testable",
        "cannot be tested; add acceptance criteria with an observable outcome",
    ),
}


def check_slices(
    epic: str, stories: Sequence[Story], *, suggested_patterns: Sequence[str] = ()
) -> SlicingResult:
    checks = []
    for story in stories:
        checkpoint("checking the slices")
        checks.append(check_story(story))
    findings: list[Finding] = []
    if not stories:
        findings.append(
            Finding(
                "no-slices",
                "no slices found: list one story per bullet under "
                "'## Slices' (Markdown) or under 'slices:' (YAML)",
            )
        )
    elif len(stories) == 1:
        findings.append(
            Finding(
                "single-slice",
                "one slice is not a split: find at least two thin slices that each deliver value",
                stories[0].line,
            )
        )
    for c in checks:
        s = c.story
        if c.horizontal:
            findings.append(
                Finding(
                    "horizontal-slice",
                    f"'{s.title}' is a horizontal slice (one "
                    "technical layer, no user value): cut through every layer so "
                    "something small reaches a user",
                    s.line,
                )
            )
        for sig in c.signals:
            if sig.ok or (c.horizontal and sig.name == "valuable"):
                continue
            code, advice = FAILED[sig.name]
            findings.append(Finding(code, f"'{s.title}' {advice} ({sig.reason})", s.line))
    if checks and not any(c.patterns for c in checks):
        findings.append(
            Finding(
                "no-pattern",
                "no slicing pattern recognised: split by workflow "
                "steps, data variations, interfaces, business rules, happy/"
                "unhappy path, simple/complex, deferred performance or a spike",
            )
        )
    if len(checks) > 1 and not any("happy-unhappy-path" in c.patterns for c in checks):
        findings.append(
            Finding(
                "no-unhappy-path",
                "no slice covers what goes wrong (errors, "
                "declines, timeouts): add one, or say which slice handles it",
            )
        )
    return SlicingResult(epic, tuple(checks), tuple(findings), tuple(suggested_patterns))


def parse(text: str, *, source: str, is_yaml: bool) -> tuple[str, list[Story]]:
    """(epic, stories) from a slices file's text."""
    check_lines(text, source=source)
    if is_yaml:
        data = parse_yaml(text, source=source)
        return from_yaml(data, source=source, lines=item_lines(text, ("slices", "stories")))
    epic, stories = from_markdown(text)
    check_rows(len(stories), source=source, what="slices")
    return epic, stories
