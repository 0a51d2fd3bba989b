"""Mock interview sessions and their event logs; and their backup section.

Tables live on the shared `metadata`; their migration is the "sessions" branch (0002). A session's
events are rows numbered 1, 2, 3... by `seq`, unique per session: appending takes the number after
the last one the caller saw, so two processes answering the same session at once cannot both
succeed (`SessionBusy`). Each append is its own transaction, committed before anything acts on it.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    desc,
    select,
)
from sqlalchemy.exc import IntegrityError

from loopcoach.domain.kinds import SessionMode, StoredSessionStatus
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.interview.events import Event, QuestionAsked, SessionStarted, as_utc
from loopcoach.store.tables import LOCAL_USER, metadata, users

mock_sessions = Table(
    "mock_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(80), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("stages", JSON, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

mock_events = Table(
    "mock_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "session_id",
        String(32),
        ForeignKey("mock_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("session_id", "seq", name="uq_mock_events_session_seq"),
)


class SessionBusy(LoopcoachError):
    """Another writer appended to the session after the caller read it."""

    def __init__(self, session_id: str) -> None:
        super().__init__(
            "session-busy",
            f"session {session_id} changed while this was being stored (another `loopcoach "
            f"mock answer` got there first); nothing of yours was stored: see the current "
            f"question with `loopcoach mock show {session_id}` and answer it",
        )
        self.session_id = session_id


def user_id(conn: Connection, name: str = LOCAL_USER) -> int:
    uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if uid is None:
        raise LoopcoachError("no-user", f"no user '{name}' in the database")
    return int(uid)


def _status(event: Event) -> StoredSessionStatus | None:
    if event.type == "ended":
        return "ended"
    return None


def create_session(conn: Connection, started: SessionStarted, *, user: int) -> bool:
    """Store a new session and its first event; False when the id is taken."""
    exists = conn.execute(
        select(mock_sessions.c.id).where(mock_sessions.c.id == started.session_id)
    ).first()
    if exists:
        return False
    at = as_utc(started.at)
    conn.execute(
        mock_sessions.insert().values(
            id=started.session_id,
            user_id=user,
            role=started.role,
            mode=started.mode,
            stages=list(started.stages),
            seed=started.seed,
            status="active",
            last_seq=1,
            created_at=at,
            updated_at=at,
        )
    )
    conn.execute(
        mock_events.insert().values(
            session_id=started.session_id,
            seq=1,
            type=started.type,
            data=started.to_dict(),
            at=at,
        )
    )
    return True


def append_event(conn: Connection, session_id: str, seq: int, event: Event) -> None:
    """Store `event` as number `seq` of the session; SessionBusy when that number is taken."""
    values: dict[str, Any] = {"last_seq": seq, "updated_at": as_utc(event.at)}
    status = _status(event)
    if status:
        values["status"] = status
    done = conn.execute(
        mock_sessions.update()
        .where(mock_sessions.c.id == session_id, mock_sessions.c.last_seq == seq - 1)
        .values(**values)
    )
    if done.rowcount != 1:
        raise SessionBusy(session_id)
    try:
        conn.execute(
            mock_events.insert().values(
                session_id=session_id,
                seq=seq,
                type=event.type,
                data=event.to_dict(),
                at=as_utc(event.at),
            )
        )
    except IntegrityError:
        raise SessionBusy(session_id) from None


def _owned(conn: Connection, session_id: str, user: int) -> Any:
    row = conn.execute(
        select(mock_sessions).where(
            mock_sessions.c.id == session_id, mock_sessions.c.user_id == user
        )
    ).first()
    if row is None:
        raise NotFound("session", session_id, "list your sessions with `loopcoach mock list`")
    return row


def load_events(conn: Connection, session_id: str, *, user: int) -> list[Event]:
    _owned(conn, session_id, user)
    rows = conn.execute(
        select(mock_events.c.data)
        .where(mock_events.c.session_id == session_id)
        .order_by(mock_events.c.seq)
    )
    return [Event.from_dict(r.data) for r in rows]


def event_rows(conn: Connection, session_id: str, *, user: int) -> list[dict[str, Any]]:
    """The raw log: seq, type, at and data, for `mock show`."""
    _owned(conn, session_id, user)
    rows = conn.execute(
        select(mock_events)
        .where(mock_events.c.session_id == session_id)
        .order_by(mock_events.c.seq)
    ).mappings()
    return [
        {"seq": r["seq"], "type": r["type"], "at": as_utc(r["at"]).isoformat(), "data": r["data"]}
        for r in rows
    ]


@dataclass(frozen=True)
class SessionRow:
    id: str
    role: str
    mode: SessionMode
    stages: tuple[str, ...]
    seed: int
    status: StoredSessionStatus
    events: int
    created_at: datetime
    updated_at: datetime


def _sessions_query(user: int, role: str | None) -> Any:
    q = select(mock_sessions).where(mock_sessions.c.user_id == user)
    if role:
        q = q.where(mock_sessions.c.role == role)
    return q


def count_sessions(conn: Connection, *, user: int, role: str | None = None) -> int:
    from loopcoach.store.paging import total

    return total(conn, _sessions_query(user, role))


def list_sessions(
    conn: Connection,
    *,
    user: int,
    role: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionRow]:
    """Newest first; `limit` and `offset` cut a page from that order."""
    from loopcoach.store.paging import window

    q = _sessions_query(user, role).order_by(desc(mock_sessions.c.created_at), mock_sessions.c.id)
    q = window(q, limit=limit or None, offset=offset)
    return [
        SessionRow(
            id=r.id,
            role=r.role,
            mode=r.mode,
            stages=tuple(r.stages or ()),
            seed=r.seed,
            status=r.status,
            events=r.last_seq,
            created_at=as_utc(r.created_at),
            updated_at=as_utc(r.updated_at),
        )
        for r in conn.execute(q)
    ]


def recent_question_ids(conn: Connection, *, user: int, role: str, sessions: int) -> list[str]:
    """Question ids asked in the user's `sessions` most recent sessions of a role."""
    recent = [s.id for s in list_sessions(conn, user=user, role=role, limit=sessions)]
    if not recent:
        return []
    rows = conn.execute(
        select(mock_events.c.data).where(
            mock_events.c.session_id.in_(recent), mock_events.c.type == QuestionAsked.type
        )
    )
    return list(dict.fromkeys(str(r.data.get("question_id")) for r in rows))


