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
from loopcoach.analysis.scorers import structure
from loopcoach.domain.analysis import DimensionScore, FlagHit

# Cosine above which a sentence counts as saying what a flag describes. Similarity to a flag's
# description tracks the topic, not the flaw: on the training half of our graded answers, strong
# answers on a flag's topic reached 0.70-0.72 ("Why TPM rather than engineering management?"
# against "generic management answer") while plain paraphrases of flags stay under 0.6. So a
# flag fires by meaning only on a near restatement of its description.
MEANING_THRESHOLD = {"minilm": 0.75, "lexical": 0.66}
PENALTY = {"question": 1.5, "role": 1.25, "common": 1.25}
_BUZZ = L.BUZZ
# Patterns that find a flag when its cue phrases do not: the flag id, then the pattern.
_PATTERNS = {"blames-others": L.BLAME, "heroics": L.HEROICS}
# Flags that describe something missing from the answer ("no business result", "no numbers")
# do not apply when the answer plainly has it: a strong story may mention its weekly sync.
_RESULT_STATED = re.compile(
    r"\b(as a result|the (outcome|result|impact) was|in the end|by the end|which meant|"
    r"success (is|was|means)|done when|(cut|reduced|increased|improved|saved|dropped|fell|rose|"
    r"grew|halved|doubled|shipped|launched|went live|hit|landed)\b.{0,40}\b(\d|from|to|by)|"
    r"\d+(\.\d+)? ?(%|percent))"
)
_NEGATION = re.compile(
    r"\b(not|never|didn'?t|don'?t|wouldn'?t|avoid|instead of|rather than|"
    r"no longer|without)\b"
)


def _contradicted(flag_id: str, ctx: AnswerContext) -> bool:
    """True when a flag about an absence is contradicted by the answer itself."""
    if flag_id in ("process-over-outcome", "process-over-outcomes", "status-theater"):
        return any(_RESULT_STATED.search(s) for s in ctx.lowered)
    if flag_id == "no-scale-anchors":
        return sum(1 for s in ctx.lowered if L.NUMBER_UNIT.search(s) or L.WORD_NUMBER.search(s)
                   or L.MONEY.search(s)) >= 2
    if flag_id == "unstructured-ramble":
        return structure.rambling(ctx)[0] == 0.0
    return False


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
    """The red flags the answer raises, found once per analysis (coverage reads them too)."""
    cached = ctx.notes.get("flag_hits")
    if isinstance(cached, list):
        return list(cached)
    hits = _find(ctx)
    ctx.notes["flag_hits"] = hits
    return list(hits)


def _find(ctx: AnswerContext) -> list[FlagHit]:
    if not ctx.sentences:
        return []
    threshold = MEANING_THRESHOLD.get(ctx.embedder_name, MEANING_THRESHOLD["lexical"])
    flags = ctx.flags
    sims = (ctx.vectors @ ctx.flag_vectors.T) if ctx.flag_vectors is not None else None
    # A question the candidate asks ("Why TPM rather than engineering management?") signposts
    # what comes next; it claims nothing, so it cannot raise a flag by meaning.
    asks = np.array([s.rstrip().endswith("?") for s in ctx.sentences], dtype=bool)
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
        if _contradicted(flag.id, ctx):
            continue
        i = _cue_hit(list(flag.cues), ctx)
        how = "cue"
        pattern = _PATTERNS.get(flag.id)
        if i is None and pattern is not None:
            i = next((k for k, low in enumerate(ctx.lowered) if pattern.search(low)), None)
            how = "pattern"
        if i is None and sims is not None:
            k = int(np.argmax(np.where(asks, -1.0, sims[:, j])))
            if float(sims[k, j]) >= threshold and not asks[k]:
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


def severity(hit: FlagHit, ctx: AnswerContext) -> float:
    """How much worse than a single slip a flag is: blame repeated across the answer, or
    buzzwords throughout rather than here and there, weigh more."""
    if hit.id == "blames-others":
        n = sum(1 for s in ctx.lowered if L.BLAME.search(s))
        return 1.0 + 0.3 * min(2, max(0, n - 1))
    if hit.id == "jargon-without-substance":
        total = sum(len(_BUZZ.findall(s)) for s in ctx.lowered)
        per100 = total / max(ctx.word_count / 100, 0.5)
        return 1.0 + min(0.8, max(0.0, per100 - 2.0) * 0.4)
    return 1.0


def score(ctx: AnswerContext, hits: list[FlagHit]) -> DimensionScore:
    if not ctx.sentences:
        return DimensionScore("red_flags", 0.0, "no answer", (), ())
    penalty = sum(PENALTY.get(h.source, 1.0) * (0.6 if h.how == "meaning" else 1.0)
                  * severity(h, ctx) for h in hits)
    value = max(0.0, 4.0 - penalty)
    evidence = tuple(h.evidence for h in hits if h.evidence is not None)
    advice = tuple(f"{h.label}: {h.advice}" for h in hits)
    reason = (
        "no red flags"
        if not hits
        else f"{len(hits)} red flag(s): " + ", ".join(h.label for h in hits)
    )
    return DimensionScore("red_flags", round(value, 2), reason, evidence, advice)
