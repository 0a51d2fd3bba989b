"""Specificity: numbers with units, money, durations, team counts, named systems, artefacts."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
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


def score(ctx: AnswerContext) -> DimensionScore:
    per_sentence = [specifics_in(s, lw) for s, lw in zip(ctx.sentences, ctx.lowered, strict=True)]
    distinct = {x for xs in per_sentence for x in xs}
    numeric = {x for x in distinct if any(ch.isdigit() for ch in x) or L.WORD_NUMBER.fullmatch(x)}
    n = len(distinct)
    # numbers anchor a story; names alone (systems, artefacts) cannot lift it past 1.6
    value = min(4.0, min(1.6, 0.4 * (n - len(numeric))) + 0.7 * min(len(numeric), 4))
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
    reason = f"{n} specifics ({len(numeric)} numeric)"
    return DimensionScore("specificity", round(value, 2), reason, evidence, tuple(advice))
