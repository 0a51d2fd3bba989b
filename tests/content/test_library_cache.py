"""The pack library is cached between runs and rebuilt whenever a pack file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loopcoach.content.cached import PREFIX, _fingerprint, cached_library
from loopcoach.content.library import load_library
from loopcoach.errors import PackError


def test_library_cache_is_reused_and_equal(tmp_path: Path) -> None:
    first = cached_library((), tmp_path)
    stored = list(tmp_path.glob(f"{PREFIX}*.pickle"))
    assert len(stored) == 1
    again = cached_library((), tmp_path)
    assert again is not first
    assert sorted(again.roles) == sorted(load_library().roles)
    assert again.role("tpm").questions == first.role("tpm").questions


def test_library_cache_follows_pack_edits(tmp_path: Path) -> None:
    packs = tmp_path / "mine" / "extra"
    packs.mkdir(parents=True)
    pack = packs / "role.yaml"
    pack.write_text("id: extra\n", encoding="utf-8")
    before = _fingerprint((tmp_path / "mine",))
    assert before == _fingerprint((tmp_path / "mine",))
    pack.write_text("id: extra2\n", encoding="utf-8")
    os.utime(pack, ns=(1, 1))
    assert _fingerprint((tmp_path / "mine",)) != before
    (packs / "more.yml").write_text("x: 1\n", encoding="utf-8")
    assert _fingerprint((tmp_path / "mine",)) not in (before, None)
    assert _fingerprint(()) != before


def test_library_cache_broken_pack_is_still_an_error(tmp_path: Path) -> None:
    packs = tmp_path / "mine" / "broken"
    packs.mkdir(parents=True)
    (packs / "role.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PackError):
        cached_library((tmp_path / "mine",), tmp_path / "cache")
    assert not list((tmp_path / "cache").glob(f"{PREFIX}*.pickle"))


def test_library_cache_unwritable_directory_still_loads(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert cached_library((), blocker / "cache").roles


def test_library_cache_corrupt_file_is_rebuilt(tmp_path: Path) -> None:
    cached_library((), tmp_path)
    stored = next(tmp_path.glob(f"{PREFIX}*.pickle"))
    stored.write_bytes(b"garbage")
    assert cached_library((), tmp_path).roles
    assert stored.read_bytes() != b"garbage"
