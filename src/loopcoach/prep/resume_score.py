"""Resume scorer: each bullet 0-100 for the chosen role, with its issues and one concrete fix.

Five parts, each a plain rule on the bullet's own words (see docs/prep.md):

    outcome    25  a result verb ("cut", "launched", "from 11 days to 3"), full marks with a number
    metric     25  numbers: percentages, money, counts with units
    scale      20  anchors an interviewer uses to size the work: teams, duration, users, money,
                   latency, migration size
    technical  15  named systems and artefacts (Kubernetes, a risk register, SAML)
    role       15  the role's own language, taken from its pack (competencies, skills, cues)

A bullet that opens with a duty ("Responsible for", "Helped with") loses 10 points; one over
40 words loses 5. The overall score weights recent entries more and lists what to fix first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from loopcoach.analysis import lexicon as L
from loopcoach.analysis.scorers.specificity import specifics_in
from loopcoach.analysis.text import lower_words, phrase_in, phrase_stems, stems
from loopcoach.content.library import RolePack
from loopcoach.prep.history import Bullet, WorkHistory
from loopcoach.prep.layout import split_lead_in

_N = (
    r"(?:\d[\d,.]*\+?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|a dozen|dozens of|hundreds of|thousands of)"
)
OUTCOME = re.compile(
    r"\b(cut|cutting|reduc\w*|increas\w*|improv\w*|sav(?:e|ed|es|ing)|grew|grow\w*|rais\w*|"
    r"lift\w*|boost\w*|doubl\w*|halv\w*|tripl\w*|dropp\w*|fell|rose|went live|launch\w*|"
    r"ship\w*|on time|ahead of|avoid\w*|prevent\w*|eliminat\w*|clos(?:ed|ing)|recover\w*|"
    r"restor\w*|retir\w*|accelerat\w*|shorten\w*|result\w* in|leading to|enabl\w*|"
    r"unblock\w*|achiev\w*|won|landed|beat|passed|removed|freed|lowered|shrank|"
    r"peaked|stayed|zero|no (?:incident|outage|downtime)s?)\b",
    re.IGNORECASE,
)
RESULT_NUMBER = re.compile(
    r"\d[\d,.]*\s?%|\d+(\.\d+)?x\b|[$£€]\s?\d|\bfrom \S*\d\S*(?: \S+){0,3} to \S*\d|"
    r"\b(by|to) (half|a third|a quarter)\b|\b\d+ (points?|pts)\b",
    re.IGNORECASE,
)
ANCHORS: dict[str, re.Pattern[str]] = {
    "teams": re.compile(
        rf"\b{_N}\s+(?:\w+\s)?(?:teams?|squads?|engineers?|developers?|people|contractors?|"
        rf"vendors?|departments?|time zones|countries|regions|offices|stakeholders)\b",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        rf"\b{_N}\s+(?:\w+\s)?(?:days?|weeks?|months?|quarters?|years?|sprints?)\b|"
        r"\b(?:in|by|within) (?:q[1-4]|h[12])\b",
        re.IGNORECASE,
    ),
    "users": re.compile(
        rf"\b{_N}\s?[km]?\s+(?:\w+\s)?(?:users?|customers?|clients?|shippers?|merchants?|"
        r"members?|patients?|staff|employees|partners?|clinics?|stores?|sites?|integrations?|"
        r"subscribers?|accounts?|households?|brokers?|drivers?|sellers?|buyers?)\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        L.MONEY.pattern + r"|\b\d[\d,.]*\s?(?:k|m|bn)\b(?= in| of| per|$)", re.IGNORECASE
    ),
    "latency": re.compile(
        r"\bp(?:50|90|95|99)\b|\b\d+(?:\.\d+)?\s?(?:ms|s)\b|\b\d[\d,]*\s?(?:rps|qps|tps)\b|"
        r"\buptime\b|\b99\.\d+\s?%",
        re.IGNORECASE,
    ),
    "migration size": re.compile(
        rf"\b{_N}\s?(?:\w+\s)?(?:services?|microservices|apis?|endpoints?|tables?|databases?|"
        r"tb|gb|pb|records|rows|tools?|applications?|apps|repos(?:itories)?|items?|tickets?|"
        r"stories|findings|jobs|pipelines|workloads|servers|clusters)\b",
        re.IGNORECASE,
    ),
}
ANCHOR_HINTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"migrat|move|moving|re-?platform|consolidat", re.I),
        "migration size",
        "how much moved (services, records or data)",
    ),
    (
        re.compile(r"program|coordinat|cross-|alignment|teams|partner", re.I),
        "teams",
        "how many teams",
    ),
    (
        re.compile(r"launch|roll|release|adopt|users|customers|portal|app\b", re.I),
        "users",
        "how many users or customers",
    ),
    (re.compile(r"cost|budget|spend|sav|revenue|price", re.I), "money", "the money involved"),
    (
        re.compile(r"latenc|performance|speed|slow|fast|load|traffic", re.I),
        "latency",
        "the latency or load before and after",
    ),
)
DUTY_OPENER = re.compile(
    r"^(responsible for|responsibilities|helped|helping|assisted|assisting|worked on|working on|"
    r"involved in|participated|tasked with|duties|in charge of|supported|supporting|"
    r"contributed to|part of)\b",
    re.IGNORECASE,
)
MAX_WORDS = 40
_WORD_NUM = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|dozen)\s+(?:\w+\s)?\w+s\b",
    re.IGNORECASE,
)
_GENERIC_WORDS = """
    result results outcome outcomes data decision decisions team teams time goal goals plan
    plans process people example approach question answer impact number numbers value
    percent work i we you they what why how when who problem problems way issue issues thing
    things context action actions task situation learn learned lesson lessons change changes
    good clear right first next step steps option options role roles own owner owned weeks
    months days quarters years weekly monthly daily early late instead review reviews
    customer customers user users support product products decided agreed missed expected
    timing report reports developer developers evidence examples example trust binary
    separately visible platform with the team weeks months quarter sprint sprints meeting
    meetings done fast
