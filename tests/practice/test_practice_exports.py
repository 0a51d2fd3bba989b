"""Files people already use: iCalendar plans, Anki decks, chart images."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from loopcoach.content.library import RolePack
from loopcoach.domain.practice import Attempt
from loopcoach.domain.stories import Story
from loopcoach.errors import LoopcoachError
from loopcoach.export.anki import QUESTION_MODEL, STORY_MODEL, stable_id, write_apkg
from loopcoach.export.charts import sparkline, write_charts
from loopcoach.export.ics import plan_calendar, write_ics
from loopcoach.practice.history import History
from loopcoach.practice.plan import build_plan
from loopcoach.practice.progress import progress

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("days_out", [20, 14, 10, 5, 1, 0, -2])
def test_practice_ics_one_all_day_event_per_plan_day(
    tpm: RolePack, tmp_path: Path, days_out: int
) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=days_out), today=TODAY)
    path = tmp_path / "plan.ics"
    assert write_ics(plan, path, now=NOW) == len(plan.days)
    cal = Calendar.from_ical(path.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and "loopcoach" in str(cal["PRODID"])
    events = cal.walk("VEVENT")
    assert len(events) == len(plan.days)
    for ev, day in zip(events, plan.days, strict=True):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is date and start == day.date  # all-day: a DATE, not a DATE-TIME
        assert end - start == timedelta(days=1)
        assert ev.decoded("DTSTAMP") == NOW
        assert day.title in str(ev["SUMMARY"])
        assert day.tasks[0] in str(ev["DESCRIPTION"])
    uids = [str(ev["UID"]) for ev in events]
    assert len(set(uids)) == len(uids)


def test_practice_ics_uids_are_stable_across_runs(tpm: RolePack) -> None:
    interview = TODAY + timedelta(days=10)
    a = plan_calendar(build_plan(tpm, interview, today=TODAY), now=NOW)
    b = plan_calendar(build_plan(tpm, interview, today=TODAY), now=NOW + timedelta(days=1))
    assert [str(e["UID"]) for e in a.walk("VEVENT")] == [str(e["UID"]) for e in b.walk("VEVENT")]
    assert a.to_ical().count(b"\r\n") > 0  # RFC 5545 line endings


def test_practice_ics_unwritable_path_is_clear(tpm: RolePack, tmp_path: Path) -> None:
    plan = build_plan(tpm, TODAY + timedelta(days=3), today=TODAY)
    with pytest.raises(LoopcoachError, match="cannot write"):
        write_ics(plan, tmp_path / "missing" / "plan.ics", now=NOW)


def _notes(path: Path, tmp_path: Path) -> list[tuple[int, list[str]]]:
    with zipfile.ZipFile(path) as z:
        assert set(z.namelist()) == {"collection.anki2", "media"}
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        rows = con.execute("SELECT mid, flds FROM notes ORDER BY id").fetchall()
        assert con.execute("SELECT count(*) FROM cards").fetchone()[0] == len(rows)
    finally:
        con.close()
    return [(mid, flds.split("\x1f")) for mid, flds in rows]


def test_practice_anki_deck_holds_questions_with_guidance_and_stories(
    tpm: RolePack, stories: list[Story], tmp_path: Path
) -> None:
    path = tmp_path / "deck.apkg"
    summary = write_apkg(tpm, path, stories=stories, timestamp=NOW.timestamp())
    assert (summary.questions, summary.stories) == (len(tpm.questions), 4)
    notes = _notes(path, tmp_path)
    questions = [f for mid, f in notes if mid == QUESTION_MODEL.model_id]
    told = [f for mid, f in notes if mid == STORY_MODEL.model_id]
    assert len(questions) == len(tpm.questions) and len(told) == 4
    by_id = {f[0]: f for f in questions}
    q = tpm.questions[0]
    fields = by_id[q.id]
    assert fields[1] == q.prompt.replace("'", "&#x27;")
    assert "Why it is asked" in fields[3] and "What a strong answer covers" in fields[3]
    assert q.talking_points[0].label.split("'")[0] in fields[3]
    ledger = next(f for f in told if f[0] == "1")
    assert "40%" in ledger[3] and "30-second headline" in ledger[2]


def test_practice_anki_ids_are_deterministic(tpm: RolePack, tmp_path: Path) -> None:
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    sa = write_apkg(tpm, a, timestamp=1_700_000_000.0)
    sb = write_apkg(tpm, b, timestamp=1_700_000_000.0)
    assert sa.deck_id == sb.deck_id == stable_id("loopcoach deck tpm")
    assert 1 << 30 <= sa.deck_id < 1 << 31
    assert _notes(a, tmp_path / "x") == _notes(b, tmp_path / "y")


def test_practice_sparkline_scales_to_the_range() -> None:
    assert sparkline([0, 50, 100], lo=0, hi=100) == "▁▅█"
    assert sparkline([2, 2, 2]) == "▅▅▅"
    assert sparkline([]) == ""
    assert len(sparkline(list(range(100)), width=30)) == 30


def test_practice_charts_write_png_and_svg(
    tpm: RolePack, attempts: list[Attempt], tmp_path: Path
) -> None:
    prog = progress(History(attempts=tuple(attempts)), roles=[tpm], now=NOW, role="tpm")
    paths = write_charts(prog, tmp_path / "charts")
    assert sorted(p.name for p in paths) == [
        "dimensions.png",
        "dimensions.svg",
        "score.png",
        "score.svg",
    ]
    for p in paths:
        data = p.read_bytes()
        if p.suffix == ".png":
            assert data.startswith(b"\x89PNG")
        else:
            assert b"<svg" in data
            assert b"Score over time" in data or b"Dimensions over time" in data
    empty = progress(History(), roles=[tpm], now=NOW, role="tpm")
    with pytest.raises(LoopcoachError, match="practise first"):
        write_charts(empty, tmp_path / "none")


def _tick_labels(svg: bytes) -> list[str]:
    import re

    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))]


@pytest.mark.parametrize("days", [1, 3, 200])
def test_practice_chart_axes_are_days_for_any_history(
    tpm: RolePack, attempts: list[Attempt], tmp_path: Path, days: int
) -> None:
    """One day of practice is not drawn with hour ticks or a multi-year axis."""
    import dataclasses

    first = attempts[0].created_at
    spread = [
        dataclasses.replace(
            a, created_at=first + timedelta(days=i * (days - 1) // max(1, len(attempts) - 1))
        )
        for i, a in enumerate(attempts)
    ]
    if days == 1:
        spread = [dataclasses.replace(a, created_at=first) for a in attempts]
    prog = progress(
        History(attempts=tuple(spread)), roles=[tpm], now=first + timedelta(days=days), role="tpm"
    )
    write_charts(prog, tmp_path)
    labels = _tick_labels((tmp_path / "score.svg").read_bytes())
    assert not [t for t in labels if ":" in t and t[:1].isdigit()], labels  # no 00:00, 06:00
    years = {t for t in labels if t.isdigit() and len(t) == 4}
    assert len(years) <= 1 + days // 365, labels
    if days < 60:
        day_label = first.strftime("%-d %b")
        assert day_label in labels, labels
