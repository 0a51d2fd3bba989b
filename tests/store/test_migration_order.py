"""Migration order: each feature's schema is a branch, and `upgrade heads` may run the branches
in any order alembic picks. So every revision must run on a fresh database with nothing but its
own ancestors (what it revises, and what it `depends_on`) applied before it, and every foreign
key it makes must point at a table those ancestors made. On PostgreSQL a key to a missing table
fails the upgrade; SQLite accepts it silently, so the test also reads the keys back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from loopcoach.store import make_engine
from loopcoach.store.migrate import MIGRATIONS, alembic_config, current_revisions, head_revisions


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


REVISIONS = sorted(rev.revision for rev in _script().walk_revisions())


def _dangling_keys(engine: Engine) -> list[str]:
    """Foreign keys whose table does not exist: `table.columns -> missing_table`."""
    found = inspect(engine)
    tables = set(found.get_table_names())
    return [
        f"{table}.{','.join(fk['constrained_columns'])} -> {fk['referred_table']}"
        for table in sorted(tables)
        for fk in found.get_foreign_keys(table)
        if fk["referred_table"] not in tables
    ]


def test_every_revision_is_listed() -> None:
    # the parametrised test below covers each of these; a new file joins it by itself
    assert len(REVISIONS) >= 9
    assert {"0001", "0007_accounts", "0008_rate_limits", "0009_login_throttle"} <= set(REVISIONS)


@pytest.mark.parametrize("revision", REVISIONS)
def test_revision_needs_only_its_ancestors(
    revision: str, new_database: Callable[[str], str]
) -> None:
    engine = make_engine(new_database("order"))
    try:
        command.upgrade(alembic_config(engine), revision)  # this revision and its ancestors only
        applied = {rev.revision for rev in _script().iterate_revisions(revision, "base")}
        assert revision in applied
        assert current_revisions(engine) <= applied
        assert _dangling_keys(engine) == []
    finally:
        engine.dispose()


def test_dangling_key_check_can_fail(tmp_path: Path) -> None:
    """The check above sees a key to a table no ancestor made (SQLite lets one be created)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'dangling.db'}")
    try:
        command.upgrade(alembic_config(engine), "0001")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (c INTEGER REFERENCES cohorts (id))"))
        assert _dangling_keys(engine) == ["t.c -> cohorts"]
    finally:
        engine.dispose()


def test_all_heads_up_then_down_to_base_and_up_again(new_database: Callable[[str], str]) -> None:
    engine = make_engine(new_database("cycle"))
    cfg = alembic_config(engine)
    try:
        command.upgrade(cfg, "heads")
        assert current_revisions(engine) == head_revisions(engine)
        assert _dangling_keys(engine) == []
        command.downgrade(cfg, "base")
        assert current_revisions(engine) == set()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "heads")
        assert current_revisions(engine) == head_revisions(engine)
    finally:
        engine.dispose()
