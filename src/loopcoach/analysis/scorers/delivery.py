"""Delivery: length against the target, fillers, hedges, rambling; real pace when timed."""

from __future__ import annotations

import re

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore

WPM = 150.0
LONG_SENTENCE = 40
SHORT = 0.6  # under 60% of the target, the answer is too short to land spoken
# Buzzwords ("synergy", "best-in-class", "north star") lose a listener: past one per 100 words
# each further one per 100 words costs 0.4, at most 1.5 points.
BUZZ_FREE, BUZZ_COST, BUZZ_CAP = 1.0, 0.4, 1.5
_FILLER = re.compile(
    r"\b(um+|uh+|erm|er|you know|basically|sort of|kind of|i mean|literally|"
    r"so yeah)\b|(?:^|,\s*)like,|\blike\s+(?:um|uh|you know|literally|,)"
)
_HEDGE = re.compile(
    r"\b(i think|i guess|maybe|probably|i suppose|perhaps|hopefully|"
    r"i'?m not (really )?sure|more or less|somewhat|i feel like)\b"
)


def estimated_seconds(ctx: AnswerContext) -> float:
    if ctx.timing is not None and ctx.timing.duration_seconds > 0:
        return float(ctx.timing.duration_seconds)
    return ctx.word_count / WPM * 60.0


def _length_score(ratio: float) -> float:
    """1.0 for a length between 60% and 130% of the target, falling off either side."""
    if ratio <= 0:
        return 0.0
    if ratio < SHORT:
        return max(0.0, ratio / SHORT)
    if ratio <= 1.3:
        return 1.0
    return max(0.0, 1.0 - (ratio - 1.3) / 0.6)


def score(ctx: AnswerContext) -> DimensionScore:
    if not ctx.sentences:
        return DimensionScore(
            "delivery", 0.0, "no answer", (), ("Give an answer of about two minutes.",)
        )
    target = ctx.rubric.question.target_seconds
    secs = estimated_seconds(ctx)
    ratio = secs / target
    value = 1.0 + 2.0 * _length_score(ratio)
    if ratio > 1.6:
        value -= 1.0  # rambling: the listener has stopped following
    fillers = [(i, len(_FILLER.findall(s))) for i, s in enumerate(ctx.lowered)]
    hedges = [(i, len(_HEDGE.findall(s))) for i, s in enumerate(ctx.lowered)]
    n_fill = sum(c for _, c in fillers)
    n_hedge = sum(c for _, c in hedges)
    per100 = 100.0 / max(ctx.word_count, 1)
    fill_rate = n_fill * per100
    hedge_rate = n_hedge * per100
    long_idx = [i for i, n in enumerate(ctx.word_counts) if n > LONG_SENTENCE]
    buzz = [(i, len(L.BUZZ.findall(s))) for i, s in enumerate(ctx.lowered)]
    n_buzz = sum(c for _, c in buzz)
    buzz_rate = n_buzz * per100
    value += 1.0
    value -= min(1.5, fill_rate * 0.5)
    value -= min(0.8, max(0.0, hedge_rate - 0.5) * 0.4)
    value -= min(0.8, 0.25 * len(long_idx))
    value -= min(BUZZ_CAP, max(0.0, buzz_rate - BUZZ_FREE) * BUZZ_COST)
    advice: list[str] = []
    evidence = []
    pace_note = ""
    if ctx.timing is not None and ctx.timing.duration_seconds > 0:
        wpm = ctx.word_count / (ctx.timing.duration_seconds / 60.0)
        pace_note = f", {wpm:.0f} words per minute"
        if wpm > 185:
            value -= 0.5
            advice.append(
                f"You spoke at {wpm:.0f} words per minute; slow to about 140-160 so "
                "each point lands."
            )
        elif wpm < 105:
            value -= 0.5
            advice.append(
                f"You spoke at {wpm:.0f} words per minute; rehearse until the story "
                "flows at about 130-160."
            )
        gaps = [
            b[0] - a[1] for a, b in zip(ctx.timing.segments, ctx.timing.segments[1:], strict=False)
        ]
        long_pauses = [g for g in gaps if g > 4.0]
        if long_pauses:
            value -= min(0.5, 0.2 * len(long_pauses))
            advice.append(
                f"{T.count(len(long_pauses), 'pause')} longer than 4 seconds; a short outline "
                "before you start keeps the story moving."
            )
    if ratio < SHORT:
        advice.append(
            f"At about {secs:.0f} s this is short for a {target} s answer; add the "
            "context, your actions and the result."
        )
    elif ratio > 1.3:
        advice.append(
            f"At about {secs:.0f} s this runs past the {target} s target; lead with "
            "the outcome and cut background the listener does not need."
        )
    if fill_rate >= 1.0:
        worst = max(fillers, key=lambda x: x[1])[0]
        evidence.append(ctx.evidence(worst, f"{T.count(n_fill, 'filler')} in the answer"))
        advice.append("Cut the fillers (um, you know, basically, like): pause silently instead.")
    if hedge_rate >= 1.0:
        worst = max(hedges, key=lambda x: x[1])[0]
        evidence.append(ctx.evidence(worst, "hedging"))
        advice.append("State what you did and decided without hedging ('I think', 'maybe').")
    if buzz_rate > BUZZ_FREE:
        worst = max(buzz, key=lambda x: x[1])[0]
        evidence.append(ctx.evidence(worst, f"{T.count(n_buzz, 'buzzword')} in the answer"))
        advice.append(
            "Say it in plain words: a listener cannot follow buzzwords; name the system, the "
            "decision or the number instead."
        )
    for i in long_idx[:2]:
        evidence.append(ctx.evidence(i, f"{ctx.word_counts[i]} words in one sentence"))
    if long_idx:
        advice.append("Break very long sentences into short ones; one idea per sentence.")
    value = max(0.0, min(4.0, value))
    reason = (
        f"{ctx.word_count} words, about {secs:.0f} s against a {target} s target"
        f"{pace_note}; {T.count(n_fill, 'filler')}, {T.count(n_hedge, 'hedge')}, "
        f"{T.count(n_buzz, 'buzzword')}, {T.count(len(long_idx), 'very long sentence')}"
    )
    return DimensionScore("delivery", round(value, 2), reason, tuple(evidence), tuple(advice))
