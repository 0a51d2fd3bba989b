"""The story bank in the store: imports add and refresh by content key, never delete; ids are
stable; themes kept per role; packs saved with their inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from loopcoach.prep.history import Entry
from loopcoach.prep.stories import StoryInput, draft_story, edit_story, new_story
from loopcoach.store import make_engine, upgrade
from loopcoach.store import stories as S

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
NO_REWORDING = {"reworded": 0, "reworded_kept_edits": 0}
ENTRY = Entry(title="TPM", company="Acme", start="2020", end="Present")


@pytest.fixture
def engine(database_url: str) -> Engine:
    """A migrated database on this test's backend (SQLite; PostgreSQL too, tests/conftest.py)."""
    e = make_engine(database_url)
    upgrade(e)
    return e


def drafts(*texts: str):  # type: ignore[no-untyped-def]
    return [draft_story(i + 1, t, ENTRY) for i, t in enumerate(texts)]


def bank(conn, texts, now=T0):  # type: ignore[no-untyped-def]
    return S.import_drafts(conn, drafts(*texts), now=now)


def test_store_stories_reimport_keeps_edits_ids_and_never_deletes(engine: Engine) -> None:
    with engine.begin() as conn:
        mine, counts = bank(
            conn, ["Cut costs by 30% across 4 teams.", "Shipped the API to 3 partners."]
        )
    assert counts == {"added": 2, "refreshed": 0, "unchanged": 0, "kept_edits": 0, **NO_REWORDING}
    first = mine[0]
    with engine.begin() as conn:
        S.save_edit(
            conn,
            first,
            edit_story(first, StoryInput(task="Halve the bill."), now=T1.isoformat()),
            now=T1,
        )
        added = S.add_story(conn, new_story(StoryInput(title="Mine"), now=T1.isoformat()), now=T1)
    with engine.begin() as conn:  # a second résumé: same first bullet, a new second one
        mine2, counts = bank(
            conn, ["Cut costs by 30% across 4 teams.", "Ran planning for 6 squads."], now=T1
        )
        everything = S.all_stories(conn)
    assert counts["kept_edits"] == 1 and counts["added"] == 1
    assert mine2[0].id == first.id and mine2[0].task == "Halve the bill." and mine2[0].edited
    by_title = {s.title: s for s in everything}
    assert by_title["Mine"].id == added.id
    assert "Shipped the API to 3 partners" in by_title  # never deleted by an import
    assert len(everything) == 4


def test_store_stories_same_import_changes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        a, _ = bank(conn, ["Cut costs by 30%.", "Shipped X to 3 partners."])
        before = S.all_stories(conn)
        b, counts = bank(conn, ["Cut costs by 30%.", "Shipped X to 3 partners."], now=T1)
        after = S.all_stories(conn)
    assert [s.id for s in a] == [s.id for s in b]
    assert before == after
    assert counts == {"added": 0, "refreshed": 0, "unchanged": 2, "kept_edits": 0, **NO_REWORDING}


def test_store_stories_themes_per_role(engine: Engine) -> None:
    with engine.begin() as conn:
        [s], _ = bank(conn, ["Cut costs by 30%."])
        S.set_role_themes(conn, s.id, "tpm", ["risk-management"], by_user=False, now=T0)
        S.set_role_themes(conn, s.id, "tpo", ["prioritisation"], by_user=False, now=T0)
        S.set_role_themes(conn, s.id, "tpm", ["influence"], by_user=True, now=T1)
        assert not S.set_role_themes(conn, s.id, "tpm", ["metrics"], by_user=False, now=T1)
        got = S.get_story(conn, s.id)
    assert got.themes_for("tpm") == ("influence",)
    assert got.themes_for("tpo") == ("prioritisation",)


def test_store_stories_saved_pack_reopens_identical(engine: Engine) -> None:
    pack = {"stories": [{"id": 1, "title": "x"}], "score": 0.5, "text": "naïve – ok"}
    with engine.begin() as conn:
        pid = S.save_pack(
            conn,
            role="tpm",
            source="cv.md",
            fmt="markdown",
            data=b"# cv",
            story_keys=["k"],
            pack=pack,
            now=T0,
        )
        again = S.get_pack(conn, pid)
        listed = S.list_packs(conn)
    assert again["pack"] == pack and pack["pack_id"] == pid
    assert again["input"] == b"# cv" and again["source"] == "cv.md"
    assert listed[0]["id"] == pid


def test_store_stories_versions_and_practice_view(engine: Engine) -> None:
    with engine.begin() as conn:
        [s], _ = S.import_drafts(conn, drafts("Cut costs by 30%."), now=T0)
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
        S.import_drafts(conn, drafts("Cut costs by 30%.", "Shipped X."), now=T0)
        rows = S.dump_stories(conn)
        S.record_import(
            conn, source="cv.md", fmt="markdown", role="tpm", count=2, pitch="I'm Jo.", now=T0
        )
        assert S.get_pitch(conn) == "I'm Jo."
    other = make_engine(new_database("other"))
    upgrade(other)
    with other.begin() as conn:
        assert S.load_stories(conn, rows, S.user_id(conn)) == 2
        assert S.load_stories(conn, rows, S.user_id(conn)) == 0  # idempotent
        assert [s.title for s in S.all_stories(conn)] == [r["title"] for r in rows]


