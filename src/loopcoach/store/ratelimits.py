"""Per-user request counts for hosted mode's rate limits (migration 0008, the "rate_limits"
branch): one row per user, kind of request and minute, counted up by a single upsert so every
worker process sees the same count."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
)

from loopcoach.store.tables import metadata

rate_counts = Table(
    "rate_counts",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # analysis | upload
    Column("minute", BigInteger, primary_key=True),  # whole minutes since the Unix epoch
    Column("used", Integer, nullable=False),
)


def count_one(conn: Connection, uid: int, kind: str, minute: int) -> int:
    """Add one request of `kind` to user `uid`'s count for `minute` (one INSERT ... ON
    CONFLICT DO UPDATE, atomic on SQLite and PostgreSQL) and return the new count; earlier
    minutes' rows of that user and kind are deleted."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(rate_counts).values(user_id=uid, kind=kind, minute=minute, used=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[rate_counts.c.user_id, rate_counts.c.kind, rate_counts.c.minute],
        set_={"used": rate_counts.c.used + 1},
    ).returning(rate_counts.c.used)
    used = int(conn.execute(stmt).scalar_one())
    conn.execute(
        delete(rate_counts).where(
            rate_counts.c.user_id == uid, rate_counts.c.kind == kind, rate_counts.c.minute < minute
        )
    )
    return used
