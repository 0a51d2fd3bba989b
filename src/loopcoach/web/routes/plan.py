"""Plan, practice and progress: today's tasks, due cards, charts, .ics and Anki downloads.

Every figure comes from `coach.practice` (plan, queue, progress) and `coach.exports`, the same
calls `loopcoach plan`, `loopcoach due` and `loopcoach progress` make.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.app.practice import DEFAULT_HOURS, MAX_PLAN_DAYS
from loopcoach.errors import LoopcoachError
from loopcoach.web.deps import CoachDep
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1", tags=["plan and progress"])
pages = page_router()

RoleQ = Annotated[str, Query(min_length=1, max_length=80)]
OptRoleQ = Annotated[str, Query(max_length=80)]
DateQ = Annotated[str, Query(max_length=10, description="YYYY-MM-DD")]
HoursQ = Annotated[float, Query(gt=0, le=16)]


def _today(coach: Coach) -> date:
    """The user's date today, by the app's clock (a fixed one in tests: Feb 29, Dec 31)."""
    return coach.clock().astimezone().date()


def parse_day(raw: str, what: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise LoopcoachError("bad-date", f"{what} '{raw}' is not a date: use YYYY-MM-DD") from None


def build_plan(coach: Coach, role: str, interview_date: str, hours: float, today: str = "") -> Any:
    day0 = parse_day(today, "today") if today else _today(coach)
    when = parse_day(interview_date, "interview_date")
    return coach.practice.plan(role, when, today=day0, hours_per_day=hours)


# --- API -----------------------------------------------------------------------------------
@api.get("/plan")
def plan_api(
    coach: CoachDep,
    role: RoleQ,
    interview_date: DateQ,
    hours_per_day: HoursQ = DEFAULT_HOURS,
    today: DateQ = "",
) -> dict[str, Any]:
    """A day-by-day study plan up to the interview (as `loopcoach plan --json`)."""
    return build_plan(coach, role, interview_date, hours_per_day, today).to_dict()


@api.get("/due")
def due_api(
    coach: CoachDep, role: OptRoleQ = "", limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[dict[str, Any]]:
    """Practice cards due now, most overdue first (as `loopcoach due --json`)."""
    entries = coach.practice.queue(role=role or None, limit=limit, now=coach.clock())
    return [e.to_dict() for e in entries]


@api.get("/progress")
def progress_api(coach: CoachDep, role: OptRoleQ = "") -> dict[str, Any]:
    """Scores over time, streaks, cards and stories (as `loopcoach progress --json`)."""
    return coach.practice.progress(role=role or None, now=coach.clock()).to_dict()


# --- files ---------------------------------------------------------------------------------
def _file(body: bytes, media: str, name: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@pages.get("/plan/plan.ics")
def plan_ics(
    coach: CoachDep, role: RoleQ, interview_date: DateQ, hours_per_day: HoursQ = DEFAULT_HOURS
) -> Response:
    plan = build_plan(coach, role, interview_date, hours_per_day)
    return _file(coach.exports.ics_bytes(plan), "text/calendar", f"loopcoach-{plan.role}-plan.ics")


@pages.get("/plan/deck.apkg")
def anki_deck(coach: CoachDep, role: RoleQ) -> Response:
    deck = coach.exports.anki_bytes(role)
    return _file(deck, "application/octet-stream", f"loopcoach-{role}.apkg")


@pages.get("/plan/charts/{name}.{ext}")
def chart(
    coach: CoachDep,
    name: Literal["score", "dimensions"],
    ext: Literal["png", "svg"],
    role: OptRoleQ = "",
) -> Response:
    prog = coach.practice.progress(role=role or None, now=coach.clock())
    media = "image/png" if ext == "png" else "image/svg+xml"
    return Response(
        coach.exports.chart_bytes(prog, name, ext),
        media_type=media,
        headers={"Cache-Control": "no-store"},
    )


# --- the page ------------------------------------------------------------------------------
@pages.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    coach: CoachDep,
    role: OptRoleQ = "",
    interview_date: DateQ = "",
    hours_per_day: HoursQ = DEFAULT_HOURS,
) -> Response:
    context: dict[str, Any] = {
        "role": role,
        "interview_date": interview_date,
        "hours_per_day": hours_per_day,
    }
    if role:
        coach.library.role(role)
        if interview_date:
            plan = build_plan(coach, role, interview_date, hours_per_day).to_dict()
            today = _today(coach).isoformat()
            context["plan"] = plan
            context["today_plan"] = next((d for d in plan["days"] if str(d["date"]) == today), None)
        context["due"] = [
            e.to_dict() for e in coach.practice.queue(role=role, limit=10, now=coach.clock())
        ]
    prog = coach.practice.progress(role=role or None, now=coach.clock()).to_dict()
    context["progress"] = prog
    context["has_charts"] = bool(prog["by_day"])
    day = _today(coach)
    context["default_date"] = (day + timedelta(days=14)).isoformat()
    context["min_date"] = day.isoformat()
    context["max_date"] = coach.practice.latest_interview_date(day).isoformat()
    context["max_days"] = MAX_PLAN_DAYS
    return render(request, "plan.html", **context)
