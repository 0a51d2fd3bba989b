"""Mock interviews: the pure session engine (`interview/`), the analyzer and the event store.

The rule that keeps sessions safe: every event is committed (one transaction per event) before
anything acts on it. An answer is stored before it is analysed; the analysis is stored as its own
event before the interviewer's next move is decided; that move is stored before it is shown. A
process killed anywhere leaves a log that `settle` completes: the same analysis, the same choice
(the session's RNG is seeded by its seed and position in the log).

Both faces reach it as `coach.mock`; neither calls `interview/` to move a session on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from loopcoach.app.attempts import Attempts
from loopcoach.app.paging import DEFAULT_PAGE, Page, check_window
from loopcoach.errors import LoopcoachError
from loopcoach.interview import policy
from loopcoach.interview import session as S
from loopcoach.interview.debrief import Debrief, build_debrief
from loopcoach.interview.events import Event
from loopcoach.interview.session import SessionState, Turn
from loopcoach.interview.views import turn_view
from loopcoach.limits import require_no_nul
from loopcoach.store import sessions as store

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from loopcoach.analysis.engine import Analyzer
    from loopcoach.content.library import Library
    from loopcoach.content.schema import Question
    from loopcoach.domain.analysis import Analysis

RECENT_SESSIONS = 5  # questions asked in this many recent sessions of a role are not repeated
Checkpoint = Callable[[str], None]


def _no_checkpoint(_: str) -> None:
    return None


@dataclass(frozen=True)
class AnswerResult:
    """The session after an answer, and the turn that answer went to."""

    state: SessionState
    answered: Turn
    replayed: bool = False  # the same answer was sent again; it was stored once


class MockService:
    def __init__(
        self,
        library: Callable[[], Library],
        analyzer: Callable[[], Analyzer],
        engine: Callable[[], Engine],
        attempts: Attempts,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._owner = attempts.user  # the same user as the attempts the sessions record
        self._library = library
        self._analyzer = analyzer
        self._engine = engine
        self._attempts = attempts
        self.clock = clock

    # --- the log -------------------------------------------------------------------------------
    def _user(self) -> int:
        with self._engine().connect() as conn:
            return self._owner(conn)

    def events(self, session_id: str) -> list[Event]:
        with self._engine().connect() as conn:
            return store.load_events(conn, session_id, user=self._owner(conn))

    def state(self, session_id: str) -> SessionState:
        return S.replay(self.events(session_id))

    def _append(self, state: SessionState, events: Iterable[Event]) -> SessionState:
        """Commit each event in its own transaction, then fold it in."""
        log = list(self.events(state.session_id)) if events else []
        for ev in events:
            with self._engine().begin() as conn:
                store.append_event(conn, state.session_id, state.seq + 1, ev)
            log.append(ev)
            state = S.replay(log)
        return state

    # --- starting ------------------------------------------------------------------------------
    def start(
        self,
        role: str,
        *,
        stages: Iterable[str] = (),
        loop: bool = False,
        seed: int | None = None,
        feedback_until_end: bool = False,
        allow_repeats: bool = False,
    ) -> SessionState:
        pack = self._library().role(role)
        seed = secrets.randbelow(2**31) if seed is None else seed
        with self._engine().connect() as conn:
            user = self._owner(conn)
            avoid = (
                []
                if allow_repeats
                else store.recent_question_ids(conn, user=user, role=role, sessions=RECENT_SESSIONS)
            )
        for _ in range(5):
            started = S.start_session(
                secrets.token_hex(4),
                pack,
                stages=tuple(stages),
                loop=loop,
                seed=seed,
                now=self.clock(),
                avoid=avoid,
                feedback_until_end=feedback_until_end,
            )
            with self._engine().begin() as conn:
                if store.create_session(conn, started, user=user):
                    break
        else:  # pragma: no cover - five 32-bit collisions in a row
            raise LoopcoachError("session-id", "could not pick a free session id; try again")
        return self.settle(S.replay([started]))

    # --- moving the session on -----------------------------------------------------------------
    def settle(
        self, state: SessionState | str, *, checkpoint: Checkpoint = _no_checkpoint
    ) -> SessionState:
        """Do whatever the log says comes next (analyse a stored answer, ask the next question)
        until the session waits for the user or has ended. Safe to run twice at once."""
        if isinstance(state, str):
            state = self.state(state)
        while state.status in ("awaiting-analysis", "ready"):
            analyses: dict[str, Any] = {}
            if state.status == "awaiting-analysis":
                req = S.analysis_request(state, self._library())
                analyses[req.key] = analyse_answer(self._analyzer(), state, req)
            was = state.status
            step = S.next_step(
                state, self._library(), analyses, S.session_rng(state), now=self.clock()
            )
            try:
                state = self._append(state, step)
            except store.SessionBusy:
                state = self.state(state.session_id)  # another process did this step
                continue
            for key, analysis in analyses.items():
                self._record_attempt(state, state.turn(key), analysis)
            checkpoint(
                "after-analysis-stored" if was == "awaiting-analysis" else "after-next-asked"
            )
        return state

    def _record_attempt(self, state: SessionState, turn: Turn, analysis: Any) -> None:
        """A question's first answer counts as a practice attempt (follow-up answers are
        analysed together with it, so they would count it twice)."""
        if turn.kind != "question":
            return
        self._attempts.record(
            analysis,
            source="mock",
            session_id=state.session_id,
            at=turn.answered_at,
            answer=turn.answer,
            duration_seconds=turn.duration_seconds,
        )

    def answer(
        self,
        session_id: str,
        text: str,
        *,
        key: str | None = None,
        duration: float | None = None,
        checkpoint: Checkpoint = _no_checkpoint,
    ) -> AnswerResult:
        """Store an answer to the current question (or to `key`, which must be current), then
        analyse it and ask what comes next. Sending an answer that is already stored for `key`
        (a retry after a crash) stores nothing and finishes its step."""
        from loopcoach.analysis.engine import check_limits

        require_no_nul(text, what="the answer")
        state = self.state(session_id)
        text = text.strip()
        retried = self._retried(state, key, text)
        if retried is not None:
            state = self.settle(state, checkpoint=checkpoint)
            return AnswerResult(state, state.turn(retried), replayed=True)
        if state.ended is not None:
            S.require_open(state)  # raises session-ended
        if state.status != "awaiting-answer":
            state = self.settle(state, checkpoint=checkpoint)
            if key is None or state.current is None or state.current.key != key:
                raise self._moved_on(
                    state, "it had an answer that was stored but not yet scored; it is scored now"
                )
        turn = state.current
        assert turn is not None
        if key is not None and turn.key != key:
            raise self._moved_on(state, f"{key} is not the current question")
        check_limits(text)
        so_far = S.combined_text(state, turn.main_key)
        if so_far:
            check_limits(so_far + "\n\n" + text)
        new = S.submit_answer(state, text, now=self.clock(), duration=duration)
        checkpoint("before-answer-stored")
        state = self._append(state, new)
        checkpoint("after-answer-stored")
        state = self.settle(state, checkpoint=checkpoint)
        return AnswerResult(state, state.turn(turn.key))

    @staticmethod
    def _retried(state: SessionState, key: str | None, text: str) -> str | None:
        """The key of the turn this exact answer is already stored for, when it is a retry."""
        if key is not None:
            try:
                target = state.turn(key)
            except KeyError:
                raise LoopcoachError(
                    "unknown-turn",
                    f"session {state.session_id} has no question {key}; see the current one "
                    f"with `loopcoach mock show {state.session_id}`",
                ) from None
            return key if target.answer == text and text else None
        last = state.last
        if state.status == "awaiting-analysis" and last is not None and last.answer == text:
            return last.key  # killed before its analysis was stored: this is the retry
        return None

    @staticmethod
    def _moved_on(state: SessionState, why: str) -> LoopcoachError:
        current = state.current
        where = (
            f"the current question is {current.key}: “{current.prompt}”"
            if current
            else "the session has ended"
        )
        sid = state.session_id
        return LoopcoachError(
            "session-moved-on",
            f"session {sid} has moved on ({why}); {where}; this answer was not stored: run "
            f"`loopcoach mock show {sid}` and answer the current question",
        )

    def skip(self, session_id: str) -> SessionState:
        state = self.settle(session_id)
        state = self._append(state, S.skip(state, now=self.clock()))
        return self.settle(state)

    def save_draft(self, session_id: str, text: str) -> SessionState:
        state = self.state(session_id)
        if state.status != "awaiting-answer":
            return state
        return self._append(state, S.save_draft(state, text, now=self.clock()))

    def end(self, session_id: str) -> SessionState:
        state = self.settle(session_id)
        return self._append(state, S.end(state, now=self.clock()))

    def resume(self, session_id: str) -> SessionState:
        """Finish any step a killed process left undone; the session then waits for an answer."""
        return self.settle(session_id)

    # --- reading -------------------------------------------------------------------------------
    def event_rows(self, session_id: str) -> list[dict[str, Any]]:
        with self._engine().connect() as conn:
            return store.event_rows(conn, session_id, user=self._owner(conn))

    def list(self, *, role: str | None = None, limit: int | None = None) -> list[SessionState]:
        with self._engine().connect() as conn:
            user = self._owner(conn)
            rows = store.list_sessions(conn, user=user, role=role, limit=limit)
            return [S.replay(store.load_events(conn, r.id, user=user)) for r in rows]

    def page(
        self, *, role: str | None = None, limit: int = DEFAULT_PAGE, offset: int = 0
    ) -> Page[SessionState]:
        """A page of `list`: newest first, `limit` sessions from `offset`, and the total."""
        check_window(limit, offset)
        with self._engine().connect() as conn:
            user = self._owner(conn)
            rows = store.list_sessions(conn, user=user, role=role, limit=limit, offset=offset)
            items = [S.replay(store.load_events(conn, r.id, user=user)) for r in rows]
            return Page(items, store.count_sessions(conn, user=user, role=role), limit, offset)

    def debrief(self, session_id: str | SessionState) -> Debrief:
        state = self.state(session_id) if isinstance(session_id, str) else session_id
        return build_debrief(state, self._library().role(state.role))

    def started(self, state: SessionState) -> dict[str, Any]:
        """What both faces print when a session starts: its id and first question."""
        current = state.current
        return {
            "session": state.session_id,
            "question": turn_view(state, current) if current is not None else None,
        }

    def answered(self, result: AnswerResult) -> dict[str, Any]:
        """What both faces print after an answer: the turn answered, its short analysis
        (None while feedback waits for the end), whether it was a replay, then `after`."""
        from loopcoach.interview.views import analysis_short

        state, turn = result.state, result.answered
        out: dict[str, Any] = {
            "session": state.session_id,
            "answered": turn.key,
            "analysis": None if state.feedback_until_end else analysis_short(turn),
        }
        if result.replayed:
            out["replayed"] = True
        out.update(self.after(state))
        return out

    def after(self, state: SessionState) -> dict[str, Any]:
        """What follows a move: {"next": the current turn} or, once over, {"debrief": ...}."""
        current = state.current
        if current is not None:
            return {"next": turn_view(state, current)}
        return {"debrief": self.debrief(state).to_dict()}


__all__ = [
    "RECENT_SESSIONS",
    "AnswerResult",
    "Checkpoint",
    "MockService",
    "analyse_answer",
    "follow_up_credit",
    "settle_follow_up",
]


def analyse_answer(analyzer: Analyzer, state: SessionState, req: S.AnalysisRequest) -> Any:
    """The analysis of the answer that waits: the question's answers so far, judged together.
    A follow-up answer is also judged on its own (`settle_follow_up`)."""
    analysis = analyzer.analyze(req.question, req.text, role=req.role, timing=req.timing)
    turn = state.turn(req.key)
    if turn.kind == "follow-up" and turn.answer:
        analysis = settle_follow_up(
            analyzer,
            req.question,
            req.role,
            analysis,
            _previous_score(state, turn),
            prompt=turn.prompt,
            answer=turn.answer,
            trigger=turn.trigger,
            target=turn.target,
        )
    return analysis


def settle_follow_up(
    analyzer: Analyzer,
    question: Question,
    role: str,
    combined: Analysis,
    previous: int | None,
    *,
    prompt: str,
    answer: str,
    trigger: str | None,
    target: str | None,
) -> Analysis:
    """The question's analysis after a follow-up answer: `combined` (every answer so far, judged
    together), unless the follow-up answer adds nothing (`follow_up_credit`); then it never
    raises the question's score above `previous` (the score before it)."""
    adds, why = follow_up_credit(
        analyzer,
        question,
        role,
        combined,
        prompt=prompt,
        answer=answer,
        trigger=trigger,
        target=target,
    )
    return policy.keep_score(combined, previous, adds, why)


def follow_up_credit(
    analyzer: Analyzer,
    question: Question,
    role: str,
    combined: Analysis,
    *,
    prompt: str,
    answer: str,
    trigger: str | None,
    target: str | None,
) -> tuple[bool, str]:
    """Whether a follow-up answer can raise the question's score, and why not (quoting it):
    the answer judged on its own against the question and against the follow-up `prompt`
    (`policy.follow_up_adds`). benchmarks/followup_accuracy.py plays its exchanges through this."""
    alone = analyzer.analyze(question, answer, role=role)
    answered = analyzer.follow_up_relevance(question, prompt, answer, role=role)
    point = target if trigger == "missed-point" else None
    filled = policy.gap_filled(trigger, target, combined)
    return policy.follow_up_adds(alone, answered, point, filled)


def _previous_score(state: SessionState, turn: Turn) -> int | None:
    """The question's score before this follow-up answer."""
    found = None
    for t in state.chain(turn.main_key):
        if t.key == turn.key:
            break
        if t.analysis is not None:
            found = t.analysis.score
    return found
