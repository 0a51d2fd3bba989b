"""Red flags: the question's own, the role's and the common ones, by cue or by meaning.

A few flags need more than cue phrases: jargon is a density of buzzwords with few specifics,
and "no result" is a story that never says what happened.
"""

from __future__ import annotations

import re

import numpy as np

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore, FlagHit

# Cosine above which a sentence counts as saying what a flag describes.
MEANING_THRESHOLD = {"minilm": 0.66, "lexical": 0.58}
PENALTY = {"question": 1.5, "role": 1.25, "common": 1.25}
_BUZZ = re.compile(r"\b(" + "|".join(re.escape(b) for b in L.BUZZWORDS) + r")\b")
# Blame: another party is the cause ("because the data team kept changing the schema").
_OTHERS = (r"(they|the \w+ team|the engineers?|one of the (senior )?engineers|engineering|sales|"
           r"marketing|the stakeholders?|stakeholders|the business|management|leadership|"
           r"the developers?|developers|the vendor|the client|my manager|he|she)")
_BLAME = re.compile(
    r"\b(because|since|mainly because|it was because|the reason was|really it was)\b[^.]{0,80}?\b"
    + _OTHERS
    + r"\b[^.]{0,40}?\b(kept changing|kept moving|was slow|were slow|didn'?t (raise|tell|read|"
    r"deliver|care|listen)|never (told|raised|delivered|listened)|failed to|underestimated|"
    r"overstated|got it wrong|dropped|wasn'?t ready|weren'?t ready|pushed back on everything)"
    r"|\b(the information i was given was wrong|if they read|could work out themselves|"
    r"not my fault|wasn'?t my fault|their fault|(was|were) (very |really )?(stubborn|lazy|"
    r"incompetent|useless|difficult))"
)
_NEGATION = re.compile(
    r"\b(not|never|didn'?t|don'?t|wouldn'?t|avoid|instead of|rather than|"
    r"no longer|without)\b"
)


def _cue_hit(cues: list[str], ctx: AnswerContext) -> int | None:
    for cue in cues:
        cs = T.phrase_stems(cue)
        for i, ss in enumerate(ctx.stems):
            if T.phrase_in(cs, ss):
                # "I never blame the team" is not blaming: skip cue hits under a negation
                before = ctx.lowered[i].split(cue.split()[0].lower())[0][-40:]
                if _NEGATION.search(before):
                    continue
                return i
    return None


def find(ctx: AnswerContext) -> list[FlagHit]:
    if not ctx.sentences:
        return []
    threshold = MEANING_THRESHOLD.get(ctx.embedder_name, MEANING_THRESHOLD["lexical"])
    flags = ctx.flags
    sims = (ctx.vectors @ ctx.flag_vectors.T) if ctx.flag_vectors is not None else None
    hits: list[FlagHit] = []
    seen: set[str] = set()
    for j, (source, flag) in enumerate(flags):
        if flag.id in seen:
            continue
        if flag.id == "jargon-without-substance":
            hit = _jargon(ctx, flag.label, flag.advice)
            if hit:
                hits.append(hit)
                seen.add(flag.id)
            continue
        if flag.id in ("no-result", "vague-we"):
            continue  # structure and ownership already score these; not counted twice
        i = _cue_hit(list(flag.cues), ctx)
        how = "cue"
        if i is None and flag.id == "blames-others":
            i = next((k for k, low in enumerate(ctx.lowered) if _BLAME.search(low)), None)
            how = "pattern"
        if i is None and sims is not None:
            k = int(np.argmax(sims[:, j]))
            if float(sims[k, j]) >= threshold:
                i, how = k, "meaning"
        if i is not None:
            hits.append(
                FlagHit(flag.id, flag.label, source, flag.advice, ctx.evidence(i, flag.label), how)
            )
            seen.add(flag.id)
    return hits


def _jargon(ctx: AnswerContext, label: str, advice: str) -> FlagHit | None:
    counts = [len(_BUZZ.findall(s)) for s in ctx.lowered]
    total = sum(counts)
    per100 = total / max(ctx.word_count / 100, 0.5)
    numbers = sum(1 for s in ctx.lowered if L.NUMBER_UNIT.search(s))
    if total >= 3 and per100 >= 1.2 and numbers <= 1:
        i = max(range(len(counts)), key=lambda k: counts[k])
        return FlagHit(
            "jargon-without-substance",
            label,
            "common",
            advice,
            ctx.evidence(i, f"{total} buzzwords"),
            "density",
        )
    return None


def score(ctx: AnswerContext, hits: list[FlagHit]) -> DimensionScore:
    if not ctx.sentences:
        return DimensionScore("red_flags", 0.0, "no answer", (), ())
    penalty = sum(PENALTY.get(h.source, 1.0) * (0.6 if h.how == "meaning" else 1.0)
                  for h in hits)
    value = max(0.0, 4.0 - penalty)
    evidence = tuple(h.evidence for h in hits if h.evidence is not None)
    advice = tuple(f"{h.label}: {h.advice}" for h in hits)
    reason = (
        "no red flags"
        if not hits
        else f"{len(hits)} red flag(s): " + ", ".join(h.label for h in hits)
    )
    return DimensionScore("red_flags", round(value, 2), reason, evidence, advice)
