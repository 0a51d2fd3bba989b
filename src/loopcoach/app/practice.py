"""Practice: plans, practice cards, progress, checklists and calibration sheets.

Reached as `coach.practice`; wires the pure `practice/` core to the store. Answers go through
the analysis service (stored first, then scored); reads the clock only where a face did not pass
one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from fsrs import Card, Rating

from loopcoach.app.analysis import AnalysisService
from loopcoach.app.attempts import Attempts, Recorded
from loopcoach.content.library import Library, RolePack
from loopcoach.domain.analysis import Analysis
from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import CardStatus
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.practice import cards as C
from loopcoach.practice.checklist import calibration_sheet, day_of_checklist
from loopcoach.practice.history import History
from loopcoach.practice.plan import (
    DEFAULT_HOURS,
    MAX_PLAN_AHEAD_DAYS,
    MAX_PLAN_DAYS,
    StudyPlan,
    build_plan,
)
from loopcoach.practice.progress import Progress, progress
from loopcoach.practice.queue import STORY_LENGTHS, practice_items

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = ["DEFAULT_HOURS", "MAX_PLAN_AHEAD_DAYS", "MAX_PLAN_DAYS", "PracticeService", "Recorded"]


class PracticeService:
    def __init__(
        self,
        library: Callable[[], Library],
        engine: Callable[[], Engine],
        attempts: Attempts,
        analysis: AnalysisService,
    ) -> None:
        self._library = library
        self._engine = engine
        self._attempts = attempts
        self._analysis = analysis

    @property
    def library(self) -> Library:
        return self._library()

    def _user(self, conn: Connection) -> int:
        return self._attempts.user(conn)

    # --- reading ------------------------------------------------------------------------

    def history(self, *, role: str | None = None) -> History:
        from loopcoach.store import practice as S

        with self._engine().connect() as conn:
            user = self._user(conn)
            attempts = S.list_attempts(conn, user=user, role=role)
            stored = S.list_cards(conn, user=user)
            reviews = S.list_reviews(conn, user=user)
            # local mode reads stories exactly as before (the local user, no argument)
            theirs = None if self._attempts.local else user
            stories = S.read_stories(conn, user=theirs)
            pitch = S.read_pitch(conn, user=theirs)
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

    # --- practising ---------------------------------------------------------------------

    def queue(
        self, *, role: str | None, limit: int, now: datetime, stages: Sequence[str] = ()
    ) -> list[C.QueueEntry]:
        from loopcoach.store import practice as S

        history = self.history(role=role)
        roles = self._roles(role, history)
        with self._engine().connect() as conn:
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
        """Store the answer (committed before anything analyses it), score it, reschedule."""
        item = entry.item
        analysis, rec = self._analysis.submit(
            item.title,
            answer,
            role=item.role,
            question_id=item.ref,
            duration=duration_seconds,
            source="practice",
            card_key=item.key,
            now=now,
        )
        assert rec is not None  # practice answers are always recorded
        return analysis, rec

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
        with self._engine().begin() as conn:
            return self._attempts.review(
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

    def story(self, story_id: str) -> Story | None:
        return next((s for s in self.history().stories if s.ref == story_id), None)

    def entry_for(self, key: str, *, now: datetime) -> C.QueueEntry:
        """A queue entry for a card chosen by key (q:QUESTION_ID or s:STORY_ID)."""
        kind, ref = C.split_key(key)
        history = self.history()
        card = history.cards.get(key)
        status: CardStatus = "new" if card is None else ("due" if C.is_due(card, now) else "early")
        if kind == C.QUESTION:
            role, q = self.library.question(ref)
            item = C.PracticeItem(key, "question", ref, q.prompt, role.id)
        else:
            story = next((s for s in history.stories if s.ref == ref), None)
            from loopcoach.store import practice as S

            with self._engine().connect() as conn:
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
        hours_per_day: float = DEFAULT_HOURS,
        stages: Sequence[str] = (),
    ) -> StudyPlan:
        """A day-by-day plan to an interview at most `MAX_PLAN_AHEAD_DAYS` days ahead (a
        later date is refused with the latest date allowed)."""
        return build_plan(
            self.library.role(role),
            interview_date,
            today=today,
            hours_per_day=hours_per_day,
            stages=stages,
            history=self.history(role=role),
        )

    def latest_interview_date(self, today: date) -> date:
        return today + timedelta(days=MAX_PLAN_AHEAD_DAYS)

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
