"""Stored attempts drive the FSRS cards: attempts.record, the queue, stories from the prep pack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating, State
from sqlalchemy import text

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError
from loopcoach.practice import cards as C
from loopcoach.store import practice as S

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QID = "tpm-slip-three-weeks"


@pytest.fixture
def coach(database_url: str) -> Coach:
    """A Coach on a fresh database of this test's backend (SQLite; PostgreSQL too)."""
    return Coach(Settings.from_env())


def test_practice_store_attempts_advance_the_card(coach: Coach, analysis_of: Any) -> None:
    now, dues = T0, []
    for score in (35, 55, 75, 90):
        rec = coach.attempts.record(analysis_of(QID, score), source="practice", at=now)
        assert rec.card is not None and rec.rating == C.rating_for_score(score)
        dues.append(rec.card.due)
        now = rec.card.due
    assert dues == sorted(dues)
    gaps = [(b - a).days for a, b in zip([T0, *dues[:-1]], dues, strict=True)]
    assert gaps[0] == 1 and gaps[-1] > gaps[1]
    with coach.engine.connect() as conn:
        user = S.user_id(conn)
        stored = S.get_card(conn, C.question_key(QID), user=user)
        logs = S.list_reviews(conn, user=user)
        attempts = S.list_attempts(conn, user=user)
    assert stored is not None and stored.kind == "question" and stored.role == "tpm"
    assert stored.card.state == State.Review and stored.card.due == dues[-1]
    assert [r.rating for r in logs] == [1, 2, 3, 4]
    assert [r.attempt_uuid for r in logs] == [a.uuid for a in attempts]
    replayed = C.replay(C.question_key(QID), [(r.reviewed_at, Rating(r.rating)) for r in logs])
    assert replayed.to_dict() == stored.card.to_dict()  # the stored card is its own history


def test_practice_store_same_attempts_same_schedule(
    tmp_path: Path, new_database: Callable[[str], str], analysis_of: Any
) -> None:
    results = []
    for name in ("a", "b"):
        env = {
            "LOOPCOACH_DATA_DIR": str(tmp_path / name),
            "LOOPCOACH_DATABASE_URL": new_database(name),
        }
        c = Coach(Settings.from_env(env))
        for i, score in enumerate((50, 80, 65)):
            rec = c.attempts.record(analysis_of(QID, score), at=T0 + timedelta(days=3 * i))
        results.append(rec.card.to_dict())  # type: ignore[union-attr]
    assert results[0] == results[1]


def test_practice_store_late_or_generic_attempts_keep_the_schedule(
    coach: Coach, analysis_of: Any
) -> None:
    first = coach.attempts.record(analysis_of(QID, 70), at=T0)
    late = coach.attempts.record(analysis_of(QID, 20), at=T0 - timedelta(days=2))
    assert late.card is None and late.rating is None
    generic = coach.attempts.record(analysis_of("generic-behavioural", 50, rubric="generic"), at=T0)
    assert generic.card is None
    with coach.engine.connect() as conn:
        user = S.user_id(conn)
        assert len(S.list_attempts(conn, user=user)) == 3
        cards = S.list_cards(conn, user=user)
    assert list(cards) == [C.question_key(QID)]
    assert cards[C.question_key(QID)].card.due == first.card.due  # type: ignore[union-attr]


def test_practice_store_times_round_trip_as_utc(coach: Coach, analysis_of: Any) -> None:
    coach.attempts.record(analysis_of(QID, 70), at=datetime(2026, 3, 2, 10, 0))  # naive = UTC
    with coach.engine.connect() as conn:
        (a,) = S.list_attempts(conn, user=S.user_id(conn))
        raw = conn.execute(text("SELECT created_at FROM attempts")).scalar()
    assert a.created_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert str(raw).startswith("2026-03-02 10:00")


def test_practice_store_queue_serves_due_cards_before_new(coach: Coach, analysis_of: Any) -> None:
    coach.attempts.record(analysis_of(QID, 20), at=T0)
    same_day = coach.practice.queue(role="tpm", limit=3, now=T0 + timedelta(hours=1))
    assert all(e.status == "new" for e in same_day)
    assert QID not in [e.item.ref for e in same_day]
    next_day = coach.practice.queue(role="tpm", limit=3, now=T0 + timedelta(days=1))
    assert (next_day[0].item.ref, next_day[0].status) == (QID, "due")
    assert len(next_day) == 3


def test_practice_store_queue_needs_a_role_at_first(coach: Coach) -> None:
    with pytest.raises(LoopcoachError, match="--role tpm"):
        coach.practice.queue(role=None, limit=5, now=T0)


def test_practice_store_stories_become_cards(
    coach: Coach, with_stories: list[dict[str, Any]]
) -> None:
    q = coach.practice.queue(role="tpm", limit=50, now=T0)
    story_entries = [e for e in q if e.item.kind == "story"]
    assert {e.item.ref for e in story_entries} == {str(r["id"]) for r in with_stories}
    entry = story_entries[0]
    card = coach.practice.tell_story(entry, Rating.Good, length="2min", now=T0)
    assert card is not None and card.due > T0
    with coach.engine.connect() as conn:
        (log,) = S.list_reviews(conn, user=S.user_id(conn))
    assert log.card_key == entry.item.key and log.detail["length"] == "2min"
    assert coach.practice.history().pitch


def test_practice_store_story_cards_work_without_the_prep_pack(
    coach: Coach, with_stories: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = coach.practice.entry_for("s:1", now=T0)
    coach.practice.tell_story(entry, Rating.Hard, length="30s", now=T0)
    monkeypatch.setattr(S, "_stories_module", lambda: None)
    assert coach.practice.history().stories == ()
    later = T0 + timedelta(days=5)
    q = coach.practice.queue(role="tpm", limit=5, now=later)
    assert q[0].item.key == "s:1" and q[0].item.title.startswith("Payments")
    again = coach.practice.entry_for("s:1", now=later)
    assert coach.practice.tell_story(again, Rating.Good, length="deep", now=later) is not None
    with pytest.raises(LoopcoachError, match="unknown story"):
        coach.practice.entry_for("s:nope", now=later)


def test_practice_store_real_prep_module_is_optional() -> None:
    """Without `loopcoach.store.stories` (or without its functions) there are no stories."""
    mod = S._stories_module()
    if mod is None or not hasattr(mod, "list_stories"):
        assert S.read_stories(None) == []  # type: ignore[arg-type]