def test_store_stories_unknown_id(engine: Engine) -> None:
    from loopcoach.errors import NotFound

    with engine.connect() as conn, pytest.raises(NotFound):
        S.get_story(conn, 99)


def test_store_stories_migration_keeps_existing_data(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from loopcoach.store.migrate import alembic_config

    e = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(e), "0003")  # the bank as it was before 0006
    with e.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO stories (id, uuid, user_id, draft_key, origin, edited, title, "
                "situation, task, action, result, themes, source, context, version, created_at, "
                "updated_at) VALUES (7, 'u-7', (SELECT id FROM users WHERE name = 'local'), 'k7', "
                "'drafted', 1, "
                "'Cut costs', '', '', 'I cut costs.', "
                "'Costs fell 30%.', '[\"risk-management\"]', 'Cut costs by 30%.', '', 2, :t, :t)"
            ),
            {"t": T0},
        )
        conn.execute(
            text(
                "INSERT INTO prep_imports (user_id, source, format, role, stories, pitch, "
                "created_at) VALUES ((SELECT id FROM users WHERE name = 'local'), 'cv.md', "
                "'markdown', 'tpm', 1, 'I am Jo.', :t)"
            ),
            {"t": T0},
        )
    upgrade(e)
    with e.connect() as conn:
        [s] = S.all_stories(conn)
        assert S.get_pitch(conn) == "I am Jo."
    assert (s.id, s.title, s.result, s.version, s.edited) == (
        7,
        "Cut costs",
        "Costs fell 30%.",
        2,
        True,
    )
    assert s.themes == () and s.themes_for("tpm") == ("risk-management",)


def test_store_stories_reworded_bullet_updates_its_story(engine: Engine) -> None:
    old = [
        "Cut cloud costs by 30% across 4 teams by rightsizing clusters.",
        "Shipped the partner API to 3 partners two weeks early.",
        "Hired and onboarded 5 engineers in one quarter.",
    ]
    with engine.begin() as conn:
        first, _ = bank(conn, old)
        # the user edits the hiring story; the API story stays an untouched draft
        hire = first[2]
        S.save_edit(
            conn, hire, edit_story(hire, StoryInput(task="Double the team."), now="x"), now=T1
        )
    new = [
        "Reduced cloud spend 34% across five teams through cluster rightsizing.",
        "Shipped the partner API to 3 partners two weeks early.",
        "Hired and onboarded 6 engineers within a single quarter.",
        "Ran the move of our billing provider for 1.2M subscriptions with no outage.",
    ]
    with engine.begin() as conn:
        second, counts = bank(conn, new, now=T1)
        everything = S.all_stories(conn)
    assert counts == {
        "added": 1,
        "refreshed": 0,
        "unchanged": 1,
        "kept_edits": 0,
        "reworded": 1,
        "reworded_kept_edits": 1,
    }
    assert [s.id for s in second[:3]] == [s.id for s in first]  # same ids, no duplicates
    assert len(everything) == 4
    cost = second[0]
    assert "34%" in cost.result + cost.action and cost.source == new[0] and cost.draft
    hired = second[2]
    assert hired.task == "Double the team." and hired.edited  # the user's words kept
    assert hired.source == new[2]  # it knows its new résumé line
    with engine.begin() as conn:  # importing the reworded résumé again changes nothing
        _, again = bank(conn, new, now=T1)
    assert again["added"] == again["reworded"] == again["reworded_kept_edits"] == 0


def test_store_stories_new_bullet_in_the_same_job_is_a_new_story(engine: Engine) -> None:
    with engine.begin() as conn:
        bank(conn, ["Cut cloud costs by 30% across 4 teams by rightsizing clusters."])
        _, counts = bank(
            conn,
            [
                "Cut cloud costs by 30% across 4 teams by rightsizing clusters.",
                "Cut release lead time from 3 days to 4 hours across 4 teams.",
            ],
            now=T1,
        )
        assert counts["added"] == 1 and counts["unchanged"] == 1
        # a reworded line of another employer is another story
        other = draft_story(
            9,
            "Cut cloud costs by 31% across 4 teams by rightsizing clusters.",
            Entry(title="TPM", company="Brightwave"),
        )
        _, counts = S.import_drafts(conn, [other], now=T1)
        assert counts["added"] == 1 and counts["reworded"] == 0
        assert len(S.all_stories(conn)) == 3


def test_store_stories_practice_reads_the_bank_as_the_one_story_type(engine: Engine) -> None:
    """Practice gets the bank's own `Story` values (through the optional-module hook), with the
    three lengths prep wrote."""
    from loopcoach.prep.stories import story_lengths
    from loopcoach.store import practice as P

    with engine.begin() as conn:
        [s, _], _ = S.import_drafts(conn, drafts("Cut costs by 30%.", "Shipped X."), now=T0)
        S.save_edit(conn, s, edit_story(s, StoryInput(result="Saved $1M."), now="x"), now=T1)
    with engine.connect() as conn:
        bank = S.all_stories(conn)
        read = P.read_stories(conn)
    # the same stories but for the content key, which the story JSON does not carry
    assert read == [replace(b, key="") for b in bank] and all(b.key for b in bank)
    assert [r.lengths for r in read] == [story_lengths(b) for b in bank]
    assert read[0].result == "Saved $1M." and "Saved $1M." in read[0].lengths.headline