"""
GENERIC = frozenset(_GENERIC_WORDS.split())


@dataclass(frozen=True)
class BulletScore:
    bullet: Bullet
    score: int
    parts: dict[str, int]
    issues: tuple[str, ...]
    fix: str
    found: dict[str, list[str]] = field(default_factory=dict)
    codes: tuple[str, ...] = ()  # issue codes, for counting

    @property
    def has_outcome(self) -> bool:
        return self.parts["outcome"] > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.bullet.id,
            "text": self.bullet.text,
            "score": self.score,
            "issues": list(self.issues),
            "fix": self.fix,
            "entry": self.bullet.entry,
            "parts": dict(self.parts),
            "found": {k: list(v) for k, v in self.found.items()},
        }


@dataclass(frozen=True)
class ResumeScore:
    role: str
    score: int
    bullets: tuple[BulletScore, ...]
    fix_first: tuple[str, ...]

    def for_bullet(self, bullet_id: str) -> BulletScore:
        for b in self.bullets:
            if b.bullet.id == bullet_id:
                return b
        raise KeyError(bullet_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "score": self.score,
            "bullets": [b.to_dict() for b in self.bullets],
            "fix_first": list(self.fix_first),
        }


# --- the role's language ---------------------------------------------------------------------


@lru_cache(maxsize=32)
def _vocabulary(role_key: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    counts: Counter[str] = Counter()
    for phrase in role_key:
        p = phrase.lower().strip()
        words = lower_words(p)
        if not words or all(w in GENERIC or len(w) < 3 for w in words):
            continue
        if len(words) > 3:
            continue
        counts[p] += 1
    ranked = sorted(counts, key=lambda p: (-counts[p], p))
    return tuple((p, phrase_stems(p)) for p in ranked)


def role_vocabulary(role: RolePack) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Phrases that sound like the role: its competencies, skills and talking-point cues."""
    phrases: list[str] = []
    for c in role.competencies:
        phrases += [c.name, c.id.replace("-", " ")]
    for s in role.skills:
        phrases.append(s.name)
    for q in role.questions:
        for tp in q.talking_points:
            phrases += list(tp.cues)
    return _vocabulary(tuple(phrases))


