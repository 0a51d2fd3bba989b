"""Engine creation: SQLite file by default (WAL, busy timeout, foreign keys), or any URL.

PostgreSQL gets a connection pool per process (`pool_size` kept open, up to `max_overflow` more
at busy moments, each checked before use so a connection the server dropped is replaced, not
reported as an error). `loopcoach serve --workers N` makes N processes, so the server sees up to
N x (pool_size + max_overflow) connections (docs/hosting.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from loopcoach.errors import LoopcoachError

BUSY_TIMEOUT_MS = 10_000
POOL_SIZE = 8  # a worker process computes at most 4 requests at once (web.app.WORKER_THREADS)
MAX_OVERFLOW = 4  # the warm-up, the CLI and a burst of quick reads on top
POOL_TIMEOUT_S = 30


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(
    url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW
) -> Engine:
    """Create an engine; for SQLite files, create the directory and set safe pragmas; for
    PostgreSQL, a pool of `pool_size` connections plus up to `max_overflow` more."""
    try:
        parsed = make_url(url)
    except Exception:
        raise LoopcoachError(
            "bad-database-url",
            f"LOOPCOACH_DATABASE_URL is not a database URL: {url!r} "
            "(expected e.g. sqlite:////path/loopcoach.db or postgresql+psycopg://...)",
        ) from None
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LoopcoachError(
                "data-dir",
                f"cannot create the data directory {path.parent}: {exc.strerror}; "
                "set LOOPCOACH_DATABASE_URL or LOOPCOACH_DATA_DIR to a writable place",
            ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    if parsed.drivername == "postgresql":
        # SQLAlchemy defaults to psycopg2; the `postgres` extra installs psycopg 3
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        kwargs.update(
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=POOL_TIMEOUT_S,
            pool_pre_ping=True,
        )
    if path is not None and read_only(path):
        # A WAL database cannot even be read from a directory where its -shm file cannot be
        # made; opened immutable, read-only commands work and any write fails with a message.
        target = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
        kwargs["creator"] = lambda: sqlite3.connect(
            target, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    try:
        engine = create_engine(parsed, **kwargs)
    except ImportError as exc:  # the database's driver is not installed
        hint = (
            "pip install 'loopcoach[postgres]'"
            if parsed.get_backend_name() == "postgresql"
            else f"install the {parsed.drivername} driver"
        )
        raise LoopcoachError(
            "database-driver",
            f"LOOPCOACH_DATABASE_URL needs the Python driver for {parsed.drivername}, which is "
            f"not installed ({exc.name or exc}): {hint}",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def read_only(path: Path) -> bool:
    """An existing SQLite file in a directory this process cannot write to, with no unsaved
    write-ahead log beside it."""
    wal = path.with_name(path.name + "-wal")
    has_log = wal.exists() and wal.stat().st_size > 0
    return path.is_file() and not os.access(path.parent, os.W_OK) and not has_log


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    with contextlib.suppress(sqlite3.OperationalError):  # a read-only file keeps its mode
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()
