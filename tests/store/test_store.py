"""The store: SQLite file in the data directory, WAL, migrations that run once and safely."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError
from loopcoach.store import make_engine, upgrade
from loopcoach.store.migrate import current_revisions, head_revisions


def test_store_default_database_lives_in_data_dir(isolated_env: Path) -> None:
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{isolated_env / 'loopcoach.db'}"


def test_store_env_overrides_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", url)
    assert Settings.from_env().database_url == url


def test_store_upgrade_creates_schema_with_wal(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "dir" / "lc.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    assert db.exists()
    assert current_revisions(engine) == head_revisions(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["local"]
    upgrade(engine)  # second run is a no-op and keeps the data
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_store_upgrade_twice_keeps_the_data(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
    upgrade(engine)  # a no-op
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["local"]
    engine.dispose()


@pytest.mark.slow  # four real processes migrating at once
def test_store_concurrent_first_start_is_safe(database_url: str) -> None:
    code = (
        "import sys; from loopcoach.store import make_engine, upgrade; "
        "upgrade(make_engine(sys.argv[1]))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, database_url], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
    engine.dispose()


def test_store_bad_url_is_a_clear_error() -> None:
    with pytest.raises(LoopcoachError) as info:
        make_engine("not a url at all")
    assert "LOOPCOACH_DATABASE_URL" in str(info.value)


def test_store_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LoopcoachError) as info:
        make_engine(f"sqlite:///{blocker / 'sub' / 'lc.db'}")
    assert "cannot create the data directory" in str(info.value)


def test_store_postgresql_urls_use_psycopg_3() -> None:
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql://lc:secret@localhost:5432/loopcoach")  # never connects
    assert engine.url.drivername == "postgresql+psycopg"


def test_store_missing_database_driver_is_a_clear_error() -> None:
    with pytest.raises(LoopcoachError) as info:
        make_engine("mysql+mysqldb://lc:secret@localhost/loopcoach")  # MySQLdb is not installed
    assert info.value.code == "database-driver" and "secret" not in str(info.value)
