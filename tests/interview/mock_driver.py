"""A fake clock and a driver that plays a mock session through the pure engine exactly as the
facade does (every event appended to the log before the next step is computed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from loopcoach.analysis.engine import Analyzer
from loopcoach.app.mock import analyse_answer
from loopcoach.content.library import Library
from loopcoach.interview import session as S
from loopcoach.interview.events import Event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """Moves on by `step` seconds each time it is read."""

    def __init__(self, step: float = 30.0) -> None:
        self.now = T0
        self.step = step

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=self.step)
        return self.now


class Driver:
    """Plays a session through `session.py` the way the facade does: every event is appended to
    the log before the next step is computed."""

    def __init__(
        self,
        library: Library,
        analyzer: Analyzer,
        clock: Clock | None = None,
        memo: dict[tuple[object, ...], Any] | None = None,
    ) -> None:
        self.library = library
        self.analyzer = analyzer
        self.clock = clock or Clock()
        self.memo = memo  # analyses are deterministic: tests that replay a lot reuse them
        self.log: list[Event] = []

    @property
    def state(self) -> S.SessionState:
        return S.replay(self.log)

    def start(self, role: str = "tpm", **kw: object) -> S.SessionState:
        pack = self.library.role(role)
        self.log = [
            S.start_session("sess0001", pack, now=self.clock(), seed=kw.pop("seed", 7), **kw)
        ]  # type: ignore[arg-type]
        return self.settle()

    def settle(self, on_event: Callable[[Event], None] | None = None) -> S.SessionState:
        state = self.state
        while state.status in ("awaiting-analysis", "ready"):
            analyses = {}
            if state.status == "awaiting-analysis":
                req = S.analysis_request(state, self.library)
                analyses[req.key] = self._analyze(req)
            for ev in S.next_step(
                state, self.library, analyses, S.session_rng(state), now=self.clock()
            ):
                self.log.append(ev)
                if on_event:
                    on_event(ev)
            state = self.state
        return state

    def _analyze(self, req: S.AnalysisRequest) -> Any:
        turn = self.state.turn(req.key)
        key = (req.question.id, req.question.target_seconds, req.text, req.timing, turn.prompt)
        if self.memo is not None and key in self.memo:
            return self.memo[key]
        result = analyse_answer(self.analyzer, self.state, req)
        if self.memo is not None:
            self.memo[key] = result
        return result

    def answer(self, text: str, duration: float | None = None) -> S.SessionState:
        self.log += S.submit_answer(self.state, text, now=self.clock(), duration=duration)
        return self.settle()
