"""The facade the faces use: wires settings, content, analysis and the store.

CLI commands and web routes call a `Coach`; none of them holds domain logic. Expensive things
(the pack library, the database engine) are created on first use and kept for the process.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from loopcoach.config import Settings

if TYPE_CHECKING:  # the modules load on first use, so `loopcoach --help` starts quickly
    from datetime import datetime

    from sqlalchemy import Engine

    from loopcoach.analysis.engine import Analyzer
    from loopcoach.coach_mock import AnswerResult, Checkpoint, MockCoach
    from loopcoach.coach_practice import PracticeCoach, Recorded
    from loopcoach.coach_prep import PrepCoach
    from loopcoach.content.library import Library
    from loopcoach.content.search import Hit, SearchIndex
    from loopcoach.domain.analysis import Analysis, Timing
    from loopcoach.interview.debrief import Debrief
    from loopcoach.interview.session import SessionState


_ANALYZER_LOCK = threading.Lock()


class Coach:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def library(self) -> Library:
        from loopcoach.content.cached import cached_library

        return cached_library(self.settings.pack_dirs, self.settings.cache_dir)

    @cached_property
    def search_index(self) -> SearchIndex:
        from loopcoach.content.search import SearchIndex

        return SearchIndex.from_library(self.library)

    def search(self, text: str, *, role: str | None = None, limit: int = 10) -> list[Hit]:
        from loopcoach.content.search import SearchIndex

        if role:
            self.library.role(role)  # unknown role -> clear error
            return SearchIndex.from_library(self.library, role).search(text, limit=limit)
        return self.search_index.search(text, limit=limit)

    @cached_property
    def analyzer(self) -> Analyzer:
        """The analysis engine with the embedding model, loaded once per process (a request
        arriving while `warm_up` loads it waits for that load instead of starting another)."""
        with _ANALYZER_LOCK:
            made = self.__dict__.get("analyzer")
            if made is not None:
                return made  # type: ignore[no-any-return]
            from loopcoach.analysis.embeddings import EmbeddingCache, load_embedder
            from loopcoach.analysis.engine import Analyzer

            embedder = load_embedder()
            cache = EmbeddingCache(self.settings.cache_dir, embedder.name)
            made = Analyzer(self.library, embedder, cache=cache)
            self.__dict__["analyzer"] = made  # before the lock is released
            return made

    def warm_up(self) -> None:
        """Load the embedding model and the question index and score one short answer, so the
        user's first analysis, mock answer or prep pack does not wait for them (`loopcoach
        serve` runs this in a background thread). Nothing is stored."""
        self.analyze(
            "Tell me about a time you led a project across teams.",
            "I led the migration of 12 services with three teams and we cut costs by 20%.",
        )

    def analyze(
        self,
        question: str,
        answer: str,
        *,
        role: str | None = None,
        question_id: str | None = None,
        timing: Timing | None = None,
        flush: bool = True,
    ) -> Analysis:
        """Analyse one answer; `flush=False` defers writing new rubric embeddings to the disk
        cache (call `self.analyzer.flush()` once at the end of a batch)."""
        try:
            return self.analyzer.analyze(
                question, answer, role=role, question_id=question_id, timing=timing
            )
        finally:
            if flush:
                self.analyzer.flush()

    @cached_property
    def engine(self) -> Engine:
        """The database, migrated to the newest schema on first use."""
        from loopcoach.store import make_engine, upgrade

        engine = make_engine(self.settings.database_url)
        upgrade(engine)
        return engine

    @cached_property
    def practice(self) -> PracticeCoach:
        """Plans, practice cards, progress, checklists and backups (coach_practice.py)."""
        from loopcoach.coach_practice import PracticeCoach

        return PracticeCoach(self)

    def record_attempt(
        self,
        analysis: Analysis,
        *,
        source: str = "analyze",
        session_id: str | None = None,
        at: datetime | None = None,
        answer: str | None = None,
        duration_seconds: float | None = None,
    ) -> Recorded:
        """Store a scored answer (source "practice", "analyze" or "mock") and, for a pack
        question, reschedule its practice card. `at` defaults to now (UTC)."""
        from loopcoach.limits import require_no_nul

        require_no_nul(answer, what="the answer")
        return self.practice.record_attempt(
            analysis,
            source=source,
            session_id=session_id,
            at=at,
            answer=answer,
            duration_seconds=duration_seconds,
        )

    # --- mock interviews (coach_mock.py wires the session engine, the analyzer and the store) --
    @cached_property
    def mock(self) -> MockCoach:
        from loopcoach.coach_mock import MockCoach

        return MockCoach(self)

    def mock_start(self, role: str, **options: Any) -> SessionState:
        """Start a session: options stages, loop, seed, feedback_until_end, allow_repeats."""
        return self.mock.start(role, **options)

    def mock_answer(
        self,
        session_id: str,
        text: str,
        *,
        key: str | None = None,
        duration: float | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> AnswerResult:
        """Store the answer, then analyse it and ask the next question (each step committed).
        `key` names the question answered; an answer already stored for it is not stored twice."""
        from loopcoach.limits import require_no_nul

        require_no_nul(text, what="the answer")
        if checkpoint is None:
            return self.mock.answer(session_id, text, key=key, duration=duration)
        return self.mock.answer(session_id, text, key=key, duration=duration, checkpoint=checkpoint)

    def mock_resume(self, session_id: str) -> SessionState:
        """Finish any step a killed process left undone; the session then waits for an answer."""
        return self.mock.settle(session_id)

    def mock_state(self, session_id: str) -> SessionState:
        return self.mock.state(session_id)

    def mock_skip(self, session_id: str) -> SessionState:
        return self.mock.skip(session_id)

    def mock_save_draft(self, session_id: str, text: str) -> SessionState:
        return self.mock.save_draft(session_id, text)

    def mock_end(self, session_id: str) -> SessionState:
        return self.mock.end(session_id)

    def mock_list(self, *, role: str | None = None) -> list[SessionState]:
        return self.mock.list(role=role)

    def mock_events(self, session_id: str) -> list[dict[str, Any]]:
        return self.mock.event_rows(session_id)

    def mock_debrief(self, session_id: str) -> Debrief:
        return self.mock.debrief(session_id)

    @cached_property
    def prep(self) -> PrepCoach:
        """Résumé import, story bank and prep pack (coach_prep.py)."""
        from loopcoach.coach_prep import PrepCoach

        return PrepCoach(self)
