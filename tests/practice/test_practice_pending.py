"""Answers are stored before they are analysed (practice and analyse); a crash loses nothing."""

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
    recovered = fresh.analysis.recover()
    assert len(recovered) == 1 and recovered[0][0].question.id == "tpm-slip-three-weeks"
    with fresh.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
        attempts = S.list_attempts(conn, user=S.user_id(conn))
    assert [a.answer for a in attempts] == [ANSWER]
    assert fresh.analysis.recover() == []


def test_practice_normal_answer_leaves_nothing_pending() -> None:
    coach = Coach(Settings.from_env())
    entry = coach.practice.entry_for("q:tpm-slip-three-weeks", now=NOW)
    analysis, _ = coach.practice.answer(entry, ANSWER, now=NOW)
    assert analysis.score > 0
    with coach.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []


def test_analysed_answer_is_stored_first_and_a_crash_loses_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`loopcoach analyze` and POST /api/v1/analyze (both call AnalysisService.submit)."""
    coach = Coach(Settings.from_env())
    question = "How do you handle a dependency that slips?"

    def crash(*_a: object, **_k: object) -> None:
        raise RuntimeError("the analysis failed")

    with monkeypatch.context() as m:
        m.setattr(coach.analysis, "analyze", crash)
        with pytest.raises(RuntimeError):
            coach.analysis.submit(question, ANSWER, role="tpm", duration=80, now=NOW)
    with coach.engine.connect() as conn:
        pending = S.list_pending(conn, user=S.user_id(conn))
        assert S.list_attempts(conn, user=S.user_id(conn)) == []
    assert [(p["prompt"], p["answer"], p["duration_seconds"]) for p in pending] == [
        (question, ANSWER, 80)
    ]

    recovered = Coach(Settings.from_env()).analysis.recover()
    assert len(recovered) == 1
    with coach.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
        (attempt,) = S.list_attempts(conn, user=S.user_id(conn))
    assert (attempt.source, attempt.answer, attempt.prompt) == ("analyze", ANSWER, question)
    assert attempt.created_at == NOW


def test_analysed_answer_refused_as_input_is_not_kept() -> None:
    """An unknown question is the user's error, not a crash: nothing is held for later."""
    from loopcoach.errors import LoopcoachError

    coach = Coach(Settings.from_env())
    with pytest.raises(LoopcoachError):
        coach.analysis.submit("", ANSWER, question_id="no-such-question", now=NOW)
    with coach.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
        assert S.list_attempts(conn, user=S.user_id(conn)) == []


def test_analysis_without_save_stores_nothing() -> None:
    coach = Coach(Settings.from_env())
    analysis, recorded = coach.analysis.submit(
        "", ANSWER, question_id="tpm-slip-three-weeks", save=False
    )
    assert analysis.score > 0 and recorded is None
    with coach.engine.connect() as conn:
        assert S.list_pending(conn, user=S.user_id(conn)) == []
        assert S.list_attempts(conn, user=S.user_id(conn)) == []
