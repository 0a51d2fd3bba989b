"""Coverage: which of the rubric's talking points the answer makes, by cue or by meaning."""

from __future__ import annotations

import numpy as np

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore, PointResult

# Cosine thresholds per embedder: (made, partial). MiniLM paraphrases score about 0.5-0.75.
THRESHOLDS = {"minilm": (0.52, 0.40), "lexical": (0.42, 0.28)}
SATURATION = 0.8  # making 80% of the weighted points earns the full score


def thresholds(embedder: str) -> tuple[float, float]:
    return THRESHOLDS.get(embedder, THRESHOLDS["lexical"])


def cue_sentence(cues: list[str], ctx: AnswerContext) -> int | None:
    for cue in cues:
        cs = T.phrase_stems(cue)
        for i, ss in enumerate(ctx.stems):
            if T.phrase_in(cs, ss):
                return i
    return None


def _weak(ctx: AnswerContext, i: int) -> bool:
    """A point said in passing: hedged ("I'd probably talk to the team") or wrapped in
    buzzwords ("drive alignment and transparency") is touched on, not made."""
    s = ctx.lowered[i]
    return bool(L.HEDGE.search(s)) or len(L.BUZZ.findall(s)) >= 2


def points(ctx: AnswerContext) -> list[PointResult]:
    q = ctx.rubric.question
    made_t, partial_t = thresholds(ctx.embedder_name)
    sims = (
        ctx.vectors @ ctx.point_vectors.T
        if ctx.point_vectors is not None and len(ctx.sentences)
        else None
    )
    weak = [_weak(ctx, i) for i in range(len(ctx.sentences))]
    firm = np.array([not w for w in weak], dtype=bool)
    out: list[PointResult] = []
    for j, tp in enumerate(q.talking_points):
        best_i, best = -1, 0.0  # best sentence overall
        firm_i, firm_best = -1, 0.0  # best sentence that is not hedged or buzzwords
        if sims is not None:
            best_i = int(np.argmax(sims[:, j]))
            best = float(sims[best_i, j])
            if firm.any():
                col = np.where(firm, sims[:, j], -1.0)
                firm_i = int(np.argmax(col))
                firm_best = float(col[firm_i])
        cue_i = cue_sentence(list(tp.cues), ctx)
        if cue_i is not None and not weak[cue_i]:
            out.append(PointResult(tp.id, tp.label, True, "cue", round(best, 3),
                                   ctx.evidence(cue_i, tp.label), tp.description))
        elif firm_best >= made_t:
            out.append(PointResult(tp.id, tp.label, True, "meaning", round(firm_best, 3),
                                   ctx.evidence(firm_i, tp.label), tp.description))
        elif cue_i is not None or best >= partial_t:
            i = cue_i if cue_i is not None else best_i
            out.append(PointResult(tp.id, tp.label, False, "partial", round(best, 3),
                                   ctx.evidence(i, f"touches on: {tp.label}"), tp.description))
        else:
            out.append(
                PointResult(tp.id, tp.label, False, "", round(best, 3), None, tp.description)
            )
    return out


def score(ctx: AnswerContext, found: list[PointResult]) -> DimensionScore:
    q = ctx.rubric.question
    weights = {tp.id: tp.weight for tp in q.talking_points}
    total = sum(weights.values()) or 1.0
    got = sum(
        weights[p.id] * (1.0 if p.made else 0.4 if p.how == "partial" else 0.0) for p in found
    )
    frac = got / total
    value = round(min(4.0, 4.0 * frac / SATURATION), 2)
    made = [p for p in found if p.made]
    missed = [p for p in found if not p.made]
    evidence = tuple(p.evidence for p in made if p.evidence is not None)
    advice = tuple(
        f"Cover '{p.label}': {p.description}"
        for p in sorted(missed, key=lambda p: -weights[p.id])[:3]
    )
    reason = f"made {len(made)} of {len(found)} talking points"
    partial = [p for p in missed if p.how == "partial"]
    if partial:
        reason += f" ({len(partial)} touched on)"
    return DimensionScore("coverage", value, reason, evidence, advice)
