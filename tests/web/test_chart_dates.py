"""Plans and progress charts by the app's clock, on the days date arithmetic gets wrong: Feb 29
(a day that has no twin a year before or after) and Dec 31 (the axis crosses New Year)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from tests.web.chart_ticks import day_ticks, labels, tick_date

from loopcoach.app.practice import MAX_PLAN_AHEAD_DAYS

if TYPE_CHECKING:
    from tests.conftest import Shared

ORIGIN = "http://127.0.0.1:8000"
ANSWER = (
    "I led the migration of forty services to a new platform. I set up a weekly risk review, cut "
    "the first release to three services and we shipped two weeks early."
)
DAYS = [
    datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
    datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
    datetime(2027, 1, 1, 12, 0, tzinfo=UTC),
]


@pytest.fixture(params=DAYS, ids=lambda d: d.strftime("%b-%d-%Y"))
def fixed(
    request: pytest.FixtureRequest, shared: Shared, tmp_path: Path
) -> Iterator[tuple[TestClient, date]]:
    """The app with its clock stopped at midday on one of DAYS, and one answer saved then."""
    from loopcoach.app import Coach
    from loopcoach.config import Settings
    from loopcoach.web.app import create_app

    now: datetime = request.param
    env = {"LOOPCOACH_DATA_DIR": str(tmp_path), "LOOPCOACH_CACHE_DIR": str(shared.cache_dir)}
    coach = Coach(Settings.from_env(env), clock=lambda: now)
    coach.__dict__["library"] = shared.library
    coach.__dict__["analyzer"] = shared.analyzer
    with TestClient(create_app(coach), base_url=ORIGIN, headers={"Origin": ORIGIN}) as client:
        r = client.post(
            "/api/v1/analyze",
            json={"question": "Tell me about a migration you led.", "answer": ANSWER},
        )
        assert r.status_code == 200, r.text
        yield client, now.astimezone().date()


def test_chart_after_one_day_shows_that_day_and_the_days_around_it(
    fixed: tuple[TestClient, date],
) -> None:
    client, today = fixed
    r = client.get("/plan/charts/score.svg")
    assert r.status_code == 200, r.text
    texts = labels(r.text)
    ticks = day_ticks(r.text)
    assert today.strftime("%-d %b") in ticks, texts
    assert not [t for t in texts if re.fullmatch(r"\d\d:\d\d", t)], texts  # no hours
    assert not [t for t in texts if re.fullmatch(r"(19|20)\d\d", t)], texts  # no years
    assert 1 <= len(ticks) <= 10, ticks
    for tick in ticks:
        assert abs((tick_date(tick, today) - today).days) <= 7, (tick, today)


def test_plan_and_progress_use_the_app_clock(fixed: tuple[TestClient, date]) -> None:
    client, today = fixed
    tomorrow = (today + timedelta(days=1)).isoformat()
    plan = client.get("/api/v1/plan", params={"role": "po", "interview_date": tomorrow})
    assert plan.status_code == 200, plan.text
    assert plan.json()["days"][0]["date"] == today.isoformat()
    progress = client.get("/api/v1/progress").json()
    assert [d["date"] for d in progress["by_day"]] == [today.isoformat()]
    page = client.get("/plan", params={"role": "po"}).text
    assert f'min="{today.isoformat()}"' in page
    assert f'max="{(today + timedelta(days=MAX_PLAN_AHEAD_DAYS)).isoformat()}"' in page


@pytest.mark.parametrize(
    "tick,today,expected",
    [
        ("29 Feb", date(2028, 2, 29), date(2028, 2, 29)),
        ("1 Mar", date(2028, 2, 29), date(2028, 3, 1)),
        ("28 Feb", date(2028, 2, 29), date(2028, 2, 28)),
        ("3 Jan", date(2026, 12, 31), date(2027, 1, 3)),
        ("28 Dec", date(2027, 1, 1), date(2026, 12, 28)),
        ("29 Feb", date(2028, 3, 4), date(2028, 2, 29)),
    ],
)
def test_tick_dates_are_read_for_every_day(tick: str, today: date, expected: date) -> None:
    assert tick_date(tick, today) == expected
