"""Run Alembic migrations programmatically, safely when several processes start at once."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from loopcoach.errors import LoopcoachError
from loopcoach.store.engine import sqlite_path

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    path = sqlite_path(str(engine.url))
    if path is not None:
        lock_path = path.with_name(path.name + ".migrate.lock")
        try:
            fh = open(lock_path, "a")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise LoopcoachError(
                "read-only",
                f"the database at {path} needs creating or upgrading, but {path.parent} is not "
                f"writable ({exc.strerror}); make it writable once, or set LOOPCOACH_DATA_DIR "
                "to a writable place",
            ) from None
        with fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(727071)"))
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(727071)"))
    else:
        yield


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions(engine: Engine) -> set[str]:
    """Each feature's tables are a branch from the base revision, so there may be several heads."""
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def _up_to_date(engine: Engine) -> bool:
    path = sqlite_path(str(engine.url))
    if path is not None and not path.exists():
        return False  # do not let the check create an empty file
    try:
        return current_revisions(engine) == head_revisions(engine)
    except OperationalError:
        return False  # e.g. a database file that cannot be read yet; the locked path reports it


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op when it is already there.

    The check runs before the lock too, so a database that is up to date opens in a read-only
    data directory (the lock file is only written when there is something to migrate)."""
    if _up_to_date(engine):
        return
    with _migration_lock(engine):
        if current_revisions(engine) == head_revisions(engine):
            return
        command.upgrade(alembic_config(engine), "heads")
