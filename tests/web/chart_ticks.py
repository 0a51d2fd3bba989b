"""Reading a progress chart's day ticks ('29 Feb', '1 Jan') back as dates."""

from __future__ import annotations

import re
from datetime import date, datetime

DAY_TICK = re.compile(r"\s*(\d{1,2}) ([A-Z][a-z]{2})\s*")
TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def labels(svg: str) -> list[str]:
    return [t.strip() for t in TEXT.findall(svg)]


def tick_date(tick: str, today: date) -> date:
    """The date nearest `today` that a 'day month' tick can mean: the year is not shown, so
    it is last year, this year or next year (across New Year); '29 Feb' exists only in leap
    years, so years where it is not a date are skipped."""
    found = DAY_TICK.fullmatch(tick)
    assert found, tick
    day, month = found.groups()
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(datetime.strptime(f"{day} {month} {year}", "%d %b %Y").date())
        except ValueError:  # 29 Feb of a year that is not a leap year
            continue
    assert candidates, tick
    return min(candidates, key=lambda d: abs((d - today).days))


def day_ticks(svg: str) -> list[str]:
    return [t for t in labels(svg) if DAY_TICK.fullmatch(t)]
