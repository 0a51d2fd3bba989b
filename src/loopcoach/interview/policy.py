"""How the mock interviewer picks questions and follow-ups. Pure: the RNG is passed in.

- `plan_questions`: per stage, `stage.question_count` questions tagged with that stage, taking the
  stage's `kinds` in turn, spreading competencies, core before practice, and leaving out questions
  the user met in recent sessions (unless that would leave the stage short).
- `find_gaps`: what an analysis says is missing or wrong, as follow-up triggers.
- `choose_follow_up`: at most two per question; none when the answer is strong; the question's
  own follow-up for the most important gap, else the generic rubric's; a deep dive for a good
  answer with nothing to probe. docs/mock.md explains the order.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from loopcoach.content.library import RolePack
from loopcoach.content.schema import FollowUp, Question, Stage
from loopcoach.domain.analysis import Analysis
from loopcoach.domain.kinds import FollowUpSource

if TYPE_CHECKING:
    from loopcoach.analysis.relevance import Relevance
from loopcoach.interview.events import Gap

MAX_FOLLOW_UPS = 2
STRONG_SCORE = 80  # at or above this, with no BLOCKING gap, the interviewer moves on
BLOCKING = ("red-flag", "missing-result", "missing-action")
DEEP_DIVE_SCORE = 60  # a deep dive is asked of an answer at least this good with nothing to probe
WEAK_DIMENSION = 2.0  # ownership or specificity below this (of 4) is a gap
FOLLOW_UP_MIN_SECONDS = 45
FOLLOW_UP_MAX_SECONDS = 120

# The order an interviewer probes in: a red flag first, then a missing result, and so on.
TRIGGER_ORDER = (
    "red-flag",
    "missing-result",
    "missing-action",
    "weak-ownership",
    "missing-situation",
    "missed-point",
    "no-metrics",
)
REASONS = {
    "missing-situation": "no concrete situation was given",
    "missing-action": "the answer did not say what you did",
    "missing-result": "the answer did not say how it turned out",
    "weak-ownership": "mostly 'we': your own part was unclear",
    "no-metrics": "nothing was measured or counted",
    "deep-dive": "a good answer: the interviewer probes for depth",
}
_STAR_NOTES = {"SITUATION": "situation", "TASK": "task", "ACTION": "action", "RESULT": "result"}
_PAST_EXAMPLE = re.compile(
    r"\b(at my (last|previous|current)|last (year|quarter|month)|when i was|"
    r"(i|we) (\w+ed|was|were|led|ran|had|did|built|drove|took|made|sat|met|set|put|got|went|"
    r"wrote|told|found|chose|held|saw|spent|brought|kept|cut|began|gave|knew|thought))\b"
)


# --- time boxes --------------------------------------------------------------------------------


def time_box(question: Question, role: RolePack, stage: Stage | None) -> int:
    """Seconds for an answer: the question's own target when the pack sets one, else the first
    answer length among the stage's formats, else the schema default."""
    if "target_seconds" in question.model_fields_set or stage is None:
        return question.target_seconds
    formats = {f.id: f for f in role.formats}
    for fid in stage.formats:
        f = formats.get(fid)
        if f is not None and f.answer_seconds:
            return f.answer_seconds
    return question.target_seconds


