"""Scored attempts and practice-card reviews, and answers held until they are scored.

Shared by the analysis, mock and practice services: an answer is held (committed) before it is
analysed, recorded once it is scored, and a pack question's practice card is rescheduled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fsrs import Card, Rating

from loopcoach.app.owner import Owner, local_owner
from loopcoach.domain.analysis import Analysis
from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import ATTEMPT_SOURCES, AttemptSource
from loopcoach.domain.practice import Attempt, ReviewRecord
from loopcoach.limits import require_no_nul
from loopcoach.practice import cards as C

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# The card key of an answer held by `loopcoach analyze` / POST /api/v1/analyze (practice answers
# are held under their card's key).
ANALYZE_KEY = "analyze"


@dataclass(frozen=True)
class Recorded:
    """What recording an attempt did: the attempt, and the card it rescheduled (if any)."""

    attempt: Attempt
    card: Card | None = None
    rating: Rating | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt.uuid,
            "score": self.attempt.score,
            "rating": C.RATING_NAMES[self.rating] if self.rating else None,
            "next_due": self.card.due.isoformat() if self.card else None,
        }


@dataclass(frozen=True)
class Held:
    """An answer stored before its analysis (a row of pending_answers)."""

    id: int
    card_key: str
    question_id: str | None
    role: str | None
    prompt: str
    answer: str
    duration_seconds: float | None
    at: datetime

    @property
    def source(self) -> AttemptSource:
        return "analyze" if self.card_key == ANALYZE_KEY else "practice"


class Attempts:
    def __init__(
        self,
        engine: Callable[[], Engine],
        *,
        clock: Callable[[], datetime],
        owner: Owner = local_owner,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._owner = owner

    def user(self, conn: Connection) -> int:
        """The id of the user whose data this service reads and writes."""
        return self._owner(conn)

    @property
    def local(self) -> bool:
        """Whether this acts for the implicit local user (local mode and the CLI)."""
        return self._owner is local_owner

    # --- answers held before they are scored -----------------------------------------------
    def hold(
        self,
        *,
        card_key: str,
        question_id: str | None,
        role: str | None,
        prompt: str,
        answer: str,
        duration_seconds: float | None,
        at: datetime,
    ) -> Held:
        """Commit an answer before anything analyses it."""
        from loopcoach.store import practice as S

        at = as_utc(at)
        with self._engine().begin() as conn:
            pid = S.add_pending(
                conn,
                user=self.user(conn),
                card_key=card_key,
                question_id=question_id or "",
                role=role,
                prompt=prompt,
                answer=answer,
                duration_seconds=duration_seconds,
                at=at,
            )
        return Held(pid, card_key, question_id, role, prompt, answer, duration_seconds, at)

    def release(self, held: Held) -> None:
        from loopcoach.store import practice as S

        with self._engine().begin() as conn:
            S.drop_pending(conn, held.id, user=self.user(conn))

    def held(self) -> list[Held]:
        """Answers a crash left stored but unscored, oldest first."""
        from loopcoach.store import practice as S

        with self._engine().connect() as conn:
            rows = S.list_pending(conn, user=self.user(conn))
        return [
            Held(
                r["id"],
                r["card_key"],
                r["question_id"] or None,
                r["role"],
                r["prompt"],
                r["answer"],
                r["duration_seconds"],
                as_utc(r["created_at"]),
            )
            for r in rows
        ]

    # --- recording ---------------------------------------------------------------------------
    def record(
        self,
        analysis: Analysis,
        *,
        source: AttemptSource = "analyze",
        session_id: str | None = None,
        at: datetime | None = None,
        answer: str | None = None,
        duration_seconds: float | None = None,
    ) -> Recorded:
        """Store a scored answer (source "practice", "analyze" or "mock") and, for a pack
        question, reschedule its practice card. `at` defaults to now (UTC)."""
        assert source in ATTEMPT_SOURCES, source
        require_no_nul(answer, what="the answer")
        from loopcoach.store import practice as S

        at = as_utc(at or self._clock())
        q = analysis.question
        attempt = Attempt(
            uuid=str(uuid.uuid4()),
            question_id=q.id,
            score=analysis.score,
            dimensions={k: round(d.score, 3) for k, d in analysis.dimensions.items()},
            created_at=at,
            source=source,
            role=q.role,
            prompt=q.prompt,
            rubric=q.rubric,
            session_id=session_id,
            duration_seconds=duration_seconds,
            answer=answer,
        )
        with self._engine().begin() as conn:
            user = self.user(conn)
            S.add_attempt(conn, attempt, user=user)
            if q.rubric not in ("pack", "matched"):
                return Recorded(attempt)
            rating = C.rating_for_score(analysis.score)
            card = self.review(
                conn,
                user,
                C.question_key(q.id),
                q.role,
                q.prompt,
                rating,
                at,
                duration_seconds,
                attempt.uuid,
                {"score": analysis.score, "source": source},
            )
        return Recorded(attempt, card, rating if card else None)

    def review(
        self,
        conn: Connection,
        user: int,
        key: str,
        role: str | None,
        title: str,
        rating: Rating,
        at: datetime,
        duration_seconds: float | None,
        attempt_uuid: str | None,
        detail: dict[str, Any],
    ) -> Card | None:
        """Reschedule a card (inside the caller's transaction)."""
        from loopcoach.store import practice as S

        stored = S.get_card(conn, key, user=user)
        card = stored.card if stored else C.new_card(key, at)
        if card.last_review is not None and at < as_utc(card.last_review):
            return None  # an older attempt arriving late: keep it, do not rewind the schedule
        ms = int(duration_seconds * 1000) if duration_seconds else None
        card, _ = C.review_rating(card, rating, at, duration_ms=ms)
        S.save_card(conn, card, user=user, key=key, role=role, title=title, now=at)
        S.add_review(
            conn,
            ReviewRecord(str(uuid.uuid4()), key, int(rating), at, ms, attempt_uuid, detail),
            user=user,
        )
        return card


__all__ = ["ANALYZE_KEY", "Attempts", "Held", "Recorded"]
