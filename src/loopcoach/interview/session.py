"""The mock interview as a pure state machine over its event log.

    state = replay(events)                               # fold the log into a SessionState
    new = submit_answer(state, text, now=now)            # events to append, nothing acted on yet
    new = next_step(state, library, analyses, rng, now=now)

Nothing here reads a clock, a random source or a database: the caller passes `now`, an RNG
(`session_rng(state)`, seeded by the session's seed and position, so a replayed session makes
the same choices) and, when an answer waits for its analysis, that analysis. The caller appends
each returned event (committing it) before it calls again, so a session killed at any point
resumes from its log.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loopcoach.content.library import Library, RolePack
from loopcoach.content.schema import Question, Stage
from loopcoach.domain.analysis import Analysis, Timing
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.interview import policy
from loopcoach.interview.events import (
    AnalysisStored,
    AnswerSubmitted,
    DraftSaved,
    Ended,
    Event,
    FollowUpAsked,
    QuestionAsked,
    SessionStarted,
    Skipped,
    StageStarted,
    TimeBoxExpired,
    as_utc,
)
from loopcoach.interview.state import (
    STATUSES,
    SessionState,
    StageClock,
    Turn,
    replay,
    session_rng,
    stage_clocks,
)

PASTED_WPM = 400  # an answer that arrives faster than this cannot have been spoken


# --- starting --------------------------------------------------------------------------------


def start_session(
    session_id: str,
    role: RolePack,
    *,
    stages: Sequence[str] = (),
    loop: bool = False,
    seed: int,
    now: datetime,
    avoid: Sequence[str] = (),
    feedback_until_end: bool = False,
) -> SessionStarted:
    """The first event of a session: the role, the question plan and the seed."""
    if loop and stages:
        raise LoopcoachError(
            "mock-stage-and-loop", "give --stage ID or --loop, not both (--loop runs every stage)"
        )
    if loop:
        chosen: list[Stage] = list(role.stages)
    elif stages:
        chosen = [role.stage(s) for s in stages]
    else:
        chosen = list(role.stages[:1])
    if not chosen:
        raise LoopcoachError("mock-no-stages", f"role '{role.id}' has no stages to interview for")
    plan = policy.plan_questions(role, chosen, rng=random.Random(seed), avoid=set(avoid))
    if not any(qids for _, qids in plan):
        names = ", ".join(s.id for s in chosen)
        raise LoopcoachError(
            "mock-no-questions",
            f"no questions of role '{role.id}' are tagged for stage {names}; pick another "
            "stage (see `loopcoach role " + role.id + "`)",
        )
    planned = {q for _, qids in plan for q in qids}
    return SessionStarted(
        at=as_utc(now),
        session_id=session_id,
        role=role.id,
        plan=tuple((s, tuple(q)) for s, q in plan if q),
        seed=seed,
        mode="loop" if loop else "stage",
        feedback_until_end=feedback_until_end,
        avoided=tuple(sorted(set(avoid) - planned)),
    )


# --- what the user does ------------------------------------------------------------------------


def require_open(state: SessionState) -> Turn:
    """The turn waiting for an answer; a clear error when the session has ended or moved on."""
    if state.ended is not None:
        raise LoopcoachError(
            "session-ended",
            f"session {state.session_id} has ended; read its debrief with `loopcoach mock "
            f"debrief {state.session_id}` or start another with `loopcoach mock start "
            f"--role {state.role}`",
        )
    turn = state.current
    if turn is None:
        raise LoopcoachError(
            "session-not-waiting",
            f"session {state.session_id} is not waiting for an answer; run `loopcoach mock "
            f"resume {state.session_id}` to continue it",
        )
    return turn


def submit_answer(
    state: SessionState, text: str, *, now: datetime, duration: float | None = None
) -> list[Event]:
    """Events for an answer to the current question: a time-box expiry when it ran over, then
    the answer. `duration` is the real speaking or typing time; without it the time since the
    question was asked counts."""
    turn = require_open(state)
    now = as_utc(now)
    if not text.strip():
        raise LoopcoachError(
            "empty-answer",
            "the answer is empty: give it on standard input or with --answer-file; to move on "
            f"without answering, run `loopcoach mock skip {state.session_id}`",
        )
    if duration is None:
        duration = max(0.0, (now - turn.asked_at).total_seconds())
    duration = round(float(duration), 1)
    words = len(text.split())
    timed = duration > 0 and words / (duration / 60.0) <= PASTED_WPM
    overrun = round(max(0.0, duration - turn.time_box), 1) if timed else 0.0
    events: list[Event] = []
    if overrun > 0 and not turn.expired:
        events.append(
            TimeBoxExpired(
                at=min(now, turn.asked_at + timedelta(seconds=turn.time_box)),
                key=turn.key,
                time_box=turn.time_box,
                elapsed_seconds=duration,
            )
        )
    events.append(
        AnswerSubmitted(
            at=now,
            key=turn.key,
            text=text.strip(),
            duration_seconds=duration,
            overrun_seconds=overrun,
            timed=timed,
        )
    )
    return events


def skip(state: SessionState, *, now: datetime) -> list[Event]:
    turn = require_open(state)
    return [Skipped(at=as_utc(now), key=turn.key)]


def save_draft(state: SessionState, text: str, *, now: datetime) -> list[Event]:
    """Keep a half-typed answer (Ctrl-C in the terminal) so a resumed session shows it."""
    turn = require_open(state)
    if not text.strip() or text.strip() == turn.draft:
        return []
    return [DraftSaved(at=as_utc(now), key=turn.key, text=text.strip())]


def end(state: SessionState, *, now: datetime) -> list[Event]:
    if state.ended is not None:
        return []
    return [Ended(at=as_utc(now), reason="ended-early")]


# --- analysis ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisRequest:
    """What to analyse for the answer that waits: the question (its target set to the time the
    answers had), the answer so far (a question's answer and its follow-up answers, together)
    and, when every part was timed, the real duration."""

    key: str
    question: Question
    text: str
    timing: Timing | None
    role: str


def find_question(library: Library, role: str, question_id: str) -> Question:
    try:
        _, q = library.question(question_id)
    except NotFound:
        raise LoopcoachError(
            "mock-question-gone",
            f"question '{question_id}' of this session is no longer in the packs; restore the "
            "pack that defined it, or end the session with `loopcoach mock end ID`",
        ) from None
    return q


def analysis_request(state: SessionState, library: Library) -> AnalysisRequest:
    assert state.status == "awaiting-analysis", state.status
    last = state.last
    assert last is not None
    parts = [t for t in state.chain(last.main_key) if t.answer is not None]
    question = find_question(library, state.role, last.question_id)
    target = sum(t.time_box for t in parts)
    text = "\n\n".join(t.answer or "" for t in parts)
    timing = None
    if all(t.timed for t in parts):
        timing = Timing(duration_seconds=sum(t.duration_seconds or 0.0 for t in parts))
    return AnalysisRequest(
        key=last.key,
        question=question.model_copy(update={"target_seconds": target}),
        text=text,
        timing=timing,
        role=state.role,
    )


def combined_text(state: SessionState, key: str) -> str:
    """A question's answer and its follow-up answers so far, as one text."""
    return "\n\n".join(t.answer or "" for t in state.chain(key) if t.answer is not None)


# --- the interviewer's next move ---------------------------------------------------------------


def next_step(
    state: SessionState,
    library: Library,
    analyses: Mapping[str, Analysis],
    rng: random.Random,
    *,
    now: datetime,
) -> list[Event]:
    """The events that follow from the state: the stored analysis of an answer that waits for
    one (taken from `analyses`, keyed by turn key), else the follow-up or the next question or
    the end. Empty when the session waits for the user or has ended."""
    now = as_utc(now)
    status = state.status
    if status in ("ended", "awaiting-answer"):
        return []
    role = library.role(state.role)
    last = state.last
    if status == "awaiting-analysis":
        assert last is not None
        analysis = analyses.get(last.key)
        if analysis is None:
            raise ValueError(f"answer {last.key} needs its analysis")
        question = find_question(library, state.role, last.question_id)
        gaps = policy.find_gaps(analysis, question)
        return [
            AnalysisStored(
                at=now,
                key=last.key,
                question_id=last.question_id,
                score=analysis.score,
                summary=analysis.summary,
                gaps=tuple(gaps),
                analysis=analysis.to_dict(),
            )
        ]
    # ready: a follow-up to the answer just analysed, or the next question
    if last is not None and last.analysis is not None and not state.stage_open:
        main = state.turn(last.main_key)
        question = find_question(library, state.role, main.question_id)
        asked = [(t.trigger or "", t.target, t.prompt) for t in state.follow_ups_of(main.key)]
        try:
            generic = library.generic_rubric(question.kind)
        except NotFound:
            generic = None
        choice = policy.choose_follow_up(
            question,
            score=last.analysis.score,
            gaps=last.analysis.gaps,
            asked=asked,
            rng=rng,
            generic=generic,
        )
        if choice is not None:
            n = len(asked) + 1
            return [
                FollowUpAsked(
                    at=now,
                    key=f"{main.key}.{n}",
                    parent=main.key,
                    question_id=main.question_id,
                    trigger=choice.trigger,
                    target=choice.target,
                    prompt=choice.prompt,
                    reason=choice.reason,
                    time_box=policy.follow_up_box(main.time_box),
                )
            ]
    nxt = state.next_planned()
    if nxt is None:
        return [Ended(at=now, reason="completed")]
    stage_id, qid, index = nxt
    events: list[Event] = []
    stage = role.stage(stage_id)
    opened = state.stages_started[-1].stage if state.stages_started else None
    if opened != stage_id:
        events.append(
            StageStarted(
                at=now,
                stage=stage.id,
                name=stage.name,
                interviewer=stage.interviewer,
                persona=stage.persona,
                minutes=stage.minutes,
            )
        )
    question = find_question(library, state.role, qid)
    events.append(
        QuestionAsked(
            at=now,
            key=f"q{index + 1}",
            question_id=qid,
            stage=stage_id,
            prompt=question.prompt,
            kind=question.kind,
            competencies=tuple(question.competencies),
            time_box=policy.time_box(question, role, stage),
        )
    )
    return events


__all__ = [
    "PASTED_WPM",
    "STATUSES",
    "AnalysisRequest",
    "SessionState",
    "StageClock",
    "Turn",
    "analysis_request",
    "combined_text",
    "end",
    "next_step",
    "replay",
    "require_open",
    "save_draft",
    "session_rng",
    "skip",
    "stage_clocks",
    "start_session",
    "submit_answer",
]
