"""The story bank in the store: drafts replaced on re-import, edits and added stories kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from loopcoach.prep.history import Entry
from loopcoach.prep.stories import StoryInput, draft_story, edit_story, new_story
from loopcoach.store import make_engine, upgrade
from loopcoach.store import stories as S

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
ENTRY = Entry(title="TPM", company="Acme", start="2020", end="Present")


@pytest.fixture
def engine(database_url: str) -> Engine:
    """A migrated database on this test's backend (SQLite; PostgreSQL too, tests/conftest.py)."""
    e = make_engine(database_url)
    upgrade(e)
    return e


def drafts(*texts: str):  # type: ignore[no-untyped-def]
    return [draft_story(i + 1, t, ENTRY) for i, t in enumerate(texts)]


def test_store_stories_reimport_keeps_edits_and_replaces_drafts(engine: Engine) -> None:
    with engine.begin() as conn:
        bank = S.replace_drafts(conn, drafts("Cut costs by 30% across 4 teams.",
                                             "Shipped the API to 3 partners."), now=T0)
    assert [s.origin for s in bank] == ["drafted", "drafted"]
    first = bank[0]
    with engine.begin() as conn:
        S.save_edit(conn, first, edit_story(first, StoryInput(task="Halve the bill."),
                                            now=T1.isoformat()), now=T1)
        added = S.add_story(conn, new_story(StoryInput(title="Mine"), now=T1.isoformat()), now=T1)
    with engine.begin() as conn:  # re-import: same first bullet, a new second one
        bank = S.replace_drafts(conn, drafts("Cut costs by 30% across 4 teams.",
                                             "Ran planning for 6 squads."), now=T1)
    by_title = {s.title: s for s in bank}
    assert by_title[first.title].task == "Halve the bill." and by_title[first.title].edited
    assert "Mine" in by_title and by_title["Mine"].id == added.id
    assert "Shipped the API to 3 partners" not in by_title
    assert any(s.title.startswith("Ran planning") for s in bank)
    assert len(bank) == 3


def test_store_stories_same_import_keeps_ids(engine: Engine) -> None:
    with engine.begin() as conn:
        a = S.replace_drafts(conn, drafts("Cut costs by 30%.", "Shipped X."), now=T0)
        b = S.replace_drafts(conn, drafts("Cut costs by 30%.", "Shipped X."), now=T1)
    assert [s.id for s in a] == [s.id for s in b]


def test_store_stories_versions_and_practice_view(engine: Engine) -> None:
    with engine.begin() as conn:
        [s] = S.replace_drafts(conn, drafts("Cut costs by 30%."), now=T0)
        S.save_edit(conn, s, edit_story(s, StoryInput(result="Saved $1M."), now="x"), now=T1)
    with engine.connect() as conn:
        history = S.versions(conn, s.id)
        listed = S.list_stories(conn)
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["result"] != history[1]["result"] == "Saved $1M."
    assert listed[0]["lengths"]["headline_30s"] and listed[0]["version"] == 2


def test_store_stories_backup_round_trip(
    engine: Engine, new_database: Callable[[str], str]
) -> None:
    with engine.begin() as conn:
        S.replace_drafts(conn, drafts("Cut costs by 30%.", "Shipped X."), now=T0)
        rows = S.dump_stories(conn)
        S.record_import(conn, source="cv.md", fmt="markdown", role="tpm", count=2,
                        pitch="I'm Jo.", now=T0)
        assert S.get_pitch(conn) == "I'm Jo."
    other = make_engine(new_database("other"))
    upgrade(other)
    with other.begin() as conn:
        assert S.load_stories(conn, rows) == 2
        assert S.load_stories(conn, rows) == 0  # idempotent
        assert [s.title for s in S.all_stories(conn)] == [r["title"] for r in rows]


def test_store_stories_unknown_id(engine: Engine) -> None:
    from loopcoach.errors import NotFound

    with engine.connect() as conn, pytest.raises(NotFound):
        S.get_story(conn, 99)