# --- backup section -----------------------------------------------------------------------


def dump_sessions(conn: Connection, uid: int | None = None) -> list[dict[str, Any]]:
    user = uid if uid is not None else user_id(conn)
    out = []
    for s in reversed(list_sessions(conn, user=user)):
        out.append(
            {"id": s.id, "events": [e.to_dict() for e in load_events(conn, s.id, user=user)]}
        )
    return out


def _parse(rows: Sequence[Any]) -> list[tuple[SessionStarted, list[Event]]]:
    parsed = []
    for i, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                raise ValueError("expected an object")
            events = [Event.from_dict(e) for e in row["events"]]
            if not events or not isinstance(events[0], SessionStarted):
                raise ValueError("a session's events start with session_started")
            parsed.append((events[0], events))
        except (KeyError, ValueError, TypeError) as exc:
            what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise LoopcoachError(
                "backup-invalid",
                f"backup section 'mock_sessions', row {i + 1}: {what}; the file is damaged "
                "or was edited",
            ) from None
    return parsed


def load_sessions(conn: Connection, rows: list[Any], user: int) -> int:
    """Merge sessions by id into `user`'s: a session of theirs already here is kept as it is
    (imports are idempotent); one whose id another user's session has gets a fresh id."""
    added = 0
    for started, events in _parse(rows):
        owner = conn.execute(
            select(mock_sessions.c.user_id).where(mock_sessions.c.id == started.session_id)
        ).scalar()
        if owner == user:
            continue
        if owner is not None:
            started = _fresh_id(conn, started)
        if not create_session(conn, started, user=user):
            continue
        for seq, ev in enumerate(events[1:], start=2):
            append_event(conn, started.session_id, seq, ev)
        added += 1
    return added


def _fresh_id(conn: Connection, started: SessionStarted) -> SessionStarted:
    """The session with an id no stored session has (the file's one is another user's)."""
    while True:
        new = secrets.token_hex(4)
        taken = conn.execute(select(mock_sessions.c.id).where(mock_sessions.c.id == new)).first()
        if taken is None:
            return dataclasses.replace(started, session_id=new)


def register_backup(register: Callable[..., None]) -> None:
    """Backup hook (store/backup.py)."""
    register("mock_sessions", dump=dump_sessions, load=load_sessions)


__all__ = [
    "SessionBusy",
    "SessionRow",
    "append_event",
    "create_session",
    "event_rows",
    "list_sessions",
    "load_events",
    "mock_events",
    "mock_sessions",
    "recent_question_ids",
    "register_backup",
    "user_id",
]
