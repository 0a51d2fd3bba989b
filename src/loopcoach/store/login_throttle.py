"""Failed sign-ins per client address for hosted mode's login limit (migration 0009, on the
"rate_limits" branch): one row per address and window, counted up by a single upsert so every
worker process sees the same count. An address is a text key (an IPv4 address, or an IPv6 /64
network), never a user: the rows are not anyone's data."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, Integer, String, Table, delete, select

from loopcoach.store.tables import metadata

MAX_ADDRESS = 64

login_failures = Table(
    "login_failures",
    metadata,
    Column("address", String(MAX_ADDRESS), primary_key=True),
    Column("period", BigInteger, primary_key=True),  # whole windows since the Unix epoch
    Column("used", Integer, nullable=False),
)


def failures(conn: Connection, address: str, window: int) -> int:
    """The failed sign-ins from `address` counted in `window` (0 when none)."""
    found = conn.execute(
        select(login_failures.c.used).where(
            login_failures.c.address == address, login_failures.c.period == window
        )
    ).scalar()
    return int(found or 0)


def count_failure(conn: Connection, address: str, window: int) -> int:
    """Add one failed sign-in from `address` to `window`'s count (one INSERT ... ON CONFLICT DO
    UPDATE, atomic on SQLite and PostgreSQL) and return the new count; every address's rows of
    earlier windows are deleted (the table holds the current window only)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(login_failures).values(address=address, period=window, used=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[login_failures.c.address, login_failures.c.period],
        set_={"used": login_failures.c.used + 1},
    ).returning(login_failures.c.used)
    used = int(conn.execute(stmt).scalar_one())
    conn.execute(delete(login_failures).where(login_failures.c.period < window))
    return used
