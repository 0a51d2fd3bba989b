"""Mock session rows: a numbered, append-only log per session, exclusive appends, backups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from loopcoach import store
from loopcoach.errors import LoopcoachError
from loopcoach.interview import events as E
from loopcoach.store import make_engine
from loopcoach.store import sessions as S

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(new_database: Callable[[str], str]) -> Callable[[str], Engine]:
    """`db(name)`: a fresh, migrated database on this test's backend (SQLite, PostgreSQL)."""

    def make(name: str) -> Engine:
        engine = make_engine(new_database(name))
        store.upgrade(engine)  # on SQLite a copy of one migrated file (tests/conftest.py)
        return engine

    return make


def started(sid: str, at: datetime = T0) -> E.SessionStarted:
    return E.SessionStarted(
        at=at, session_id=sid, role="tpm", plan=(("recruiter-screen", ("tpm-why-tpm",)),), seed=3
    )


def asked(key: str, qid: str, at: datetime = T0) -> E.QuestionAsked:
    return E.QuestionAsked(
        at=at, key=key, question_id=qid, stage="recruiter-screen", prompt="Why?", kind="culture"
    )


def test_store_sessions_appends_are_numbered_and_exclusive(db: Callable[[str], Engine]) -> None:
    engine = db("a")
    with engine.begin() as conn:
        user = S.user_id(conn)
        assert S.create_session(conn, started("s1"), user=user)
        assert not S.create_session(conn, started("s1"), user=user)  # the id is taken
    with engine.begin() as conn:
        S.append_event(conn, "s1", 2, asked("q1", "tpm-why-tpm"))
    for seq in (2, 4):  # taken, or not the next one
        with pytest.raises(S.SessionBusy) as err, engine.begin() as conn:
            S.append_event(conn, "s1", seq, E.Skipped(at=T0, key="q1"))
        assert err.value.code == "session-busy" and "mock show s1" in str(err.value)
    with engine.begin() as conn:
        S.append_event(conn, "s1", 3, E.Ended(at=T0))
    with engine.connect() as conn:
        events = S.load_events(conn, "s1", user=user)
        (row,) = S.list_sessions(conn, user=user)
    assert [e.type for e in events] == ["session_started", "question_asked", "ended"]
    assert (row.status, row.events, row.stages) == ("ended", 3, ("recruiter-screen",))


def test_store_sessions_unknown_id(db: Callable[[str], Engine]) -> None:
    engine = db("a")
    with engine.connect() as conn, pytest.raises(LoopcoachError) as err:
        S.load_events(conn, "nope", user=S.user_id(conn))
    assert err.value.code == "session-not-found"


def test_store_sessions_recent_questions(db: Callable[[str], Engine]) -> None:
    engine = db("a")
    with engine.begin() as conn:
        user = S.user_id(conn)
        for i in range(3):
            at = T0 + timedelta(days=i)
            S.create_session(conn, started(f"s{i}", at), user=user)
            S.append_event(conn, f"s{i}", 2, asked("q1", f"question-{i}", at))
    with engine.connect() as conn:
        recent = S.recent_question_ids(conn, user=user, role="tpm", sessions=2)
        other = S.recent_question_ids(conn, user=user, role="po", sessions=2)
    assert sorted(recent) == ["question-1", "question-2"] and other == []


def test_store_sessions_backup_round_trip(db: Callable[[str], Engine]) -> None:
    from loopcoach.store import backup

    src = db("src")
    with src.begin() as conn:
        S.create_session(conn, started("s1"), user=S.user_id(conn))
        S.append_event(conn, "s1", 2, asked("q1", "tpm-why-tpm"))
        S.append_event(conn, "s1", 3, E.AnswerSubmitted(at=T0, key="q1", text="Because."))
    data = backup.dump(src, now=T0)
    assert [len(r["events"]) for r in data["sections"]["mock_sessions"]] == [3]
    dest = db("dest")
    assert backup.load(dest, data)["mock_sessions"] == 1
    assert backup.load(dest, data)["mock_sessions"] == 0  # importing twice adds nothing
    with dest.connect() as conn:
        events = S.load_events(conn, "s1", user=S.user_id(conn))
    assert events[-1] == E.AnswerSubmitted(at=T0, key="q1", text="Because.")
    bad = {**data, "sections": {"mock_sessions": [{"id": "x", "events": []}]}}
    with pytest.raises(LoopcoachError, match="mock_sessions"):
        backup.load(dest, bad)
