"""Analysing answers: the `loopcoach analyze` command and POST /api/v1/analyze call this.

An answer the user keeps (`save`) is stored before it is analysed: a crash or a failing analysis
never loses the text, and the next practice session (or `recover`) scores it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from loopcoach.app.attempts import ANALYZE_KEY, Attempts, Held, Recorded
from loopcoach.domain.kinds import AttemptSource
from loopcoach.errors import LoopcoachError
from loopcoach.limits import require_no_nul

if TYPE_CHECKING:
    from loopcoach.analysis.engine import Analyzer
    from loopcoach.domain.analysis import Analysis, Timing


class AnalysisService:
    def __init__(
        self,
        analyzer: Callable[[], Analyzer],
        attempts: Attempts,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self._analyzer = analyzer
        self._attempts = attempts
        self._clock = clock

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
        """Analyse one answer; nothing is stored. `flush=False` defers writing new rubric
        embeddings to the disk cache (call `flush()` once at the end of a batch)."""
        analyzer = self._analyzer()
        try:
            return analyzer.analyze(
                question, answer, role=role, question_id=question_id, timing=timing
            )
        finally:
            if flush:
                analyzer.flush()

    def flush(self) -> None:
        self._analyzer().flush()

    def submit(
        self,
        question: str,
        answer: str,
        *,
        role: str | None = None,
        question_id: str | None = None,
        duration: float | None = None,
        save: bool = True,
        source: AttemptSource = "analyze",
        card_key: str = ANALYZE_KEY,
        now: datetime | None = None,
    ) -> tuple[Analysis, Recorded | None]:
        """Score an answer and, with `save`, keep it: stored first, then analysed, then
        recorded as an attempt (an empty answer is scored but not recorded)."""
        from loopcoach.analysis.engine import check_limits
        from loopcoach.domain.analysis import Timing

        require_no_nul(answer, what="the answer")
        check_limits(answer)  # a refused answer is not held
        # a practice answer's time is recorded with the attempt but not scored as pace
        timing = Timing(duration) if duration and source == "analyze" else None
        if not save:
            return self.analyze(
                question, answer, role=role, question_id=question_id, timing=timing
            ), None
        held = self._attempts.hold(
            card_key=card_key,
            question_id=question_id,
            role=role,
            prompt=question,
            answer=answer,
            duration_seconds=duration,
            at=now or self._clock(),
        )
        try:
            analysis = self.analyze(
                question, answer, role=role, question_id=question_id, timing=timing
            )
        except LoopcoachError:
            self._attempts.release(held)  # the input was refused (unknown question, ...)
            raise
        return analysis, self._record(held, analysis)

    def _record(self, held: Held, analysis: Analysis) -> Recorded | None:
        recorded = None
        if analysis.word_count or held.source != "analyze":
            recorded = self._attempts.record(
                analysis,
                source=held.source,
                at=held.at,
                answer=held.answer,
                duration_seconds=held.duration_seconds,
            )
        self._attempts.release(held)
        return recorded

    def recover(self) -> list[tuple[Analysis, Recorded | None]]:
        """Score the answers a crash left stored but unscored; returns what was recovered."""
        from loopcoach.domain.analysis import Timing

        out = []
        for held in self._attempts.held():
            spoken = held.duration_seconds if held.source == "analyze" else None
            timing = Timing(spoken) if spoken else None
            try:
                analysis = self.analyze(
                    held.prompt,
                    held.answer,
                    role=held.role,
                    question_id=held.question_id,
                    timing=timing,
                )
            except LoopcoachError:
                self._attempts.release(held)  # it can never be scored (a pack was removed)
                continue
            out.append((analysis, self._record(held, analysis)))
        return out


__all__ = ["AnalysisService"]
