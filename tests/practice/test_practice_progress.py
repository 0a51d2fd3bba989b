"""Progress figures from the fixture attempts (tests/fixtures/practice/attempts.json)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from loopcoach.content.library import RolePack
from loopcoach.domain.practice import Attempt, ReviewRecord
from loopcoach.domain.stories import Story
from loopcoach.practice import cards as C
from loopcoach.practice.history import History
from loopcoach.practice.progress import progress, streaks

NOW = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)


def test_practice_progress_figures_from_fixture_attempts(
    tpm: RolePack, attempts: list[Attempt]
) -> None:
    p = progress(History(attempts=tuple(attempts)), roles=[tpm], now=NOW, role="tpm")
    assert p.attempts == 6
    assert [(d.date.isoformat(), d.attempts, d.score) for d in p.days] == [
        ("2026-03-02", 2, 35.0),
        ("2026-03-03", 1, 60.0),
        ("2026-03-05", 2, 60.0),
        ("2026-03-06", 1, 80.0),
    ]
    assert p.score is not None
    assert (p.score.first, p.score.last, p.score.delta) == (47.5, 70.0, 22.5)
    structure = next(t for t in p.dimensions if t.id == "structure")
    assert structure.series == (1.5, 3.0, 2.5, 4.0)
    assert (structure.first, structure.last) == (2.25, 3.25)
    assert [t.id for t in p.dimensions] == [
        "structure",
        "coverage",
        "specificity",
        "ownership",
        "red_flags",
        "delivery",
    ]
    assert [(f.id, round(f.mean), f.n) for f in p.weakest_competencies] == [
        ("ambiguity", 40, 2),
        ("scope-control", 50, 3),
        ("technical-fluency", 52, 5),
    ]
    assert [f.id for f in p.best_competencies] == ["communication", "execution", "risk-management"]
    assert (p.streak, p.longest_streak) == (2, 2)
    data = p.to_dict()
    assert data["days_practised"] == 4 and data["score"]["delta"] == 22.5


def test_practice_progress_streak_survives_until_the_day_ends() -> None:
    days = {date(2026, 3, d) for d in (1, 2, 3, 5, 6, 7, 8)}
    assert streaks(days, date(2026, 3, 8)) == (4, 4)
    assert streaks(days, date(2026, 3, 9)) == (4, 4)  # nothing yet today: still alive
    assert streaks(days, date(2026, 3, 10)) == (0, 4)
    assert streaks(set(), date(2026, 3, 10)) == (0, 0)


def test_practice_progress_days_follow_the_users_timezone(attempts: list[Attempt]) -> None:
    tz = timezone(timedelta(hours=-10))
    p = progress(History(attempts=tuple(attempts)), roles=[], now=NOW, tz=tz)
    # ten hours west of UTC, the morning answers of the 2nd and the 5th fall the day before
    assert [(d.date.day, d.attempts) for d in p.days] == [(1, 2), (3, 1), (4, 2), (6, 1)]


def test_practice_progress_cards_stories_and_due(
    tpm: RolePack, attempts: list[Attempt], stories: list[Story]
) -> None:
    t = NOW - timedelta(days=3)
    soon, _ = C.review(C.new_card("q:tpm-slip-three-weeks", t), 30, t)
    later, _ = C.review(C.new_card("s:1", t), 95, t)
    reviews = (ReviewRecord("r1", "s:1", 4, t),)
    history = History(
        tuple(attempts),
        tuple(stories),
        reviews,
        {"q:tpm-slip-three-weeks": soon, "s:1": later},
    )
    p = progress(history, roles=[tpm], now=NOW, role="tpm")
    assert (p.cards, p.due_now, p.reviews) == (2, 1, 1)
    assert p.next_due == ("q:tpm-slip-three-weeks", soon.due)
    assert p.stories["total"] == 4
    assert p.stories["practised"] == ["1"]
    assert "1" not in p.stories["never_practised"]
    assert p.stories["themes"]["influence"] == ["1"]
    assert "communication" in p.stories["uncovered_themes"]
    assert p.longest_streak == 2  # the review on the 3rd joins the 2nd


@pytest.mark.parametrize("role", [None, "tpm"])
def test_practice_progress_with_no_history(tpm: RolePack, role: str | None) -> None:
    p = progress(History(), roles=[tpm] if role else [], now=NOW, role=role)
    assert p.attempts == 0 and p.score is None and p.dimensions == ()
    assert p.next_due is None and p.streak == 0
    assert p.to_dict()["by_day"] == []
