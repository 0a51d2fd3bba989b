"""Specificity: numbers with units, money, durations, team counts, named systems, artefacts."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore

_ARTEFACT = re.compile(r"\b(" + "|".join(re.escape(a) for a in L.ARTEFACTS) + r")\b")
_TECH = re.compile(r"\b(" + "|".join(re.escape(t) for t in L.TECH_NAMES) + r")\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")
_COMMON_ACRONYMS = {
    "I",
    "OK",
    "CEO",
    "VP",
    "US",
    "UK",
    "EU",
    "AM",
    "PM",
    "TPM",
    "TPO",
    "PO",
    "HR",
    "IT",
    "QA",
    "UI",
    "UX",
    "A",
    "OKAY",
}


def specifics_in(sentence: str, lowered: str) -> list[str]:
    found: list[str] = []
    found += [m.group(0) for m in L.NUMBER_UNIT.finditer(lowered)]
    found += [m.group(0) for m in L.MONEY.finditer(lowered)]
    found += [m.group(0) for m in L.WORD_NUMBER.finditer(lowered)]
    found += [m.group(0) for m in L.LATENCY.finditer(lowered)]
    found += [m.group(0) for m in _ARTEFACT.finditer(lowered)]
    found += [m.group(0) for m in _TECH.finditer(lowered)]
    found += [a for a in _ACRONYM.findall(sentence) if a.rstrip("s") not in _COMMON_ACRONYMS]
    return list(dict.fromkeys(x.strip() for x in found))


def answer_specifics(sentence: str, lowered: str) -> list[str]:
    """specifics_in plus what only a spoken answer offers: quantities in words ("nine working
    days"), named dates ("next Friday"), bare numbers and worked examples."""
    found = specifics_in(sentence, lowered)
    found += [m.group(0) for m in L.WORD_QUANTITY.finditer(lowered)]
    found += [m.group(0) for m in L.DATE_ANCHOR.finditer(lowered)]
    found += ["a worked example" for _ in L.EXAMPLE.finditer(lowered)][:1]
    taken = " ".join(found)
    found += [m.group(0) for m in L.BARE_NUMBER.finditer(lowered) if m.group(0) not in taken]
    return list(dict.fromkeys(x.strip() for x in found))


def _is_numeric(x: str) -> bool:
    return any(ch.isdigit() for ch in x) or bool(
        L.WORD_NUMBER.fullmatch(x) or L.WORD_QUANTITY.fullmatch(x)
    )


def score(ctx: AnswerContext) -> DimensionScore:
    per_sentence = [
        answer_specifics(s, lw) for s, lw in zip(ctx.sentences, ctx.lowered, strict=True)
    ]
    # the question's own numbers and names ("six teams in three time zones") add nothing
    given = set(T.stems(ctx.rubric.prompt + " " + ctx.rubric.question.prompt))
    per_sentence = [[x for x in xs if not set(T.stems(x)) <= given] for xs in per_sentence]
    distinct = {x for xs in per_sentence for x in xs}
    bare = {x for x in distinct if L.BARE_NUMBER.fullmatch(x)}
    numeric = {x for x in distinct if _is_numeric(x)} - bare
    names = distinct - numeric - bare
    n = len(distinct)
    # numbers with units anchor a story; bare numbers a little (number-dumping earns nothing
    # past two); names alone (systems, artefacts, dates, examples) cannot lift it past 1.6
    name_cap = 1.6
    buzz = sum(len(L.BUZZ.findall(s)) for s in ctx.lowered)
    if buzz / max(ctx.word_count / 100, 0.5) >= 2.5:
        name_cap = 0.8  # framework names in a buzzword answer are labels, not substance
    value = min(
        4.0, min(name_cap, 0.4 * len(names)) + 0.7 * min(len(numeric), 4) + 0.35 * min(len(bare), 2)
    )
    if ctx.word_count > 250 and n / (ctx.word_count / 100) < 1.0:
        value = max(0.0, value - 0.7)  # long and thin
    ranked = sorted(range(len(per_sentence)), key=lambda i: -len(per_sentence[i]))
    evidence = tuple(
        ctx.evidence(i, ", ".join(per_sentence[i][:4])) for i in ranked[:3] if per_sentence[i]
    )
    advice = []
    if len(numeric) < 2:
        advice.append(
            "Add numbers that anchor the scale: how many teams or users, how long, "
            "how much money or time, and the before/after of the result."
        )
    if n < 5:
        advice.append(
            "Name the systems and artefacts you used (a risk register, a dashboard, "
            "an ADR, the actual services) instead of describing them in general terms."
        )
    reason = (
        f"{T.count(n, 'specific detail')} ({len(numeric)} numeric, "
        f"{T.count(len(bare), 'bare number')})"
    )
    return DimensionScore("specificity", round(value, 2), reason, evidence, tuple(advice))
