"""Coverage: which of the rubric's talking points the answer makes, by cue or by meaning.

A point earns credit by how closely a sentence says it, not by a hard cut-off: nothing at the
low cosine of the ramp, full credit at the high one (fitted on the training half of our graded
answers). The made / touched on / missed labels stay for the report: a point is *made* only
when a firm sentence uses one of its cue phrases or says it at similarity >= the made
threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np

from loopcoach.analysis import lexicon as L
from loopcoach.analysis import point_reader as PR
from loopcoach.analysis import text as T
from loopcoach.analysis.context import AnswerContext
from loopcoach.domain.analysis import DimensionScore, FlagHit, PointResult

# Cosine thresholds per embedder: (made, partial). MiniLM paraphrases score about 0.5-0.75.
THRESHOLDS = {"minilm": (0.52, 0.40), "lexical": (0.42, 0.28)}
# Credit by meaning rises linearly from nothing at the first cosine to full at the second.
RAMP = {"minilm": (0.40, 0.65), "lexical": (0.28, 0.52)}
TOUCHED = 0.4  # a point only touched on (hedged, buzzwords, a red-flag sentence) earns 40%
SATURATION = 0.8  # making 80% of the weighted points earns the full score
PARTIAL = 0.5  # with the reader, a point is touched on at half its threshold probability


def thresholds(embedder: str) -> tuple[float, float]:
    return THRESHOLDS.get(embedder, THRESHOLDS["lexical"])


def ramp(sim: float, embedder: str) -> float:
    lo, hi = RAMP.get(embedder, RAMP["lexical"])
    return min(1.0, max(0.0, (sim - lo) / (hi - lo)))


def cue_sentence(cues: list[str], ctx: AnswerContext) -> int | None:
    for cue in cues:
        hits = ctx.cue_sentences(T.phrase_stems(cue))
        if hits:
            return hits[0]
    return None


def _weak(ctx: AnswerContext, i: int) -> bool:
    """A point said in passing: hedged ("I'd probably talk to the team") or wrapped in
    buzzwords ("drive alignment and transparency") is touched on, not made."""
    s = ctx.lowered[i]
    return bool(L.HEDGE.search(s)) or len(L.BUZZ.findall(s)) >= 2


class Found(NamedTuple):
    points: list[PointResult]  # every talking point, in rubric order
    credit: dict[str, float]  # point id -> the share of its weight it earns


def weak_sentences(ctx: AnswerContext, flag_hits: Sequence[FlagHit]) -> list[bool]:
    """Per sentence: hedged, wrapped in buzzwords, or the evidence of a red flag (a sentence
    that raises a red flag, "I let the engineers manage the risk", does not make the point it
    is about; it only touches on it)."""
    n = len(ctx.sentences)
    weak = [_weak(ctx, i) for i in range(n)]
    local = {o: k for k, o in enumerate(ctx.origin)} if ctx.origin else None
    for hit in flag_hits:
        if hit.evidence is not None:
            k = local.get(hit.evidence.index) if local is not None else hit.evidence.index
            if k is not None and 0 <= k < n:
                weak[k] = True
    return weak


def _story_parts(
    ctx: AnswerContext, star: Mapping[str, tuple[int, ...]]
) -> Mapping[str, tuple[int, ...]]:
    q = ctx.rubric.question
    if ctx.rubric.framework == "star" and any(tp.part for tp in q.talking_points):
        return star
    return {}


def points(
    ctx: AnswerContext,
    flag_hits: Sequence[FlagHit],
    star: Mapping[str, tuple[int, ...]],
) -> Found:
    """How the answer makes each talking point. `flag_hits` are the red flags of the whole
    answer; `star` its STAR parts (`structure.star_parts`, read for STAR rubrics only).

    With MiniLM the fitted reader decides which points are made, touched on or missed, and
    which sentence is the evidence (`point_reader`); the credit each point earns towards the
    coverage score is still the hand-set rule's (`rule_points`): the reader's probability used
    as credit let answers to other questions, padded answers and cut-short answers keep their
    score (the engine's metamorphic properties), so it reports points but does not score them
    yet. The lexical fallback keeps the rule for both."""
    q = ctx.rubric.question
    reader = PR.load(ctx.embedder_name) if ctx.point_vectors is not None else None
    if reader is None or not ctx.sentences or not q.talking_points:
        return rule_points(ctx, flag_hits, star)
    weak = weak_sentences(ctx, flag_hits)
    parts = _story_parts(ctx, star)
    x = PR.features(ctx, weak, parts)
    prob = reader.probabilities(x)
    ok = PR.eligible(ctx, weak)
    firm = np.where(ok[:, None], prob, 0.0)
    cos, cue, part = (
        x[:, :, 0],
        x[:, :, PR.FEATURES.index("cue")],
        x[:, :, PR.FEATURES.index("story_part")],
    )
    t = reader.threshold
    out: list[PointResult] = []
    for j, tp in enumerate(q.talking_points):
        i = int(np.argmax(firm[:, j]))
        p = float(firm[i, j])
        k = int(np.argmax(prob[:, j]))  # the likeliest sentence, eligible or not
        # A point the pack ties to a story part (``part: result``) is also made by an eligible
        # sentence the structure check finds as that part: "reconciliation errors fell by 35%"
        # states the outcome whatever words the point's description uses.
        story = np.flatnonzero(part[:, j].astype(bool) & ok)
        if p < t and len(story):
            i = int(story[0])
            p = t
        if p >= t:
            how: Literal["cue", "story", "meaning"] = (
                "cue" if cue[i, j] and prob[i, j] >= t else "story" if part[i, j] else "meaning"
            )
            note = f"{tp.label} (the story's {tp.part})" if how == "story" else tp.label
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    True,
                    how,
                    round(float(cos[i, j]), 3),
                    ctx.evidence(i, note),
                    tp.description,
                )
            )
            continue
        # short of the threshold: touched on when the likeliest sentence comes near it (a
        # hedged, negated or red-flag sentence only ever touches on the point)
        if float(prob[k, j]) >= PARTIAL * t:
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    False,
                    "partial",
                    round(float(cos[k, j]), 3),
                    ctx.evidence(k, f"touches on: {tp.label}"),
                    tp.description,
                )
            )
        else:
            best = float(cos[:, j].max())
            out.append(
                PointResult(tp.id, tp.label, False, "", round(best, 3), None, tp.description)
            )
    return Found(out, rule_points(ctx, flag_hits, star, weak=weak).credit)


def rule_points(
    ctx: AnswerContext,
    flag_hits: Sequence[FlagHit],
    star: Mapping[str, tuple[int, ...]],
    *,
    weak: Sequence[bool] | None = None,
) -> Found:
    """The hand-set rule (the lexical fallback): a point is *made* when a firm sentence uses one
    of its cue phrases, is the story part it is tied to, or says it at similarity >= the made
    threshold and is nearer to it than to any other point. ``weak``: `weak_sentences` of the
    same answer and flags when the caller has read them already."""
    q = ctx.rubric.question
    made_t, partial_t = thresholds(ctx.embedder_name)
    n = len(ctx.sentences)
    sims = (
        ctx.vectors @ ctx.point_vectors.T
        if ctx.point_vectors is not None and n and len(q.talking_points)
        else None
    )
    if weak is None:
        weak = weak_sentences(ctx, flag_hits)
    firm = np.array([not w for w in weak], dtype=bool)
    if sims is not None:
        # By meaning, a sentence makes only the point it is closest to: a sentence that is
        # merely on topic sits about as close to several points and must not make them all.
        nearest = sims >= sims.max(axis=1, keepdims=True)
        own = np.where(firm[:, None] & nearest, sims, -1.0)
    # A point the pack ties to a story part (``part: result``) is also made by a firm sentence
    # the structure check finds as that part: "reconciliation errors fell by 35%" states the
    # outcome whatever words the point's description uses.
    parts = _story_parts(ctx, star)
    credit: dict[str, float] = {}
    out: list[PointResult] = []
    for j, tp in enumerate(q.talking_points):
        best_i, best = -1, 0.0  # best sentence overall
        own_i, own_best = -1, 0.0  # best firm sentence for which this is the nearest point
        if sims is not None:
            best_i = int(np.argmax(sims[:, j]))
            best = float(sims[best_i, j])
            own_i = int(np.argmax(own[:, j]))
            own_best = float(own[own_i, j])
        cue_i = cue_sentence(list(tp.cues), ctx)
        meaning = ramp(own_best, ctx.embedder_name)
        touched = TOUCHED * max(ramp(best, ctx.embedder_name), 1.0 if cue_i is not None else 0.0)
        part_i = next((i for i in parts.get(tp.part or "", ()) if not weak[i]), None)
        if cue_i is not None and not weak[cue_i]:
            credit[tp.id] = 1.0
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    True,
                    "cue",
                    round(best, 3),
                    ctx.evidence(cue_i, tp.label),
                    tp.description,
                )
            )
        elif part_i is not None:
            credit[tp.id] = 1.0
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    True,
                    "story",
                    round(best, 3),
                    ctx.evidence(part_i, f"{tp.label} (the story's {tp.part})"),
                    tp.description,
                )
            )
        elif own_best >= made_t:
            credit[tp.id] = max(meaning, touched)
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    True,
                    "meaning",
                    round(own_best, 3),
                    ctx.evidence(own_i, tp.label),
                    tp.description,
                )
            )
        elif cue_i is not None or best >= partial_t:
            credit[tp.id] = max(meaning, touched)
            i = cue_i if cue_i is not None else best_i
            out.append(
                PointResult(
                    tp.id,
                    tp.label,
                    False,
                    "partial",
                    round(best, 3),
                    ctx.evidence(i, f"touches on: {tp.label}"),
                    tp.description,
                )
            )
        else:
            credit[tp.id] = 0.0
            out.append(
                PointResult(tp.id, tp.label, False, "", round(best, 3), None, tp.description)
            )
    return Found(out, credit)


def _credit(credit: Mapping[str, float], p: PointResult) -> float:
    if p.id in credit:
        return float(credit[p.id])
    return 1.0 if p.made else TOUCHED if p.how == "partial" else 0.0


def score(
    ctx: AnswerContext, found: Sequence[PointResult], credit: Mapping[str, float]
) -> DimensionScore:
    """The coverage score from the points `points` found and the credit each earned."""
    q = ctx.rubric.question
    weights = {tp.id: tp.weight for tp in q.talking_points}
    total = sum(weights.values()) or 1.0
    got = sum(weights[p.id] * _credit(credit, p) for p in found)
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
