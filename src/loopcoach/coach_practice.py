"""The practice part of the facade: plans, practice cards, progress, checklists, exports.

Reached as `coach.practice`; wires the pure `practice/` core to the store and the exports. Reads
the clock only where a face did not pass one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fsrs import Card, Rating

from loopcoach.content.library import RolePack
from loopcoach.domain.analysis import Analysis
from loopcoach.domain.practice import (
    ATTEMPT_SOURCES,
    Attempt,
    PracticeStory,
    ReviewRecord,
    as_utc,
)
from loopcoach.errors import LoopcoachError
from loopcoach.practice import cards as C
from loopcoach.practice.checklist import calibration_sheet, day_of_checklist
from loopcoach.practice.history import History
from loopcoach.practice.plan import StudyPlan, build_plan
from loopcoach.practice.progress import Progress, progress
from loopcoach.practice.queue import STORY_LENGTHS, practice_items

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from loopcoach.coach import Coach


def utcnow() -> datetime:
    return datetime.now(UTC)


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


class PracticeCoach:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    @property
    def library(self):  # type: ignore[no-untyped-def]
        return self.coach.library

    def _user(self, conn: Connection) -> int:
        from loopcoach.store.practice import user_id

        return user_id(conn)

    # --- reading ------------------------------------------------------------------------

    def history(self, *, role: str | None = None) -> History:
        from loopcoach.store import practice as S

        with self.coach.engine.connect() as conn:
            user = self._user(conn)
            attempts = S.list_attempts(conn, user=user, role=role)
            stored = S.list_cards(conn, user=user)
            reviews = S.list_reviews(conn, user=user)
            stories = S.read_stories(conn)
            pitch = S.read_pitch(conn)
        cards = {k: c.card for k, c in stored.items() if role is None or c.role in (role, None)}
        return History(tuple(attempts), tuple(stories), tuple(reviews), cards, pitch)

    def _roles(self, role: str | None, history: History) -> list[RolePack]:
        if role:
            return [self.library.role(role)]
        used = {a.role for a in history.attempts if a.role}
        used |= {self._question_role(k) for k in history.cards if k.startswith("q:")}
        return [self.library.roles[r] for r in sorted(used) if r in self.library.roles]

    def _question_role(self, key: str) -> str:
        try:
            return self.library.question(C.split_key(key)[1])[0].id
        except LoopcoachError:
            return ""

    # --- recording ----------------------------------------------------------------------

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
        """Store a scored answer and, for a pack question, reschedule its practice card."""
        assert source in ATTEMPT_SOURCES, source
        from loopcoach.store import practice as S

        at = as_utc(at or utcnow())
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
        with self.coach.engine.begin() as conn:
            user = self._user(conn)
            S.add_attempt(conn, attempt, user=user)
            if q.rubric not in ("pack", "matched"):
                return Recorded(attempt)
            key = C.question_key(q.id)
            rating = C.rating_for_score(analysis.score)
            card = self._review(
                conn,
                user,
                key,
                q.role,
                q.prompt,
                rating,
                at,
                duration_seconds,
                attempt.uuid,
                {"score": analysis.score, "source": source},
            )
        return Recorded(attempt, card, rating if card else None)

    def _review(
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

    # --- practising ---------------------------------------------------------------------

    def queue(
        self, *, role: str | None, limit: int, now: datetime, stages: Sequence[str] = ()
    ) -> list[C.QueueEntry]:
        from loopcoach.store import practice as S

        history = self.history(role=role)
        roles = self._roles(role, history)
        with self.coach.engine.connect() as conn:
            stored = S.list_cards(conn, user=self._user(conn))
        titles = {c.ref: c.title for c in stored.values() if c.kind == "story"}
        if not roles and not history.stories and not titles:
            raise LoopcoachError(
                "no-role",
                "nothing to practise yet: choose a role, e.g. "
                "`loopcoach practice --role tpm` (see `loopcoach roles`)",
            )
        items = practice_items(roles, history, now, stages=stages, story_titles=titles)
        return C.due_queue(items, history.cards, now, limit=limit)

    def answer(
        self,
        entry: C.QueueEntry,
        answer: str,
        *,
        now: datetime,
        duration_seconds: float | None = None,
    ) -> tuple[Analysis, Recorded]:
        item = entry.item
        from loopcoach.store import practice as S

        with self.coach.engine.begin() as conn:  # committed before anything analyses it
            pending = S.add_pending(
                conn,
                user=self._user(conn),
                card_key=item.key,
                question_id=item.ref,
                role=item.role,
                prompt=item.title,
                answer=answer,
                duration_seconds=duration_seconds,
                at=as_utc(now),
            )
        return self._score_pending(
            pending,
            item.title,
            answer,
            role=item.role,
            question_id=item.ref,
            now=now,
            duration_seconds=duration_seconds,
        )

    def _score_pending(
        self,
        pending: int,
        prompt: str,
        answer: str,
        *,
        role: str | None,
        question_id: str,
        now: datetime,
        duration_seconds: float | None,
    ) -> tuple[Analysis, Recorded]:
        from loopcoach.store import practice as S

        analysis = self.coach.analyze(prompt, answer, role=role, question_id=question_id)
        rec = self.record_attempt(
            analysis, source="practice", at=now, answer=answer, duration_seconds=duration_seconds
        )
        with self.coach.engine.begin() as conn:
            S.drop_pending(conn, pending)
        return analysis, rec

    def recover_pending(self) -> list[tuple[Analysis, Recorded]]:
        """Score answers a crash left stored but unanalysed; returns what was recovered."""
        from loopcoach.store import practice as S

        with self.coach.engine.connect() as conn:
            rows = S.list_pending(conn, user=self._user(conn))
        return [
            self._score_pending(
                r["id"],
                r["prompt"],
                r["answer"],
                role=r["role"],
                question_id=r["question_id"],
                now=as_utc(r["created_at"]),
                duration_seconds=r["duration_seconds"],
            )
            for r in rows
        ]

    def tell_story(
        self,
        entry: C.QueueEntry,
        rating: Rating,
        *,
        length: str,
        now: datetime,
        duration_seconds: float | None = None,
    ) -> Card | None:
        assert length in STORY_LENGTHS, length
        with self.coach.engine.begin() as conn:
            return self._review(
                conn,
                self._user(conn),
                entry.item.key,
                None,
                entry.item.title,
                rating,
                as_utc(now),
                duration_seconds,
                None,
                {"length": length, "self_rated": True},
            )

    def story(self, story_id: str) -> PracticeStory | None:
        return next((s for s in self.history().stories if s.id == story_id), None)

    def entry_for(self, key: str, *, now: datetime) -> C.QueueEntry:
        """A queue entry for a card chosen by key (q:QUESTION_ID or s:STORY_ID)."""
        kind, ref = C.split_key(key)
        history = self.history()
        card = history.cards.get(key)
        status = "new" if card is None else ("due" if C.is_due(card, now) else "early")
        if kind == C.QUESTION:
            role, q = self.library.question(ref)
            item = C.PracticeItem(key, "question", ref, q.prompt, role.id)
        else:
            story = next((s for s in history.stories if s.id == ref), None)
            from loopcoach.store import practice as S

            with self.coach.engine.connect() as conn:
                stored = S.get_card(conn, key, user=self._user(conn))
            if story is None and stored is None:
                raise LoopcoachError(
                    "story-not-found",
                    f"unknown story '{ref}': list your stories with the prep pack",
                )
            title = story.title if story else stored.title  # type: ignore[union-attr]
            item = C.PracticeItem(key, "story", ref, title)
        return C.QueueEntry(item, card, status)

    # --- views --------------------------------------------------------------------------

    def plan(
        self,
        role: str,
        interview_date: date,
        *,
        today: date,
        hours_per_day: float,
        stages: Sequence[str] = (),
    ) -> StudyPlan:
        return build_plan(
            self.library.role(role),
            interview_date,
            today=today,
            hours_per_day=hours_per_day,
            stages=stages,
            history=self.history(role=role),
        )

    def progress(self, *, role: str | None, now: datetime, tz: tzinfo = UTC) -> Progress:
        history = self.history(role=role)
        return progress(history, roles=self._roles(role, history), now=now, role=role, tz=tz)

    def checklist(self, role: str, *, stages: Sequence[str] = ()) -> str:
        return day_of_checklist(
            self.library.role(role), stages=stages, history=self.history(role=role)
        )

    def calibration(
        self, role: str, *, stages: Sequence[str] = (), level: str | None = None
    ) -> str:
        return calibration_sheet(
            self.library.role(role), stages=stages, history=self.history(role=role), level=level
        )

    # --- files --------------------------------------------------------------------------

    def write_anki(self, role: str, path: Path, *, now: datetime):  # type: ignore[no-untyped-def]
        from loopcoach.export.anki import write_apkg

        pack = self.library.role(role)
        return write_apkg(
            pack, path, stories=self.history(role=role).stories, timestamp=now.timestamp()
        )

    def export_json(self, path: Path, *, now: datetime) -> dict[str, int]:
        from loopcoach.store.backup import export_file

        return export_file(self.coach.engine, path, now=now)

    def import_json(self, path: Path) -> dict[str, int]:
        from loopcoach.store.backup import import_file

        return import_file(self.coach.engine, path)


__all__ = ["PracticeCoach", "Recorded"]
