"""A mock session's state: the fold of its event log (`replay`), and what it implies.

Pure values; `session.py` holds the transitions that produce new events.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from loopcoach.domain.kinds import SESSION_STATUSES, SessionMode, SessionStatus, TurnKind
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
)

STATUSES = SESSION_STATUSES


@dataclass(frozen=True)
class Turn:
    """One thing the interviewer asked, and what became of it."""

    key: str
    kind: TurnKind
    question_id: str
    stage: str
    prompt: str
    time_box: int
    asked_at: datetime
    parent: str | None = None  # a follow-up's question key
    trigger: str | None = None
    target: str | None = None
    reason: str = ""
    question_kind: str = ""
    competencies: tuple[str, ...] = ()
    answer: str | None = None
    answered_at: datetime | None = None
    duration_seconds: float | None = None
    overrun_seconds: float = 0.0
    timed: bool = False
    expired: bool = False
    analysis: AnalysisStored | None = None
    skipped: bool = False
    draft: str = ""

    @property
    def main_key(self) -> str:
        return self.parent or self.key

    @property
    def open(self) -> bool:
        return self.answer is None and not self.skipped


@dataclass(frozen=True)
class SessionState:
    session_id: str
    role: str
    seed: int
    plan: tuple[tuple[str, tuple[str, ...]], ...]
    mode: SessionMode
    feedback_until_end: bool
    started_at: datetime
    avoided: tuple[str, ...] = ()
    turns: tuple[Turn, ...] = ()
    stages_started: tuple[StageStarted, ...] = ()
    ended: Ended | None = None
    stage_open: bool = False  # a stage has started and its first question is not asked yet
    seq: int = 0  # number of events folded in; the next event is seq + 1
    updated_at: datetime | None = None

    # --- where the session stands ---------------------------------------------------------
    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(s for s, _ in self.plan)

    @property
    def question_total(self) -> int:
        return sum(len(q) for _, q in self.plan)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    @property
    def status(self) -> SessionStatus:
        if self.ended is not None:
            return "ended"
        last = self.last
        if last is not None and last.open:
            return "awaiting-answer"
        if last is not None and last.answer is not None and last.analysis is None:
            return "awaiting-analysis"
        return "ready"

    @property
    def current(self) -> Turn | None:
        """The turn waiting for an answer, if any."""
        return self.last if self.status == "awaiting-answer" else None

    def turn(self, key: str) -> Turn:
        for t in self.turns:
            if t.key == key:
                return t
        raise KeyError(key)

    def main_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.kind == "question"]

    def follow_ups_of(self, key: str) -> list[Turn]:
        return [t for t in self.turns if t.parent == key]

    def chain(self, key: str) -> list[Turn]:
        """A question's turn followed by its follow-ups."""
        main = self.turn(key)
        return [main, *self.follow_ups_of(main.key)]

    def final_analysis(self, key: str) -> AnalysisStored | None:
        """The latest analysis of a question's answer (follow-up answers included)."""
        found = None
        for t in self.chain(key):
            if t.analysis is not None:
                found = t.analysis
        return found

    def next_planned(self) -> tuple[str, str, int] | None:
        """(stage, question id, index in the plan) of the next planned question not yet asked."""
        asked = len(self.main_turns())
        i = 0
        for stage, qids in self.plan:
            for qid in qids:
                if i == asked:
                    return stage, qid, i
                i += 1
        return None

    def answered(self) -> list[Turn]:
        return [t for t in self.turns if t.answer is not None]


def session_rng(state: SessionState) -> random.Random:
    """The session's RNG at this point of its log: same seed and position, same choices."""
    return random.Random(f"{state.seed}:{state.seq}")


# --- replay ----------------------------------------------------------------------------------


