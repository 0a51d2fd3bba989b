"""A practice answer is stored before it is analysed; a crash in between loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.store import practice as S

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("database_url")  # SQLite; PostgreSQL too (tests/conftest.py)

ANSWER = (
    "I asked the team why the date moved, mapped what it did to the critical path, and "
    "took two options to the sponsor the same day; we cut one feature and kept the date."
)


def test_practice_answer_is_stored_before_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    coach = Coach(Settings.from_env())
    entry = coach.practice.entry_for("q:tpm-slip-three-weeks", now=NOW)

    def crash(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt  # the process dies while the answer is being analysed

    with monkeypatch.context() as m:
        m.setattr(coach.analysis, "analyze", crash)
        with pytest.raises(KeyboardInterrupt):
            coach.practice.answer(entry, ANSWER, now=NOW)
    with coach.engine.connect() as conn:
        pending = S.list_pending(conn, user=S.user_id(conn))
    assert [p["answer"] for p in pending] == [ANSWER]

    fresh = Coach(Settings.from_env())  # the next start scores what was left
    recovered = fresh.practice.recover_pending()
    assert len(recovered) == 1 and recovered[0][0].question.id == "tpm-slip-three-weeks"
    with fresh.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
        attempts = S.list_attempts(conn, user=S.user_id(conn))
    assert [a.answer for a in attempts] == [ANSWER]
    assert fresh.practice.recover_pending() == []


def test_practice_normal_answer_leaves_nothing_pending() -> None:
    coach = Coach(Settings.from_env())
    entry = coach.practice.entry_for("q:tpm-slip-three-weeks", now=NOW)
    analysis, _ = coach.practice.answer(entry, ANSWER, now=NOW)
    assert analysis.score > 0
    with coach.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
