"""JSON backup: export -> import loses nothing, importing twice adds nothing, bad files change
nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError
from loopcoach.store import backup

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINE = ("attempts", "practice_cards", "review_logs")  # other features may add sections
MakeCoach = Callable[[str], Coach]


@pytest.fixture
def make_coach(tmp_path: Path, new_database: Callable[[str], str]) -> MakeCoach:
    """`make_coach(name)`: a Coach on a fresh database of this test's backend."""

    def make(name: str) -> Coach:
        return Coach(
            Settings.from_env(
                {
                    "LOOPCOACH_DATA_DIR": str(tmp_path / name),
                    "LOOPCOACH_DATABASE_URL": new_database(name),
                }
            )
        )

    return make


@pytest.fixture
def source(make_coach: MakeCoach, analysis_of: Any, with_stories: Any) -> Coach:
    coach = make_coach("source")
    for i, (qid, score) in enumerate(
        [("tpm-slip-three-weeks", 45), ("tpm-why-tpm", 80), ("tpm-slip-three-weeks", 70)]
    ):
        coach.attempts.record(
            analysis_of(qid, score),
            source="mock" if i == 1 else "practice",
            session_id="s-1" if i == 1 else None,
            at=T0 + timedelta(days=i),
            answer=f"answer {i}",
        )
    entry = coach.practice.entry_for("s:1", now=T0)
    coach.practice.tell_story(entry, Rating.Good, length="2min", now=T0)
    return coach


def sections(coach: Coach) -> dict[str, Any]:
    data = backup.dump(coach.engine, now=T0)
    return data["sections"]


def test_practice_backup_round_trip_loses_nothing(
    make_coach: MakeCoach, source: Coach, tmp_path: Path
) -> None:
    path = tmp_path / "backup.json"
    counts = source.exports.export_json(path, now=T0)
    assert {k: counts[k] for k in MINE} == {"attempts": 3, "practice_cards": 3, "review_logs": 4}
    data = json.loads(path.read_text())
    assert data["format"] == "loopcoach-backup" and data["version"] == 1
    target = make_coach("target")
    first = target.exports.import_json(path)
    assert {k: first[k] for k in MINE} == {k: counts[k] for k in MINE}
    assert sections(target) == sections(source)
    again = target.exports.import_json(path)
    assert {k: again[k] for k in MINE} == {k: 0 for k in MINE}  # twice: nothing new
    assert sections(target) == sections(source)
    attempts = sections(target)["attempts"]
    assert [a["answer"] for a in attempts] == ["answer 0", "answer 1", "answer 2"]
    assert attempts[1]["session_id"] == "s-1" and attempts[1]["source"] == "mock"


def test_practice_backup_merges_and_keeps_the_newer_card(
    make_coach: MakeCoach, source: Coach, tmp_path: Path, analysis_of: Any
) -> None:
    path = tmp_path / "backup.json"
    source.exports.export_json(path, now=T0)
    target = make_coach("target")
    target.exports.import_json(path)
    later = T0 + timedelta(days=20)
    target.attempts.record(analysis_of("tpm-slip-three-weeks", 90), at=later)
    target.exports.import_json(path)  # the older card in the file must not win
    card = next(
        c for c in sections(target)["practice_cards"] if c["key"] == "q:tpm-slip-three-weeks"
    )
    assert card["fsrs"]["last_review"] == later.isoformat()
    assert len(sections(target)["attempts"]) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "damaged or not JSON"),
        (json.dumps([1, 2]), "not a loopcoach backup"),
        (
            json.dumps({"format": "loopcoach-backup", "version": 2, "sections": {}}),
            "newer loopcoach",
        ),
        (
            json.dumps({"format": "loopcoach-backup", "version": 1, "sections": {"holograms": []}}),
            "holograms",
        ),
        (
            json.dumps({"format": "loopcoach-backup", "version": 1, "sections": {"attempts": {}}}),
            "not a list",
        ),
    ],
)
def test_practice_backup_bad_files_are_refused(
    make_coach: MakeCoach, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(LoopcoachError, match=message):
        make_coach("t").exports.import_json(path)


def test_practice_backup_damaged_row_changes_nothing(
    make_coach: MakeCoach, source: Coach, tmp_path: Path
) -> None:
    data = backup.dump(source.engine, now=T0)
    data["sections"]["review_logs"][-1].pop("rating")  # the last section fails...
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data))
    target = make_coach("target")
    with pytest.raises(LoopcoachError, match="review_logs', row 4: missing field 'rating'"):
        target.exports.import_json(path)
    assert all(sections(target)[k] == [] for k in MINE)


def test_practice_backup_unknown_source_is_refused(
    make_coach: MakeCoach, source: Coach, tmp_path: Path
) -> None:
    data = backup.dump(source.engine, now=T0)
    data["sections"]["attempts"][1]["source"] = "mocked"  # not practice, analyze or mock
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    target = make_coach("target")
    with pytest.raises(LoopcoachError, match="'attempts', row 2: source: 'mocked' is not one of"):
        target.exports.import_json(path)
    assert all(sections(target)[k] == [] for k in MINE)


def test_practice_backup_missing_file_is_clear(make_coach: MakeCoach, tmp_path: Path) -> None:
    with pytest.raises(LoopcoachError, match="no such file"):
        make_coach("t").exports.import_json(tmp_path / "nope.json")


def test_practice_backup_registry_skips_absent_features() -> None:
    reg = backup.registry(("loopcoach.store.practice", "loopcoach.store.not_a_feature"))
    assert list(reg.sections) == ["attempts", "practice_cards", "review_logs"]
    with pytest.raises(AssertionError):
        reg.register("attempts", dump=lambda c: [], load=lambda c, r, u: 0)