def replay(events: Iterable[Event]) -> SessionState:
    """Fold an event log into the session's state. The first event must be SessionStarted."""
    it = iter(events)
    first = next(it, None)
    if not isinstance(first, SessionStarted):
        raise ValueError("a session log starts with session_started")
    state = SessionState(
        session_id=first.session_id,
        role=first.role,
        seed=first.seed,
        plan=first.plan,
        mode=first.mode,
        feedback_until_end=first.feedback_until_end,
        started_at=first.at,
        avoided=first.avoided,
        seq=1,
        updated_at=first.at,
    )
    turns: list[Turn] = []
    index: dict[str, int] = {}
    stages: list[StageStarted] = []
    ended: Ended | None = None
    stage_open = False

    def update(key: str, **changes: object) -> None:
        i = index[key]
        turns[i] = replace(turns[i], **changes)  # type: ignore[arg-type]

    n = 1
    for ev in it:
        n += 1
        if isinstance(ev, StageStarted):
            stages.append(ev)
            stage_open = True
        elif isinstance(ev, QuestionAsked):
            stage_open = False
            index[ev.key] = len(turns)
            turns.append(
                Turn(
                    key=ev.key,
                    kind="question",
                    question_id=ev.question_id,
                    stage=ev.stage,
                    prompt=ev.prompt,
                    time_box=ev.time_box,
                    asked_at=ev.at,
                    question_kind=ev.kind,
                    competencies=ev.competencies,
                )
            )
        elif isinstance(ev, FollowUpAsked):
            parent = turns[index[ev.parent]]
            index[ev.key] = len(turns)
            turns.append(
                Turn(
                    key=ev.key,
                    kind="follow-up",
                    question_id=ev.question_id,
                    stage=parent.stage,
                    prompt=ev.prompt,
                    time_box=ev.time_box,
                    asked_at=ev.at,
                    parent=ev.parent,
                    trigger=ev.trigger,
                    target=ev.target,
                    reason=ev.reason,
                    question_kind=parent.question_kind,
                    competencies=parent.competencies,
                )
            )
        elif isinstance(ev, AnswerSubmitted):
            update(
                ev.key,
                answer=ev.text,
                answered_at=ev.at,
                duration_seconds=ev.duration_seconds,
                overrun_seconds=ev.overrun_seconds,
                timed=ev.timed,
                draft="",
            )
        elif isinstance(ev, TimeBoxExpired):
            update(ev.key, expired=True)
        elif isinstance(ev, AnalysisStored):
            update(ev.key, analysis=ev)
        elif isinstance(ev, Skipped):
            update(ev.key, skipped=True, draft="")
        elif isinstance(ev, DraftSaved):
            update(ev.key, draft=ev.text)
        elif isinstance(ev, Ended):
            ended = ev
        state = replace(state, updated_at=ev.at)
    return replace(
        state,
        turns=tuple(turns),
        stages_started=tuple(stages),
        ended=ended,
        stage_open=stage_open,
        seq=n,
    )


@dataclass(frozen=True)
class StageClock:
    """Time spent answering in a stage against the stage's minutes."""

    stage: str
    name: str
    minutes: int
    used_seconds: float = 0.0
    questions: int = 0

    @property
    def over(self) -> bool:
        return self.used_seconds > self.minutes * 60


def stage_clocks(state: SessionState) -> list[StageClock]:
    starts = {s.stage: s for s in state.stages_started}
    clocks: dict[str, StageClock] = {}
    for stage_id in state.stages:
        st = starts.get(stage_id)
        if st is None:
            continue
        clocks[stage_id] = StageClock(stage_id, st.name, st.minutes)
    for t in state.turns:
        c = clocks.get(t.stage)
        if c is None:
            continue
        clocks[t.stage] = replace(
            c,
            used_seconds=round(c.used_seconds + (t.duration_seconds or 0.0), 1),
            questions=c.questions + (1 if t.kind == "question" else 0),
        )
    return list(clocks.values())


__all__ = [
    "STATUSES",
    "SessionState",
    "StageClock",
    "Turn",
    "replay",
    "session_rng",
    "stage_clocks",
]
