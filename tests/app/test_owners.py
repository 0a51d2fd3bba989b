"""Owner scoping below the faces: a `Coach.for_owner(id)` reads and writes that user's rows
only, through every service that stores something; another user's ids are unknown (NotFound),
and the local user's coach sees none of it. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.accounts.helpers import PASSWORD, cheap_hasher

from loopcoach.app import Coach
from loopcoach.app.accounts import AccountsService
from loopcoach.config import Settings
from loopcoach.errors import NotFound
from loopcoach.prep.stories import StoryInput

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def coach(database_url: str) -> Iterator[Coach]:
    c = Coach(Settings.from_env())
    root = c
    c.__dict__["accounts"] = AccountsService(
        lambda: root.engine, clock=root.clock, hasher=cheap_hasher
    )
    yield c
    c.engine.dispose()


def test_each_owner_sees_only_their_own_rows(coach: Coach) -> None:
    a_id = coach.accounts.create_user("a@example.org", PASSWORD).id
    b_id = coach.accounts.create_user("b@example.org", PASSWORD).id
    a, b = coach.for_owner(a_id), coach.for_owner(b_id)
    assert a.engine is coach.engine and a.library is coach.library  # shared, not rebuilt

    story = a.prep.add(StoryInput(title="A's story", situation="s", action="x", result="r"))
    session = a.mock.start("tpm", seed=1)
    a.analysis.submit("Tell me about a conflict.", "A's private answer about a conflict.")

    assert [s.id for s in a.prep.stories()] == [story.id]
    assert b.prep.stories() == [] and coach.prep.stories() == []
    for reach in (
        lambda: b.prep.story(story.id),
        lambda: b.prep.edit(story.id, StoryInput(title="hijacked")),
        lambda: b.prep.delete(story.id),
        lambda: b.mock.state(session.session_id),
        lambda: b.mock.end(session.session_id),
        lambda: b.mock.event_rows(session.session_id),
    ):
        with pytest.raises(NotFound):
            reach()
    assert a.prep.story(story.id)[0].title == "A's story"
    assert a.mock.state(session.session_id).status != "ended"
    assert [s.session_id for s in a.mock.list()] == [session.session_id]
    assert b.mock.list() == [] and coach.mock.list() == []

    a_history = a.practice.history()
    assert [x.answer for x in a_history.attempts] == ["A's private answer about a conflict."]
    assert b.practice.history().attempts == () and coach.practice.history().attempts == ()
    assert [s.title for s in a_history.stories] == ["A's story"]
    assert b.practice.history().stories == ()

    exported = b.exports.export_data(now=NOW)["sections"]
    assert all(rows == [] for rows in exported.values()), exported
    mine = a.exports.export_data(now=NOW)["sections"]
    assert len(mine["attempts"]) == 1 and len(mine["stories"]) == 1
    assert len(mine["mock_sessions"]) == 1


def test_a_coach_reads_a_cohort_learner_and_no_one_else(coach: Coach) -> None:
    acc = coach.accounts
    learner = acc.create_user("l@example.org", PASSWORD)
    other = acc.create_user("o@example.org", PASSWORD)
    boss = acc.create_user("c@example.org", PASSWORD, role="coach")
    acc.create_cohort("spring", boss.email)
    acc.invite(learner.email, "spring")
    coach.for_owner(learner.id).analysis.submit("Tell me about a conflict.", "An answer.")

    assert [x.email for x in coach.cohorts.learners(boss)] == [learner.email]
    seen, progress = coach.cohorts.progress(boss, learner.id, role=None, now=NOW)
    assert seen.id == learner.id and progress.attempts == 1
    for actor, whose in ((boss, other.id), (other, learner.id), (learner, other.id)):
        with pytest.raises(NotFound):
            coach.cohorts.progress(actor, whose, role=None, now=NOW)
    assert coach.cohorts.learners(learner) == []
