"""Saved prep packs and the story bank travel in `loopcoach export json` and come back with
`loopcoach import`: ids, edits, edit history, themes per role, packs with their résumé."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from loopcoach import store
from loopcoach.errors import LoopcoachError
from loopcoach.prep.history import Entry
from loopcoach.prep.stories import StoryInput, draft_story, edit_story
from loopcoach.store import backup, make_engine
from loopcoach.store import stories as S

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
ENTRY = Entry(title="TPM", company="Acme", start="2020", end="Present")


def _engine(url: str) -> Engine:
    e = make_engine(url)
    store.upgrade(e)  # on SQLite a copy of one migrated file (tests/conftest.py)
    return e


def _fill(engine: Engine) -> tuple[int, int]:
    """A bank with an edited story, a deleted one (a gap in the ids), role themes and packs."""
    texts = ["Cut costs by 30% across 4 teams.", "Dropped X.", "Shipped the API to 3 partners."]
    with engine.begin() as conn:
        mine, _ = S.import_drafts(
            conn, [draft_story(i + 1, t, ENTRY) for i, t in enumerate(texts)], now=T0
        )
        S.delete_story(conn, mine[1].id)
        edited = edit_story(mine[2], StoryInput(task="Open the API by Q3."), now=T1.isoformat())
        S.save_edit(conn, mine[2], edited, now=T1)
        S.set_role_themes(conn, mine[0].id, "tpm", ["risk-management"], by_user=False, now=T0)
        S.set_role_themes(conn, mine[0].id, "tpo", ["prioritisation"], by_user=True, now=T1)
        S.record_import(
            conn, source="cv.md", fmt="markdown", role="tpm", count=3, pitch="I'm Jo.", now=T0
        )
        first = S.save_pack(
            conn,
            role="tpm",
            source="cv.md",
            fmt="markdown",
            data="# Jo\n- Cut costs – naïve\n".encode(),
            story_keys=[s.key for s in mine],
            pack={"stories": [{"id": mine[0].id}], "text": "naïve – ok"},
            now=T0,
        )
        second = S.save_pack(
            conn,
            role="tpm",
            source="cv.md",
            fmt="markdown",
            data=b"# Jo\n- Cut costs\n",
            story_keys=[],
            pack={"stories": []},
            now=T1,
            rebuilt_from=first,
        )
    return first, second


def _state(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        bank = S.all_stories(conn)
        return (
            bank,
            [S.versions(conn, s.id) for s in bank],
            S.list_packs(conn),
            [S.get_pack(conn, p["id"]) for p in S.list_packs(conn)],
            S.get_pitch(conn),
        )


def test_backup_prep_round_trip_keeps_ids_edits_packs(
    new_database: Callable[[str], str],
) -> None:
    here = _engine(new_database("here"))
    first, second = _fill(here)
    data = json.loads(json.dumps(backup.dump(here, now=T1)))  # through JSON text
    assert {"stories", "prep_packs", "prep_imports"} <= set(data["sections"])
    there = _engine(new_database("there"))
    counts = backup.load(there, data)
    assert counts["stories"] == 2 and counts["prep_packs"] == 2 and counts["prep_imports"] == 1
    assert _state(there) == _state(here)  # same ids, text, history, themes, packs, pitch
    with there.connect() as conn:
        assert S.get_pack(conn, second)["rebuilt_from"] == first
        [tpm_tagged, mine] = S.all_stories(conn)
        assert tpm_tagged.themes_for("tpo") == ("prioritisation",)
        assert [v["version"] for v in S.versions(conn, mine.id)] == [1, 2]
    # the tpo themes were the user's: tagging may not overwrite them after the move
    with there.begin() as conn:
        assert not S.set_role_themes(conn, tpm_tagged.id, "tpo", ["x"], by_user=False, now=T1)
    # importing the same file again changes nothing; new rows after it get fresh ids
    assert sum(backup.load(there, data).values()) == 0
    with there.begin() as conn:
        [added], _ = S.import_drafts(conn, [draft_story(1, "Hired 4 engineers.", ENTRY)], now=T1)
        assert added.id > max(s.id for s in S.all_stories(conn) if s.id != added.id)


def test_backup_prep_merge_into_a_used_bank_gives_new_ids(
    new_database: Callable[[str], str],
) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    there = _engine(new_database("there"))
    _fill(there)  # same ids taken by other rows (other uuids, same résumé lines, same packs)
    with there.begin() as conn:
        edited = S.all_stories(conn)[1]
        S.save_edit(
            conn, edited, edit_story(edited, StoryInput(task="Other words."), now="x"), now=T1
        )
        S.save_pack(
            conn,
            role="tpo",
            source="other.md",
            fmt="markdown",
            data=b"x",
            story_keys=[],
            pack={"stories": []},
            now=T1,
        )
    before = _state(there)
    counts = backup.load(there, data)
    # the untouched draft is the same story; the story edited differently on each side is kept
    # twice (nothing the user wrote is lost), under a new id
    assert counts["stories"] == 1
    assert counts["prep_packs"] == 0 and counts["prep_imports"] == 0  # the same packs
    with there.connect() as conn:
        bank = S.all_stories(conn)
    assert [s.task for s in bank[1:]] == ["Other words.", "Open the API by Q3."]
    assert bank[2].id > bank[1].id and bank[:2] == before[0]
    assert _state(there)[2] == before[2]
    assert sum(backup.load(there, data).values()) == 0


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("input_base64", "not base64!", "prep_packs', row 1"),
        ("input_sha256", "0" * 64, "checksum"),
        ("pack", "[]", "'pack' is not an object"),
        ("created_at", "yesterday", "prep_packs', row 1"),
    ],
)
def test_backup_prep_damaged_pack_changes_nothing(
    new_database: Callable[[str], str], field: str, value: str, says: str
) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    data["sections"]["prep_packs"][0][field] = value
    there = _engine(new_database("there"))
    with pytest.raises(LoopcoachError) as err:
        backup.load(there, data)
    assert says in str(err.value) and "\n" not in str(err.value)
    with there.connect() as conn:  # one transaction: the stories section was rolled back
        assert S.all_stories(conn) == [] and S.list_packs(conn) == []


def test_backup_prep_oversized_pack_input_is_refused(new_database: Callable[[str], str]) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    big = base64.b64encode(b"x" * (S.MAX_PACK_INPUT + 10)).decode()
    data["sections"]["prep_packs"][0]["input_base64"] = big
    with pytest.raises(LoopcoachError, match="over 10 MB"):
        backup.load(_engine(new_database("there")), data)


def test_backup_prep_damaged_story_versions(new_database: Callable[[str], str]) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    data["sections"]["stories"][1]["versions"] = [{"version": "two"}]
    with pytest.raises(LoopcoachError, match="section 'stories', row 2"):
        backup.load(_engine(new_database("there")), data)


def test_backup_prep_unknown_story_origin_is_refused(new_database: Callable[[str], str]) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    data["sections"]["stories"][0]["origin"] = "imported"  # not drafted or user
    with pytest.raises(LoopcoachError, match="'stories', row 1: origin: 'imported' is not one of"):
        backup.load(_engine(new_database("there")), data)


def test_backup_prep_older_backup_without_packs_loads(new_database: Callable[[str], str]) -> None:
    here = _engine(new_database("here"))
    _fill(here)
    data = backup.dump(here, now=T1)
    for row in data["sections"]["stories"]:  # a backup written before this change
        del row["id"], row["versions"], row["themes_by_user"]
    del data["sections"]["prep_packs"], data["sections"]["prep_imports"]
    there = _engine(new_database("there"))
    counts = backup.load(there, data)
    assert counts["stories"] == 2 and "prep_packs" not in counts
    with there.connect() as conn:
        assert [s.title for s in S.all_stories(conn)] == [
            r["title"] for r in data["sections"]["stories"]
        ]


def test_backup_prep_cli_export_then_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.test_cli_prep import run, run_json
    from tests.prep.resumes import RESUMES

    built = run_json(capsys, "prep", "--history", str(RESUMES / "tpm.md"), "--role", "tpm")
    sid = built["stories"][0]["id"]
    code, _, err = run(capsys, "stories", "edit", str(sid), "--task", "Land it by June.")
    assert code == 0, err
    out = tmp_path / "backup.json"
    assert run_json(capsys, "export", "json", "-o", str(out))["sections"]["prep_packs"] == 1
    bank = run_json(capsys, "stories", "list")
    monkeypatch.setenv("LOOPCOACH_DATA_DIR", str(tmp_path / "new-machine"))
    assert run_json(capsys, "stories", "list") == []
    added = run_json(capsys, "import", str(out))["added"]
    assert added["prep_packs"] == 1 and added["stories"] == len(bank)
    assert run_json(capsys, "stories", "list") == bank
    reopened = run_json(capsys, "prep", "--open", str(built["pack_id"]))
    assert reopened == built
