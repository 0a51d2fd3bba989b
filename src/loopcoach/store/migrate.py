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
        with open(lock_path, "w") as fh:
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


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op when it is already there."""
    with _migration_lock(engine):
        if current_revisions(engine) == head_revisions(engine):
            return
        command.upgrade(alembic_config(engine), "heads")
