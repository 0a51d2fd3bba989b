"""Practice rows: scored attempts, FSRS practice cards, review logs; and their backup sections.

Tables live on the shared `metadata`; their migration is the "practice" branch (0004). Every
query is scoped to a user id (local mode has one user, `local`). Times are stored in UTC.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fsrs import Card
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import CardKind
from loopcoach.domain.practice import Attempt, ReviewRecord
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.practice.cards import card_from_dict, card_to_dict, split_key
from loopcoach.store.tables import LOCAL_USER, metadata, users

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(200), nullable=False),
    Column("role", String(80), nullable=True),
    Column("prompt", Text, nullable=False, server_default=""),
    Column("rubric", String(20), nullable=False, server_default="pack"),
    Column("score", Integer, nullable=False),
    Column("dimensions", JSON, nullable=False),
    Column("source", String(20), nullable=False),
    Column("session_id", String(64), nullable=True),
    Column("duration_seconds", Float, nullable=True),
    Column("answer", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "uuid", name="uq_attempts_user_uuid"),
)

practice_cards = Table(
    "practice_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(250), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ref", String(200), nullable=False),
    Column("role", String(80), nullable=True),
    Column("title", Text, nullable=False, server_default=""),
    Column("fsrs", JSON, nullable=False),
    Column("due", DateTime(timezone=True), nullable=False),
    Column("last_review", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "key", name="uq_practice_cards_user_key"),
)

review_logs = Table(
    "review_logs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("card_key", String(250), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("duration_ms", Integer, nullable=True),
    Column("attempt_uuid", String(36), nullable=True),
    Column("detail", JSON, nullable=False),
    UniqueConstraint("user_id", "uuid", name="uq_review_logs_user_uuid"),
)

KINDS: dict[str, CardKind] = {"q": "question", "s": "story"}


# A practice answer is stored here the moment it is submitted, before it is analysed, and removed
# once its attempt is recorded; answers left here by a crash are scored on the next start.
pending_answers = Table(
    "pending_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("card_key", String(240), nullable=False),
    Column("question_id", String(200), nullable=False),
    Column("role", String(80), nullable=True),
    Column("prompt", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("duration_seconds", Float, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def add_pending(
    conn: Connection,
    *,
    user: int,
    card_key: str,
    question_id: str,
    role: str | None,
    prompt: str,
    answer: str,
    duration_seconds: float | None,
    at: datetime,
) -> int:
    result = conn.execute(
        pending_answers.insert().values(
            user_id=user,
            card_key=card_key,
            question_id=question_id,
            role=role,
            prompt=prompt,
            answer=answer,
            duration_seconds=duration_seconds,
            created_at=at,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def list_pending(conn: Connection, *, user: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        pending_answers.select()
        .where(pending_answers.c.user_id == user)
        .order_by(pending_answers.c.id)
    )
    return [dict(r._mapping) for r in rows]


def drop_pending(conn: Connection, pending_id: int, *, user: int) -> None:
    conn.execute(
        pending_answers.delete().where(
            pending_answers.c.id == pending_id, pending_answers.c.user_id == user
        )
    )


def user_id(conn: Connection, name: str = LOCAL_USER) -> int:
    uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
    if uid is None:
        raise LoopcoachError("no-user", f"no user '{name}' in the database")
    return int(uid)


# --- attempts -----------------------------------------------------------------------------


def add_attempt(conn: Connection, attempt: Attempt, *, user: int) -> bool:
    """Store an attempt; False (and nothing written) when its uuid is already stored."""
    exists = conn.execute(
        select(attempts.c.id).where(attempts.c.user_id == user, attempts.c.uuid == attempt.uuid)
    ).first()
    if exists:
        return False
    row = attempt.to_dict()
    row["created_at"] = as_utc(attempt.created_at)
    conn.execute(attempts.insert().values(user_id=user, **row))
    return True


def list_attempts(conn: Connection, *, user: int, role: str | None = None) -> list[Attempt]:
    q = select(attempts).where(attempts.c.user_id == user)
    if role:
        q = q.where(attempts.c.role == role)
    rows = conn.execute(q.order_by(attempts.c.created_at, attempts.c.id)).mappings()
    return [Attempt.from_dict(dict(r)) for r in rows]


# --- cards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCard:
    key: str
    kind: CardKind
    ref: str
    role: str | None
    title: str
    card: Card
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "ref": self.ref,
            "role": self.role,
            "title": self.title,
            "fsrs": card_to_dict(self.card),
            "updated_at": as_utc(self.updated_at).isoformat(),
        }


def _stored(row: Any) -> StoredCard:
    return StoredCard(
        key=row.key,
        kind=row.kind,
        ref=row.ref,
        role=row.role,
        title=row.title,
        card=card_from_dict(row.fsrs),
        updated_at=as_utc(row.updated_at),
    )


def list_cards(conn: Connection, *, user: int) -> dict[str, StoredCard]:
    rows = conn.execute(
        select(practice_cards)
        .where(practice_cards.c.user_id == user)
        .order_by(practice_cards.c.key)
    )
    return {r.key: _stored(r) for r in rows}


def get_card(conn: Connection, key: str, *, user: int) -> StoredCard | None:
    row = conn.execute(
        select(practice_cards).where(practice_cards.c.user_id == user, practice_cards.c.key == key)
    ).first()
    return _stored(row) if row else None


def save_card(
    conn: Connection,
    card: Card,
    *,
    user: int,
    key: str,
    role: str | None,
    title: str,
    now: datetime,
) -> None:
    kind, ref = split_key(key)
    values = {
        "kind": KINDS[kind],
        "ref": ref,
        "role": role,
        "title": title,
        "fsrs": card_to_dict(card),
        "due": as_utc(card.due),
        "last_review": as_utc(card.last_review) if card.last_review else None,
        "updated_at": as_utc(now),
    }
    insert = _dialect_insert(conn)
    if insert is not None:
        # one statement: two writers (threads or worker processes) saving a card that does not
        # exist yet both succeed, instead of the second failing on the unique key
        conn.execute(
            insert(practice_cards)
            .values(user_id=user, key=key, **values)
            .on_conflict_do_update(index_elements=["user_id", "key"], set_=values)
        )
        return
    done = conn.execute(
        practice_cards.update()
        .where(practice_cards.c.user_id == user, practice_cards.c.key == key)
        .values(**values)
    )
    if not done.rowcount:
        conn.execute(practice_cards.insert().values(user_id=user, key=key, **values))


def _dialect_insert(conn: Connection) -> Any:
    """The INSERT construct with ON CONFLICT of this database (SQLite, PostgreSQL), or None."""
    name = conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    return None


# --- review logs --------------------------------------------------------------------------


def add_review(conn: Connection, record: ReviewRecord, *, user: int) -> bool:
    exists = conn.execute(
        select(review_logs.c.id).where(
            review_logs.c.user_id == user, review_logs.c.uuid == record.uuid
        )
    ).first()
    if exists:
        return False
    row = record.to_dict()
    row["reviewed_at"] = as_utc(record.reviewed_at)
    conn.execute(review_logs.insert().values(user_id=user, **row))
    return True


def list_reviews(conn: Connection, *, user: int) -> list[ReviewRecord]:
    rows = conn.execute(
        select(review_logs)
        .where(review_logs.c.user_id == user)
        .order_by(review_logs.c.reviewed_at, review_logs.c.id)
    ).mappings()
    return [ReviewRecord.from_dict(dict(r)) for r in rows]


# --- stories (owned by the prep pack, when it is installed) --------------------------------

STORIES_MODULE = "loopcoach.store.stories"


def _stories_module() -> Any | None:
    if importlib.util.find_spec(STORIES_MODULE) is None:
        return None
    return importlib.import_module(STORIES_MODULE)


def read_stories(conn: Connection, *, user: int | None = None) -> list[Story]:
    """The user's STAR stories via `loopcoach.store.stories.list_stories(conn) -> list[dict]`;
    none when the prep pack is not there."""
    mod = _stories_module()
    fn = getattr(mod, "list_stories", None) if mod else None
    if fn is None:
        return []
    rows = fn(conn) if user is None else fn(conn, user=user)
    return [Story.from_dict(d) for d in rows if d.get("id")]


def read_pitch(conn: Connection, *, user: int | None = None) -> str | None:
    """The 45-second pitch via `loopcoach.store.stories.get_pitch(conn) -> str | None`."""
    mod = _stories_module()
    fn = getattr(mod, "get_pitch", None) if mod else None
    if fn is None:
        return None
    return fn(conn) if user is None else fn(conn, user=user)  # type: ignore[no-any-return]


# --- backup sections ----------------------------------------------------------------------


def _bad(section: str, i: int, exc: Exception) -> LoopcoachError:
    what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
    return LoopcoachError(
        "backup-invalid",
        f"backup section '{section}', row {i + 1}: {what}; the file is damaged or was edited",
    )


def _parsed(section: str, rows: list[Any], parse: Callable[[dict[str, Any]], Any]) -> list[Any]:
    out = []
    for i, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                raise ValueError("expected an object")
            out.append(parse(row))
        except (KeyError, ValueError, TypeError) as exc:
            raise _bad(section, i, exc) from None
    return out


def dump_attempts(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    return [a.to_dict() for a in list_attempts(conn, user=uid)]


def load_attempts(conn: Connection, rows: list[Any], user: int) -> int:
    return sum(
        add_attempt(conn, a, user=user) for a in _parsed("attempts", rows, Attempt.from_dict)
    )


def dump_cards(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    return [c.to_dict() for c in list_cards(conn, user=uid).values()]


def _card_row(d: dict[str, Any]) -> StoredCard:
    kind, ref = split_key(str(d["key"]))
    return StoredCard(
        key=str(d["key"]),
        kind=KINDS[kind],
        ref=ref,
        role=d.get("role"),
        title=str(d.get("title") or ""),
        card=card_from_dict(d["fsrs"]),
        updated_at=as_utc(d["updated_at"]),
    )


def load_cards(conn: Connection, rows: list[Any], user: int) -> int:
    """Merge cards: a card from the file replaces ours only when it was reviewed later."""
    changed = 0
    for c in _parsed("practice_cards", rows, _card_row):
        ours = get_card(conn, c.key, user=user)
        if ours is not None and _reviewed(ours.card) >= _reviewed(c.card):
            continue
        save_card(conn, c.card, user=user, key=c.key, role=c.role, title=c.title, now=c.updated_at)
        changed += 1
    return changed


def _reviewed(card: Card) -> datetime:
    return (
        as_utc(card.last_review)
        if card.last_review
        else datetime.min.replace(tzinfo=as_utc(card.due).tzinfo)
    )


def dump_reviews(conn: Connection, user: int | None = None) -> list[dict[str, Any]]:
    uid = user if user is not None else user_id(conn)
    return [r.to_dict() for r in list_reviews(conn, user=uid)]


def load_reviews(conn: Connection, rows: list[Any], user: int) -> int:
    return sum(
        add_review(conn, r, user=user) for r in _parsed("review_logs", rows, ReviewRecord.from_dict)
    )


def register_backup(register: Callable[..., None]) -> None:
    """Backup hook (store/backup.py): attempts first, then cards, then their review logs."""
    register("attempts", dump=dump_attempts, load=load_attempts)
    register("practice_cards", dump=dump_cards, load=load_cards)
    register("review_logs", dump=dump_reviews, load=load_reviews)
