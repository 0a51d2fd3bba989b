"""A coach's read-only view of their cohorts' learners (hosted mode), reached as
`coach.cohorts`. Whether the actor may read a learner is `AccountsService.can_read`; the
learner's data is read through the practice service of a coach scoped to that learner
(`Coach.for_owner`), so the same store-level owner filter applies. Nothing here writes a
learner's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from loopcoach.app.paging import DEFAULT_PAGE, Page

if TYPE_CHECKING:
    from loopcoach.app.accounts import Account, AccountsService
    from loopcoach.app.practice import PracticeService
    from loopcoach.practice.progress import Progress


class CohortView:
    def __init__(
        self, accounts: Callable[[], AccountsService], practice_of: Callable[[int], PracticeService]
    ) -> None:
        self._accounts = accounts
        self._practice_of = practice_of

    def learners(self, actor: Account) -> list[Account]:
        """The learners of the actor's cohorts (none for a learner)."""
        return self._accounts().learners_of(actor)

    def learners_page(
        self, actor: Account, *, limit: int = DEFAULT_PAGE, offset: int = 0
    ) -> Page[Account]:
        """A page of `learners`, and the total."""
        return self._accounts().learners_page(actor, limit=limit, offset=offset)

    def progress(
        self, actor: Account, learner_id: int, *, role: str | None, now: datetime
    ) -> tuple[Account, Progress]:
        """A learner's progress, if `actor` may read it; NotFound otherwise (the same answer
        as an id that does not exist)."""
        learner = self._accounts().learner(actor, learner_id)
        return learner, self._practice_of(learner.id).progress(role=role, now=now)
