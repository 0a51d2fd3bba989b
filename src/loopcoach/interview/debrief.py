"""The debrief: a scorecard on the role's dimensions, a recommendation, three changes, a transcript.

Pure: built from a replayed `SessionState` and the role's pack. How each figure is made (and the
recommendation thresholds) is documented in docs/mock.md; keep the two in step.

- A question's score is the latest analysis of its answer (follow-up answers included). A skipped
  question counts in no mean (one skip never decides the call on its own): it rules out strong
  hire, and skipping half the questions caps the call at lean no hire. A question that was open
  when the session ended does not count.
- A scorecard dimension covers the questions that test any of its competencies. Its level is set by
  the mean score of those questions: 4 from 80, 3 from 60, 2 from 40, else 1.
- The recommendation comes from the mean score of all counted questions, capped by any level-1
  dimension and by red flags (`recommend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from loopcoach.analysis.weights import DEFAULT, WEIGHTS
from loopcoach.content.library import RolePack
from loopcoach.content.schema import Dimension
from loopcoach.domain.kinds import SessionStatus
from loopcoach.interview.events import as_utc
from loopcoach.interview.state import SessionState, StageClock, stage_clocks
from loopcoach.interview.transcript import Line, transcript

LEVEL_BANDS = ((80, 4), (60, 3), (40, 2), (0, 1))
RECOMMENDATIONS = ("strong no hire", "no hire", "lean no hire", "lean hire", "hire", "strong hire")
# (minimum mean score, label), best first; see `recommend` for the caps
THRESHOLDS = (
    (80, "strong hire"),
    (70, "hire"),
    (60, "lean hire"),
    (50, "lean no hire"),
    (35, "no hire"),
    (0, "strong no hire"),
)
CHANGES = 3
RED_FLAG_SHARE = 0.25  # red flags in this share of answers (and at least two) mean lean no hire


@dataclass(frozen=True)
class Quote:
    key: str
    question_id: str
    text: str
    note: str


@dataclass(frozen=True)
class ScoreRow:
    """One row of the scorecard: a dimension of the role's pack."""

    id: str
    name: str
    description: str
    level: int | None  # 1-4, None when no question in the session tested it
    mean_score: float | None
    questions: tuple[str, ...]  # keys of the questions that count
    level_text: str = ""
    evidence: tuple[Quote, ...] = ()
    advice: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One of the changes that would most raise the result."""

    text: str
    dimension: str  # the scorecard dimension it lifts
    analysis_dimension: str  # structure, coverage, ...
    gain: float  # estimated points per answer it applies to
    questions: tuple[str, ...]


@dataclass(frozen=True)
class QuestionResult:
    key: str
    question_id: str
    stage: str
    prompt: str
    kind: str
    competencies: tuple[str, ...]
    first_score: int | None
    final_score: int | None
    counted_score: int | None  # what the debrief counts: the final score; None when skipped
    follow_ups: tuple[dict[str, Any], ...]
    red_flags: tuple[str, ...]
    duration_seconds: float  # the question's answer and follow-up answers together
    time_box: int  # the time boxes of those answers together
    overrun_seconds: float
    skipped: bool


@dataclass(frozen=True)
class Recommendation:
    label: str | None
    reason: str
    mean_score: float | None


@dataclass(frozen=True)
class Debrief:
    session_id: str
    role: str
    role_name: str
    status: SessionStatus
    seed: int
    started_at: datetime
    ended_at: datetime | None
    recommendation: Recommendation
    scorecard: tuple[ScoreRow, ...]
    changes: tuple[Change, ...]
    questions: tuple[QuestionResult, ...]
    stages: tuple[StageClock, ...]
    transcript: tuple[Line, ...]
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def level_for(score: float) -> int:
    for floor, level in LEVEL_BANDS:
        if score >= floor:
            return level
    return 1


def recommend(
    mean: float | None,
    levels: Sequence[int],
    red_flag_answers: int,
    answers: int = 0,
    skipped: int = 0,
) -> Recommendation:
    """The panel's call from the mean question score, capped by weak dimensions, red flags and
    skipped questions.

    `red_flag_answers` counts the questions whose answer hit a red flag, out of `answers`;
    `skipped` the questions skipped (they count in no mean: a skip never decides on its own)."""
    if mean is None:
        if skipped:
            return Recommendation(None, f"{skipped} question(s) skipped and none answered", None)
        return Recommendation(None, "no answers yet", None)
    label = next(lab for floor, lab in THRESHOLDS if mean >= floor)
    why = [f"mean question score {mean:.0f}/100"]
    rank = RECOMMENDATIONS.index

    def cap(limit: str, because: str) -> None:
        nonlocal label
        if rank(label) > rank(limit):
            label = limit
            why.append(because)

    if levels and min(levels) < 3:
        cap("hire", "strong hire needs every dimension at level 3 or more")
    if 1 in levels:
        cap("lean no hire", "a dimension at level 1 caps the call at lean no hire")
    if red_flag_answers >= 2 and red_flag_answers >= RED_FLAG_SHARE * max(answers, 1):
        cap(
            "lean no hire",
            f"red flags in {red_flag_answers} of {answers} answers cap the call at lean no hire",
        )
    elif red_flag_answers >= 2:
        cap("lean hire", f"red flags in {red_flag_answers} answers cap the call at lean hire")
    elif red_flag_answers == 1:
        cap("hire", "a red flag in one answer rules out strong hire")
    if skipped and skipped * 2 >= skipped + answers:
        cap(
            "lean no hire",
            f"{skipped} of {skipped + answers} questions skipped caps the call at lean no hire",
        )
    elif skipped:
        cap("hire", f"{skipped} skipped question(s) rule out strong hire")
    return Recommendation(label, "; ".join(why), round(mean, 1))


# --- per question ------------------------------------------------------------------------------


def _question_results(state: SessionState) -> list[QuestionResult]:
    out = []
    for main in state.main_turns():
        chain = state.chain(main.key)
        final = state.final_analysis(main.key)
        first = main.analysis.score if main.analysis else None
        flags = tuple(f["label"] for f in (final.analysis.get("red_flags") or [])) if final else ()
        if main.skipped:
            counted: int | None = None  # a skip is reported, and capped, in `recommend`
        elif final is not None:
            counted = final.score
        else:
            counted = None
        out.append(
            QuestionResult(
                key=main.key,
                question_id=main.question_id,
                stage=main.stage,
                prompt=main.prompt,
                kind=main.question_kind,
                competencies=main.competencies,
                first_score=first,
                final_score=final.score if final else None,
                counted_score=counted,
                follow_ups=tuple(
                    {
                        "key": t.key,
                        "trigger": t.trigger,
                        "prompt": t.prompt,
                        "answered": t.answer is not None,
                    }
                    for t in chain[1:]
                ),
                red_flags=flags,
                duration_seconds=round(sum(t.duration_seconds or 0.0 for t in chain), 1),
                time_box=sum(t.time_box for t in chain if t.answer is not None) or main.time_box,
                overrun_seconds=round(sum(t.overrun_seconds for t in chain), 1),
                skipped=main.skipped,
            )
        )
    return out


# --- scorecard ---------------------------------------------------------------------------------


def _gains(analysis: dict[str, Any], kind: str) -> list[tuple[float, str, str]]:
    """(points the question's score would gain with this dimension at 4, dimension, advice)."""
    w = WEIGHTS.get(kind, DEFAULT)
    total = sum(w.values())
    out = []
    for name, dim in (analysis.get("dimensions") or {}).items():
        advice = list(dim.get("advice") or [])
        if name == "red_flags":
            advice = [f["advice"] for f in analysis.get("red_flags") or []] + advice
        if not advice:
            continue
        gain = w.get(name, 0.0) * (4.0 - float(dim.get("score", 0.0))) / total * 25
        if gain > 0.5:
            out.append((round(gain, 1), name, advice[0]))
    return out


# Words too common in rubric text to tie a point to a dimension (every TPM point names a program).
_STOP = frozenset(
    [
        "about",
        "after",
        "also",
        "answer",
        "before",
        "candidate",
        "clear",
        "does",
        "each",
        "even",
        "every",
        "from",
        "have",
        "into",
        "just",
        "more",
        "most",
        "only",
        "other",
        "over",
        "shows",
        "than",
        "that",
        "their",
        "them",
        "then",
        "they",
        "this",
        "what",
        "when",
        "which",
        "while",
        "whole",
        "with",
        "without",
        "work",
        "would",
        "your",
        "program",
        "programs",
        "product",
        "project",
        "team",
        "teams",
    ]
)
_STEM = 5  # words match on their first letters: "risks" and "risky", "measured" and "measures"


def _stems(text: str) -> set[str]:
    words = "".join(c if c.isalpha() else " " for c in text.lower()).split()
    return {w[:_STEM] for w in words if len(w) >= 4 and w not in _STOP}


def dimension_stems(dim: Dimension, role: RolePack) -> set[str]:
    """The words that say what a scorecard row is about: its name, description, competencies
    and level descriptions."""
    parts = [dim.name, dim.description, *dim.levels.values()]
    parts += [role.competency_name(c) for c in dim.competencies]
    return _stems(" ".join(parts))


def point_relevance(point: dict[str, Any], stems: set[str]) -> int:
    """How many of a row's words a talking point's label and description share."""
    return len(_stems(f"{point.get('label', '')} {point.get('description', '')}") & stems)


def _quotes(
    keys: Sequence[str],
    results: dict[str, QuestionResult],
    state: SessionState,
    stems: set[str],
) -> tuple[Quote, ...]:
    """Up to three quotes for a row: the points made that are most about this row (one per
    question, best answers first), and a red flag. Only when no point made is about the row does
    it fall back to the best answer's first point."""
    strengths: list[tuple[int, Quote]] = []
    fallback: list[Quote] = []
    concerns: list[Quote] = []
    ranked = sorted(keys, key=lambda k: -(results[k].final_score or 0))
    for key in ranked:
        final = state.final_analysis(key)
        if final is None:
            continue
        qid = results[key].question_id
        best: tuple[int, Quote] | None = None
        for p in final.analysis.get("points_made") or []:
            ev = p.get("evidence")
            if not (ev and ev.get("sentence")):
                continue
            quote = Quote(key, qid, ev["sentence"], f"makes the point: {p['label']}")
            if not fallback:
                fallback.append(quote)
            rel = point_relevance(p, stems)
            if rel > 0 and (best is None or rel > best[0]):
                best = (rel, quote)
        if best is not None:
            strengths.append(best)
        for f in final.analysis.get("red_flags") or []:
            ev = f.get("evidence")
            if ev and ev.get("sentence"):
                concerns.append(Quote(key, qid, ev["sentence"], f"red flag: {f['label']}"))
    # most relevant first; the sort is stable, so equally relevant ones keep the best answers first
    found = [q for _, q in sorted(strengths, key=lambda s: -s[0])] or fallback
    picked = found[:2] + concerns[:1]
    if len(picked) < 3:
        picked += [q for q in found[2:] + concerns[1:] if q not in picked][: 3 - len(picked)]
    return tuple(picked)


def _row_changes(
    keys: Sequence[str], results: dict[str, QuestionResult], state: SessionState
) -> list[tuple[float, str, str, tuple[str, ...]]]:
    """(total gain, analysis dimension, advice, question keys) for a row, biggest first."""
    agg: dict[str, tuple[float, str, list[str]]] = {}
    for key in keys:
        final = state.final_analysis(key)
        if final is None:
            continue
        for gain, dim, text in _gains(final.analysis, results[key].kind):
            total, _, qs = agg.get(text, (0.0, dim, []))
            agg[text] = (total + gain, dim, [*qs, key])
    items = [(round(g, 1), d, t, tuple(qs)) for t, (g, d, qs) in agg.items()]
    return sorted(items, key=lambda x: -x[0])


def build_debrief(state: SessionState, role: RolePack) -> Debrief:
    results = {r.key: r for r in _question_results(state)}
    counted = {k: r for k, r in results.items() if r.counted_score is not None}
    rows: list[ScoreRow] = []
    row_changes: dict[str, list[tuple[float, str, str, tuple[str, ...]]]] = {}
    for dim in role.dimensions:
        keys = tuple(k for k, r in counted.items() if set(r.competencies) & set(dim.competencies))
        if not keys:
            rows.append(ScoreRow(dim.id, dim.name, dim.description, None, None, ()))
            continue
        dim_mean = sum(counted[k].counted_score or 0 for k in keys) / len(keys)
        level = level_for(dim_mean)
        changes = _row_changes(keys, results, state)
        row_changes[dim.id] = changes
        rows.append(
            ScoreRow(
                id=dim.id,
                name=dim.name,
                description=dim.description,
                level=level,
                mean_score=round(dim_mean, 1),
                questions=keys,
                level_text=dim.levels.get(level, ""),
                evidence=_quotes(keys, results, state, dimension_stems(dim, role)),
                advice=tuple(t for _, _, t, _ in changes[:2]),
            )
        )
    assessed = [r for r in rows if r.level is not None]
    mean = sum(r.counted_score or 0 for r in counted.values()) / len(counted) if counted else None
    red_flag_answers = sum(1 for r in counted.values() if r.red_flags)
    rec = recommend(
        mean,
        [r.level for r in assessed if r.level],
        red_flag_answers,
        answers=len(counted),
        skipped=sum(1 for r in results.values() if r.skipped),
    )
    weakest = sorted(assessed, key=lambda r: (r.level or 0, r.mean_score or 0.0))
    chosen: list[Change] = []
    seen: set[str] = set()
    rounds = max((len(row_changes.get(r.id, [])) for r in weakest), default=0)
    for _ in range(rounds):  # one change per dimension per round, weakest dimension first
        for row in weakest:
            options = [c for c in row_changes.get(row.id, []) if c[2] not in seen]
            if options and len(chosen) < CHANGES:
                gain, analysis_dim, text, qs = options[0]
                chosen.append(Change(text, row.name, analysis_dim, round(gain / len(qs), 1), qs))
                seen.add(text)
    turns = state.turns
    counts = {
        "questions_planned": state.question_total,
        "questions_asked": len(state.main_turns()),
        "questions_answered": sum(1 for r in results.values() if r.final_score is not None),
        "questions_skipped": sum(1 for r in results.values() if r.skipped),
        "follow_ups_asked": sum(1 for t in turns if t.kind == "follow-up"),
        "answers": sum(1 for t in turns if t.answer is not None),
        "overruns": sum(1 for t in turns if t.overrun_seconds > 0),
        "red_flag_answers": red_flag_answers,
    }
    return Debrief(
        session_id=state.session_id,
        role=state.role,
        role_name=role.info.name,
        status=state.status,
        seed=state.seed,
        started_at=state.started_at,
        ended_at=state.ended.at if state.ended else None,
        recommendation=rec,
        scorecard=tuple(rows),
        changes=tuple(chosen),
        questions=tuple(results.values()),
        stages=tuple(stage_clocks(state)),
        transcript=tuple(transcript(state)),
        counts=counts,
    )


__all__ = [
    "LEVEL_BANDS",
    "RECOMMENDATIONS",
    "THRESHOLDS",
    "Change",
    "Debrief",
    "QuestionResult",
    "Quote",
    "Recommendation",
    "ScoreRow",
    "build_debrief",
    "level_for",
    "recommend",
]
