"""A study plan as an iCalendar file (RFC 5545): one all-day event per plan day.

UIDs are stable (role, interview date, day number), so importing a regenerated plan into a
calendar updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from loopcoach import __version__
from loopcoach.errors import LoopcoachError
from loopcoach.practice.plan import StudyPlan
from loopcoach.practice.render import day_lines

PRODID = f"-//loopcoach//loopcoach {__version__}//EN"


def event_uid(plan: StudyPlan, number: int) -> str:
    return f"{plan.role}-{plan.interview_date.isoformat()}-day{number:02d}@loopcoach"


def plan_calendar(plan: StudyPlan, *, now: datetime) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Interview prep: {plan.role_name}")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for day in plan.days:
        ev = Event()
        ev.add("uid", event_uid(plan, day.number))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day.date)
        ev.add("dtend", day.date + timedelta(days=1))
        ev.add("summary", f"Prep day {day.number}/{len(plan.days)}: {day.title}")
        lines = [f"- {line}" for line in day_lines(day, plan.role)]
        lines += [f"Focus, {f}" for f in day.focus]
        ev.add("description", "\n".join(lines) or day.title)
        ev.add("categories", [day.kind])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal


def write_ics(plan: StudyPlan, path: Path, *, now: datetime) -> int:
    """Write the plan; returns the number of events."""
    data = plan_calendar(plan, now=now).to_ical()
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise LoopcoachError("write-failed", f"cannot write {path}: {exc.strerror}") from None
    return len(plan.days)