def follow_up_box(main_box: int) -> int:
    """A follow-up gets half the question's time box, between 45 s and 2 min."""
    return max(FOLLOW_UP_MIN_SECONDS, min(FOLLOW_UP_MAX_SECONDS, main_box // 2))


# --- the question plan -------------------------------------------------------------------------


def stage_questions(role: RolePack, stage: Stage) -> list[Question]:
    return [q for q in role.questions if stage.id in q.stages]


def plan_questions(
    role: RolePack,
    stages: Sequence[Stage],
    *,
    rng: random.Random,
    avoid: Collection[str] = (),
) -> list[tuple[str, list[str]]]:
    """Question ids per stage, in the order they will be asked. No question twice in a session."""
    used: set[str] = set()
    comp_seen: Counter[str] = Counter()
    plan: list[tuple[str, list[str]]] = []
    for stage in stages:
        pool = [q for q in stage_questions(role, stage) if q.id not in used]
        fresh = [q for q in pool if q.id not in avoid]
        # recent questions come back only when the stage would otherwise run short
        if len(fresh) < min(stage.question_count, len(pool)):
            need = min(stage.question_count, len(pool)) - len(fresh)
            fresh += [q for q in pool if q.id in avoid][:need]
        kinds = list(stage.kinds) or sorted({q.kind for q in fresh})
        chosen: list[Question] = []
        slot = 0
        while len(chosen) < stage.question_count and fresh:
            # the stage's kinds in turn; a kind with nothing left hands its slot to the next
            pool = fresh
            for k in range(len(kinds)):
                of_kind = [q for q in fresh if q.kind == kinds[(slot + k) % len(kinds)]]
                if of_kind:
                    pool = of_kind
                    break
            slot += 1
            pick = _best(pool, comp_seen, rng)
            chosen.append(pick)
            fresh.remove(pick)
            comp_seen.update(pick.competencies)
        used.update(q.id for q in chosen)
        plan.append((stage.id, [q.id for q in chosen]))
    return plan


def _best(candidates: list[Question], comp_seen: Counter[str], rng: random.Random) -> Question:
    """Core before practice, then the question whose competencies the session has seen least;
    ties broken by the seeded RNG."""

    def key(q: Question) -> tuple[int, float]:
        seen = sum(comp_seen[c] for c in q.competencies) / max(1, len(q.competencies))
        return (0 if q.priority == "core" else 1, seen)

    best = min(key(q) for q in candidates)
    tied = [q for q in candidates if key(q) == best]
    return tied[rng.randrange(len(tied))]


# --- gaps --------------------------------------------------------------------------------------


def star_parts(analysis: Analysis) -> set[str]:
    """The STAR parts the structure scorer found (its evidence notes name them)."""
    structure = analysis.dimensions.get("structure")
    if structure is None:
        return set()
    return {_STAR_NOTES[e.note] for e in structure.evidence if e.note in _STAR_NOTES}


def find_gaps(analysis: Analysis, question: Question) -> list[Gap]:
    """Every follow-up trigger the analysis supports, most important first (TRIGGER_ORDER)."""
    if not analysis.sentences:
        return []
    gaps: list[Gap] = []
    for hit in analysis.red_flags:
        quote = hit.evidence.sentence if hit.evidence else ""
        gaps.append(Gap("red-flag", hit.id, hit.label, quote))
    if analysis.question.framework == "star":
        have = star_parts(analysis)
        for part in ("result", "action"):
            if part not in have:
                gaps.append(Gap(f"missing-{part}", None, REASONS[f"missing-{part}"]))
    dims = analysis.dimensions
    if "ownership" in dims and dims["ownership"].score < WEAK_DIMENSION:
        ev = next((e.sentence for e in dims["ownership"].evidence if "'we'" in e.note), "")
        gaps.append(Gap("weak-ownership", None, REASONS["weak-ownership"], ev))
    if analysis.question.framework == "star":
        if "situation" not in star_parts(analysis):
            gaps.append(Gap("missing-situation", None, REASONS["missing-situation"]))
    elif not any(_PAST_EXAMPLE.search(s.lower()) for s in analysis.sentences):
        gaps.append(Gap("missing-situation", None, REASONS["missing-situation"]))
    weights = {tp.id: tp.weight for tp in question.talking_points}
    order = {tp.id: i for i, tp in enumerate(question.talking_points)}
    missed = sorted(
        analysis.points_missed, key=lambda p: (-weights.get(p.id, 1.0), order.get(p.id, 99))
    )
    for p in missed:
        gaps.append(Gap("missed-point", p.id, f"missed: {p.label}"))
    if "specificity" in dims and dims["specificity"].score < WEAK_DIMENSION:
        gaps.append(Gap("no-metrics", None, REASONS["no-metrics"]))
    return order_gaps(gaps)


# A follow-up answer shorter than this says nothing an interviewer can credit ("Not sure, it
# depends."), however it combines with the first answer.
NON_ANSWER_WORDS = 15


def gap_filled(trigger: str | None, target: str | None, combined: Analysis) -> bool:
    """Whether the answers judged together now have the STAR part a follow-up asked for ("How
    did it turn out?" answered with the outcome). Only the story's parts: any polished answer
    would "fill" a gap in specificity or ownership, so those are left to the relevance check."""
    if trigger in ("missing-result", "missing-action", "missing-situation"):
        return trigger.removeprefix("missing-") in star_parts(combined)
    return False


def follow_up_adds(
    alone: Analysis,
    answered: Relevance | None = None,
    point: str | None = None,
    filled: bool = False,
) -> tuple[bool, str]:
    """Whether a follow-up answer can raise the question's score. `alone` is the follow-up
    answer judged on its own against the question; `answered` its relevance to the follow-up
    prompt (`Analyzer.follow_up_relevance`); `point` the talking point the follow-up asked for.

    It counts when it makes the point asked for, or when it is about the follow-up or about the
    question: on topic and closer to it than to any other question the library knows (an answer
    nearer another question reads as an answer to that one). A non-answer never counts.
    Returns (adds, why), why quoting the answer."""
    quote = f'"{_short(alone.sentences[0])}"' if alone.sentences else "it"
    if alone.word_count < NON_ANSWER_WORDS:
        quote = f'"{_short(" ".join(alone.sentences))}"' if alone.sentences else "it"
        return False, (
            f"the follow-up answer {quote} ({alone.word_count} words) is not an answer an "
            "interviewer can credit"
        )
    makes_point = point is not None and any(p.id == point for p in alone.points_made)
    if filled and not alone.relevance.get("off_topic"):
        # it gives what the follow-up asked for ("How did it turn out?" answered with the
        # outcome), and is not about something else altogether
        return True, ""
    on_follow_up = answered is not None and not answered.off_topic and answered.margin >= 0
    rel = alone.relevance
    on_question = not rel.get("off_topic") and float(rel.get("margin", 0.0)) >= 0
    if not (makes_point or on_follow_up or on_question):
        nearest = str(rel.get("nearest_other_question") or "")
        if answered is not None and answered.margin < float(rel.get("margin", 0.0)):
            nearest = answered.nearest_other or nearest
        return False, (
            f"the follow-up answer {quote} is about neither the follow-up nor this question"
            + (f"; it reads as an answer to: {nearest}" if nearest else "")
        )
    if (
        not (makes_point or on_follow_up)
        and not alone.points_made
        and alone.dimensions["specificity"].score < 1
    ):
        return False, (
            f"the follow-up answer {quote} makes no point of the question and names nothing"
        )
    return True, ""


def hold_score(
    combined: Analysis,
    previous: int | None,
    alone: Analysis,
    answered: Relevance | None = None,
    point: str | None = None,
    filled: bool = False,
) -> Analysis:
    """The question's analysis after a follow-up: the answers judged together, except that a
    follow-up that adds nothing (a non-answer, or about neither the follow-up nor the question)
    never raises the score."""
    adds, why = follow_up_adds(alone, answered, point, filled)
    return keep_score(combined, previous, adds, why)


def keep_score(combined: Analysis, previous: int | None, adds: bool, why: str) -> Analysis:
    """`combined`, or, when the follow-up answer adds nothing (`adds` false, `why` saying why),
    the same analysis with its score kept at `previous` if it would have risen above it."""
    if adds or previous is None or combined.score <= previous:
        return combined
    note = f"kept at {previous}: {why}"
    # said first in the summary too (the note after each answer and the debrief show it)
    return replace(
        combined,
        score=previous,
        limits=(*combined.limits, note),
        summary=f"Score {note.rstrip('.')}. {combined.summary}",
    )


def _short(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def order_gaps(gaps: Sequence[Gap]) -> list[Gap]:
    """Most important first (TRIGGER_ORDER); stable within a trigger."""
    rank = {t: i for i, t in enumerate(TRIGGER_ORDER)}
    return sorted(gaps, key=lambda g: rank.get(g.trigger, len(rank)))


def is_strong(score: int, gaps: Sequence[Gap]) -> bool:
    """Strong enough to move on: a high score, no red flag, and a story that has its action and
    result (an interviewer always asks how a story ended)."""
    return score >= STRONG_SCORE and not any(g.trigger in BLOCKING for g in gaps)


# --- follow-ups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpChoice:
    trigger: str
    target: str | None
    prompt: str
    reason: str
    source: FollowUpSource


def _matches(fu: FollowUp, gap: Gap) -> bool:
    if fu.trigger != gap.trigger:
        return False
    if gap.trigger == "missed-point":
        return fu.point == gap.target
    if gap.trigger == "red-flag":
        return fu.flag is None or fu.flag == gap.target
    return True


def _prompts_for(
    gap: Gap, question: Question, generic: Question | None
) -> list[tuple[str, FollowUpSource]]:
    """(prompt, source) options for a gap: the question's own, else the generic rubric's
    (generic talking points belong to the generic rubric, so only its trigger-only ones apply)."""
    own = [fu for fu in question.follow_ups if _matches(fu, gap)]
    # a follow-up naming the exact red flag beats one that names none
    own.sort(key=lambda fu: 0 if fu.flag == gap.target and fu.flag is not None else 1)
    if own:
        return [(fu.prompt, "question") for fu in own]
    if generic is None or gap.trigger == "missed-point":
        return []
    options = [
        fu
        for fu in generic.follow_ups
        if fu.trigger == gap.trigger and (gap.trigger != "red-flag" or fu.flag == gap.target)
    ]
    return [(fu.prompt, "generic") for fu in options]


def choose_follow_up(
    question: Question,
    *,
    score: int,
    gaps: Sequence[Gap],
    asked: Sequence[tuple[str, str | None, str]],
    rng: random.Random,
    generic: Question | None = None,
) -> FollowUpChoice | None:
    """The next follow-up for a question, or None to move on.

    `asked` holds (trigger, target, prompt) of the follow-ups already asked for this question;
    `score` and `gaps` come from the latest analysis of the answer so far (the question's answer
    and any follow-up answers, analysed together).
    """
    if len(asked) >= MAX_FOLLOW_UPS or is_strong(score, gaps):
        return None
    done_prompts = {p for _, _, p in asked}
    done_targets = {(t, g) for t, g, _ in asked}
    by_trigger: dict[str, list[tuple[Gap, list[tuple[str, FollowUpSource]]]]] = {}
    for gap in gaps:
        if (gap.trigger, gap.target) in done_targets:
            continue
        options = [o for o in _prompts_for(gap, question, generic) if o[0] not in done_prompts]
        if options:
            by_trigger.setdefault(gap.trigger, []).append((gap, options))
    for trigger in TRIGGER_ORDER:
        found = by_trigger.get(trigger)
        if not found:
            continue
        if trigger == "missed-point":
            # the heaviest missed points come first; the RNG breaks ties of equal weight
            weights = {tp.id: tp.weight for tp in question.talking_points}
            top = max(weights.get(g.target or "", 1.0) for g, _ in found)
            found = [f for f in found if weights.get(f[0].target or "", 1.0) == top]
        gap, options = found[rng.randrange(len(found))] if len(found) > 1 else found[0]
        prompt, source = options[0]
        reason = gap.label if gap.trigger in ("red-flag", "missed-point") else REASONS[trigger]
        if gap.trigger == "red-flag":
            reason = f"red flag: {gap.label}"
        return FollowUpChoice(trigger, gap.target, prompt, reason, source)
    if score < DEEP_DIVE_SCORE:
        return None
    dives = [fu for fu in question.follow_ups if fu.trigger == "deep-dive"]
    dives = [fu for fu in dives if fu.prompt not in done_prompts]
    if not dives and generic is not None:
        dives = [
            fu
            for fu in generic.follow_ups
            if fu.trigger == "deep-dive" and fu.prompt not in done_prompts
        ]
    if not dives or any(t == "deep-dive" for t, _, _ in asked):
        return None
    pick = dives[rng.randrange(len(dives))]
    source = "question" if pick in question.follow_ups else "generic"
    return FollowUpChoice("deep-dive", None, pick.prompt, REASONS["deep-dive"], source)


__all__ = [
    "MAX_FOLLOW_UPS",
    "STRONG_SCORE",
    "TRIGGER_ORDER",
    "FollowUpChoice",
    "choose_follow_up",
    "find_gaps",
    "follow_up_box",
    "is_strong",
    "order_gaps",
    "plan_questions",
    "time_box",
]