def role_terms_in(text: str, vocabulary: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    st = stems(text)
    found = [p for p, ps in vocabulary if phrase_in(ps, st)]
    # keep the longest phrases: "risk register" hides "risk"
    return [p for p in found if not any(p != q and p in q for q in found)]


# --- scoring ---------------------------------------------------------------------------------


def _numeric(specifics: list[str]) -> list[str]:
    return [x for x in specifics if any(ch.isdigit() for ch in x) or L.WORD_NUMBER.fullmatch(x)]


def numbers_in(text: str) -> list[str]:
    """Numbers in a text: counts with units, percentages, money, before-and-after pairs."""
    specifics = specifics_in(text, text.lower())
    found = _numeric(specifics) + [m.group(0) for m in RESULT_NUMBER.finditer(text)]
    found += [m.group(0) for m in re.finditer(r"(?<![\w.])\d[\d,.]*\+?(?![\w])", text)]
    found += [m.group(0) for m in _WORD_NUM.finditer(text)]
    found = list(dict.fromkeys(n.strip(" ,.") for n in found if n.strip(" ,.")))
    found = [n for n in found if not re.fullmatch(r"(?:19|20)\d\d", n)]  # years are dates
    return [n for n in found if not any(n != m and n.lower() in m.lower() for m in found)]


def score_bullet(
    bullet: Bullet, vocabulary: Sequence[tuple[str, tuple[str, ...]]], role_name: str
) -> BulletScore:
    text = bullet.text
    low = text.lower()
    specifics = specifics_in(text, low)
    numeric = numbers_in(text)
    names = [
        x for x in specifics if not any(ch.isdigit() for ch in x) and not L.WORD_NUMBER.fullmatch(x)
    ]
    anchors = {k: [m.group(0) for m in p.finditer(text)] for k, p in ANCHORS.items()}
    anchors = {k: v for k, v in anchors.items() if v}
    outcome_hits = [m.group(0) for m in OUTCOME.finditer(text)]
    result_numbers = [m.group(0) for m in RESULT_NUMBER.finditer(text)]
    terms = role_terms_in(text, vocabulary)
    n_words = len(text.split())

    parts = {
        "outcome": 25
        if outcome_hits and (result_numbers or numeric)
        else 15
        if outcome_hits
        else 0,
        "metric": 25 if len(numeric) >= 2 else 15 if numeric else 0,
        "scale": {0: 0, 1: 10, 2: 16}.get(len(anchors), 20),
        "technical": 15 if len(names) >= 2 else 10 if names else 0,
        "role": 15 if len(terms) >= 2 else 9 if terms else 0,
    }
    issues: list[str] = []
    fixes: list[str] = []
    codes: list[str] = []
    duty = DUTY_OPENER.match(split_lead_in(text.strip())[1])
    if duty:
        codes.append("duty")
        issues.append(f"opens with a duty ('{duty.group(0)}'), not something you did")
        fixes.append(
            f"start with what you did ('Led', 'Cut', 'Shipped') instead of '{duty.group(0)}'"
        )
    if not anchors:
        codes.append("scale")
        hint = next((h for p, _, h in ANCHOR_HINTS if p.search(text)), "how many teams")
        issues.append("no scale: nothing says how big this was")
        fixes.append(f"add {hint}")
    if parts["outcome"] == 0:
        codes.append("outcome")
        issues.append("no result: it says what you did, not what changed")
        fixes.append("add the result, what changed and by how much")
    elif parts["outcome"] < 25:
        codes.append("result-number")
        issues.append("the result has no number")
        fixes.append("put a number on the result (a before and after, a percentage, money)")
    if not numeric and "outcome" not in codes and "result-number" not in codes:
        codes.append("metric")
        issues.append("no numbers")
        fixes.append("add a number that sizes the work")
    if parts["technical"] == 0:
        codes.append("technical")
        issues.append("no named systems or artefacts")
        fixes.append("name the system or artefact (the service, the tool, the dashboard)")
    if parts["role"] == 0:
        codes.append("role")
        examples = ", ".join(p for p, _ in vocabulary[:40] if " " not in p)
        examples = ", ".join(examples.split(", ")[:3])
        issues.append(f"little {role_name} language")
        fixes.append(f"name the {role_name} side of the work (e.g. {examples})")
    if n_words > MAX_WORDS:
        codes.append("long")
        issues.append(f"{n_words} words: too long to scan")
        fixes.append("trim it to one line of about 25 words")
    if n_words < 6:
        codes.append("short")
        issues.append("too short to show anything")
    score = sum(parts.values()) - (10 if duty else 0) - (5 if n_words > MAX_WORDS else 0)
    score = max(0, min(100, score))
    if fixes:
        fix = fixes[0][0].upper() + fixes[0][1:]
        if len(fixes) > 1:
            fix += "; then " + fixes[1]
        fix += "."
    else:
        fix = "Nothing to fix; be ready to go deeper on it."
    found = {
        "numbers": numeric,
        "anchors": sorted(anchors),
        "outcome": outcome_hits,
        "names": names,
        "role_terms": terms,
    }
    return BulletScore(bullet, score, parts, tuple(issues), fix, found, tuple(codes))


_ISSUE_ADVICE = {
    "outcome": "{n} of {t} bullets show no result: add what changed, and by how much",
    "scale": "{n} of {t} bullets give no scale: add teams, users, duration or money",
    "result-number": "{n} of {t} bullets state a result without a number: add the before and after",
    "duty": "{n} of {t} bullets open with a duty: start each with what you did",
    "role": "{n} of {t} bullets have little {role} language: name the {role} work you did",
    "technical": "{n} of {t} bullets name no system or artefact: name them",
    "long": "{n} of {t} bullets run over 40 words: trim each to one line",
}

_IMPORTANCE = {
    "outcome": 3.0,
    "scale": 2.0,
    "duty": 2.0,
    "result-number": 1.5,
    "role": 1.2,
    "technical": 1.0,
    "long": 1.0,
}


def score_resume(history: WorkHistory, role: RolePack) -> ResumeScore:
    vocabulary = role_vocabulary(role)
    role_name = role.id.upper() if len(role.id) <= 4 else role.info.name
    scored = tuple(score_bullet(b, vocabulary, role_name) for b in history.bullets)
    if not scored:
        return ResumeScore(role.id, 0, (), ("add bullets that say what you did and what changed",))
    weights = [max(0.6, 1.0 - 0.2 * s.bullet.entry) for s in scored]
    overall = round(sum(w * s.score for w, s in zip(weights, scored, strict=True)) / sum(weights))
    counts = Counter(c for s in scored for c in s.codes if c in _ISSUE_ADVICE)
    fix_first: list[str] = []
    ranked = sorted(counts, key=lambda c: (-counts[c] * _IMPORTANCE[c], c))
    for code in ranked:
        n = counts[code]
        if n / len(scored) < 0.25 or len(fix_first) == 2:
            continue
        fix_first.append(_ISSUE_ADVICE[code].format(n=n, t=len(scored), role=role_name))
    recent = [s for s in scored if s.bullet.entry == min(x.bullet.entry for x in scored)]
    weakest = min(recent, key=lambda s: (s.score, s.bullet.id))
    if weakest.score < 60:
        short = (
            weakest.bullet.text
            if len(weakest.bullet.text) < 70
            else (weakest.bullet.text[:67].rstrip() + "…")
        )
        fix_first.append(f"Rewrite '{short}' (scores {weakest.score}): {weakest.fix}")
    if not fix_first:
        fix_first.append("The bullets are strong; prepare to go deeper on each of them")
    return ResumeScore(role.id, overall, scored, tuple(fix_first))
