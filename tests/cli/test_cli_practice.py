"""The practice commands, in process: plan, practice, progress, checklist, calibration,
export anki|json, import. The analyzer is loaded once for the module."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from icalendar import Calendar

from loopcoach.cli.app import main
from loopcoach.content.library import Library

FIXTURES = Path(__file__).parents[1] / "fixtures"
STORY = (FIXTURES / "analysis" / "alignment_story.txt").read_text(encoding="utf-8")
T0 = "2026-03-02T09:00:00Z"


@pytest.fixture
def stories(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    from loopcoach.store import practice as S

    rows = json.loads((FIXTURES / "practice" / "stories.json").read_text(encoding="utf-8"))
    fake = SimpleNamespace(list_stories=lambda conn: rows)
    monkeypatch.setattr(S, "_stories_module", lambda: fake)
    yield rows


def run(
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_cli_plan_writes_ics_markdown_and_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ics, md = tmp_path / "plan.ics", tmp_path / "plan.md"
    plan = ok_json(
        capsys,
        "plan",
        "--role",
        "tpm",
        "--interview-date",
        "2026-03-16",
        "--today",
        "2026-03-02",
        "--hours-per-day",
        "1.5",
        "--ics",
        str(ics),
        "--md",
        str(md),
    )
    assert len(plan["days"]) == 14 and plan["template"] == "tpm-two-week"
    assert plan["days"][0]["date"] == "2026-03-02" and plan["days"][-1]["date"] == "2026-03-15"
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == 14
    text = md.read_text()
    assert text.count("## Day ") == 14 and plan["days"][0]["questions"][0]["id"] in text


def test_cli_plan_text_and_past_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "plan",
        "--role",
        "po",
        "--interview-date",
        "2020-01-01",
        "--stages",
        "hiring-manager",
    )
    assert code == 0, err
    assert "Interview tomorrow" in out and "today or past" in out
    code, out, err = run(capsys, "plan", "--role", "po", "--interview-date", "next week")
    assert code == 1 and "YYYY-MM-DD" in err and "Traceback" not in err
    code, _, err = run(capsys, "plan", "--role", "ceo", "--interview-date", "2026-04-01")
    assert code == 1 and "unknown role 'ceo'" in err


def test_cli_practice_interactive_from_piped_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ok_json(capsys, "practice", "due", "--role", "tpm", "--limit", "2", "--at", T0)[0]
    stdin = STORY + "\n\n" + "\n"  # answer the first card, skip the second, then end of input
    code, out, err = run(
        capsys,
        "practice",
        "--role",
        "tpm",
        "--limit",
        "3",
        "--at",
        T0,
        stdin=stdin,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert f"1/3 · {first['key']} (new)" in out
    assert "Score " in out and "next due" in out and "skipped" in out
    assert "Practised 1 card." in out
    due = ok_json(capsys, "practice", "due", "--role", "tpm", "--at", T0)
    assert first["key"] not in [d["key"] for d in due]
    prog = ok_json(capsys, "progress", "--role", "tpm", "--at", T0)
    assert prog["attempts"] == 1 and prog["cards"] == 1


def test_cli_practice_story_at_a_chosen_length(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stories: list[dict[str, Any]],
) -> None:
    stdin = "1\nWe agreed one format; errors fell 40%.\n\nmaybe\n3\n"
    code, out, err = run(
        capsys,
        "practice",
        "--card",
        "s:1",
        "--at",
        T0,
        stdin=stdin,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert "Tell your story: Payments and ledger teams" in out
    assert "30-second headline" in out and "Your notes, to compare" in out
    assert "is not a rating" in out and "next due in 2 days (2026-03-04)" in out


def test_cli_practice_answer_file_advances_the_card(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answer = tmp_path / "a.txt"
    answer.write_text(STORY)
    card = "q:tpm-alignment-technical-disagreement"
    one = ok_json(capsys, "practice", "--card", card, "--answer-file", str(answer), "--at", T0)
    assert one["status"] == "new" and one["rating"] in ("good", "easy")
    assert set(one["dimensions"]) >= {"structure", "coverage", "delivery"}
    two = ok_json(
        capsys, "practice", "--card", card, "--answer-file", str(answer), "--at", one["next_due"]
    )
    assert two["status"] == "due" and two["score"] == one["score"]  # same answer, same score
    assert two["next_due"] > one["next_due"]
    code, _, err = run(capsys, "practice", "--card", card, "--rate", "good")
    assert code == 1 and "rates a story card" in err


def test_cli_practice_rate_story_without_prompts(
    capsys: pytest.CaptureFixture[str], stories: list[dict[str, Any]]
) -> None:
    out = ok_json(
        capsys, "practice", "--role", "tpm", "--rate", "easy", "--length", "deep", "--at", T0
    )
    assert out["card"].startswith("s:") and out["rating"] == "easy" and out["length"] == "deep"
    code, _, err = run(capsys, "practice", "--rate", "7", "--card", "s:1")
    assert code == 1 and "1 again" in err


def fixture_backup(tmp_path: Path) -> Path:
    rows = json.loads((FIXTURES / "practice" / "attempts.json").read_text(encoding="utf-8"))
    path = tmp_path / "fixture-backup.json"
    path.write_text(
        json.dumps({"format": "loopcoach-backup", "version": 1, "sections": {"attempts": rows}})
    )
    return path


def test_cli_import_then_progress_and_charts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backup = fixture_backup(tmp_path)
    code, out, err = run(capsys, "import", str(backup))
    assert code == 0, err
    assert "added or updated 6 rows" in out
    code, out, _ = run(capsys, "import", str(backup))
    assert "added or updated 0 rows" in out
    charts = tmp_path / "charts"
    prog = ok_json(
        capsys, "progress", "--role", "tpm", "--at", "2026-03-06T20:00:00Z", "--charts", str(charts)
    )
    assert prog["attempts"] == 6 and prog["score"]["delta"] == 22.5
    assert prog["weakest_competencies"][0]["id"] == "ambiguity"
    assert sorted(p.name for p in charts.iterdir()) == [
        "dimensions.png",
        "dimensions.svg",
        "score.png",
        "score.svg",
    ]
    code, out, err = run(capsys, "progress", "--role", "tpm", "--at", "2026-03-06T20:00:00Z")
    assert code == 0, err
    assert "6 scored answers on 4 days" in out and "streak 2 days" in out
    assert "▁" in out or "█" in out


def test_cli_checklist_and_calibration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    md = tmp_path / "day-of.md"
    code, out, err = run(capsys, "checklist", "--role", "tpo", "--md", str(md))
    assert code == 0 and f"wrote {md}" in err
    assert md.read_text().startswith("# Day-of checklist: Technical Product Owner")
    code, out, err = run(capsys, "calibration", "--role", "tpm", "--level", "senior-tpm")
    assert code == 0, err
    assert out.startswith("# Calibration sheet") and "## My level story" in out


def test_cli_export_anki(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    stories: list[dict[str, Any]],
    library: Library,
) -> None:
    deck = tmp_path / "deck.apkg"
    code, out, err = run(capsys, "export", "anki", "--role", "po", "-o", str(deck))
    assert code == 0, err
    n = len(library.role("po").questions)
    assert f"{n} questions, 4 stories" in out
    with zipfile.ZipFile(deck) as z:
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == n + 4
    con.close()


def test_cli_export_json_import_round_trip_in_another_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "import", str(fixture_backup(tmp_path)))
    out_file = tmp_path / "all.json"
    code, out, err = run(capsys, "export", "json", "-o", str(out_file))
    assert code == 0, err
    assert "6 attempts" in out
    other = tmp_path / "other.db"
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", f"sqlite:///{other}")
    added = ok_json(capsys, "import", str(out_file))["added"]
    assert added["attempts"] == 6
    assert ok_json(capsys, "import", str(out_file))["added"]["attempts"] == 0
    con = sqlite3.connect(other)
    assert con.execute("SELECT count(*) FROM attempts").fetchone()[0] == 6
    con.close()
    code, _, err = run(capsys, "import", str(tmp_path / "missing.json"))
    assert code == 1 and "no such file" in err


def test_cli_practice_honours_database_url(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    isolated_env: Path,
) -> None:
    db = tmp_path / "elsewhere" / "coach.db"
    monkeypatch.setenv("LOOPCOACH_DATABASE_URL", f"sqlite:///{db}")
    answer = tmp_path / "a.txt"
    answer.write_text(STORY)
    ok_json(capsys, "practice", "--role", "tpm", "--answer-file", str(answer), "--at", T0)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
    con.close()
    assert not (isolated_env / "loopcoach.db").exists()
