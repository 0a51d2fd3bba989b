"""Shared fixtures: every test gets its own data directory and database under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's real data directory or packs."""
    data = tmp_path / "data"
    monkeypatch.setenv("LOOPCOACH_DATA_DIR", str(data))
    monkeypatch.delenv("LOOPCOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("LOOPCOACH_PACKS", raising=False)
    return data


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the tiny test pack."""
    import shutil

    dest = tmp_path / "packs" / "mini"
    shutil.copytree(FIXTURES / "packs" / "mini", dest)
    return dest
