"""Plan, practice and progress: today's tasks, due cards, charts, .ics and Anki downloads.

Every figure comes from `Coach.practice` (plan, queue, progress) and `loopcoach.export`, the same
calls `loopcoach plan`, `loopcoach due` and `loopcoach progress` make.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from loopcoach.coach import Coach
from loopcoach.errors import LoopcoachError
from loopcoach.practice.plan import MAX_PLAN_DAYS as PLAN_LIMIT_DAYS
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1", tags=["plan and progress"])
pages = page_router()

RoleQ = Annotated[str, Query(min_length=1, max_length=80)]
OptRoleQ = Annotated[str, Query(max_length=80)]
DateQ = Annotated[str, Query(max_length=10, description="YYYY-MM-DD")]
HoursQ = Annotated[float, Query(gt=0, le=16)]
MAX_PLAN_DAYS = PLAN_LIMIT_DAYS  # the longest plan; a later date is an error, not a cut


def _coach(request: Request) -> Coach:
    coach: Coach = request.app.state.coach
    return coach


def _now() -> datetime:
    return datetime.now(UTC)


def parse_day(raw: str, what: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise LoopcoachError("bad-date", f"{what} '{raw}' is not a date: use YYYY-MM-DD") from None


def build_plan(coach: Coach, role: str, interview_date: str, hours: float, today: str = "") -> Any:
    day0 = parse_day(today, "today") if today else date.today()
    when = parse_day(interview_date, "interview_date")
    if when - day0 > timedelta(days=MAX_PLAN_DAYS):
        latest = day0 + timedelta(days=MAX_PLAN_DAYS)
        raise LoopcoachError(
            "date-too-far",
            f"the interview on {when.isoformat()} is {(when - day0).days} days "
            f"away; a plan covers at most {MAX_PLAN_DAYS} days, so pick a date up to "
            f"{latest.isoformat()} (until then, practise the cards that are due)",
        )
    return coach.practice.plan(role, when, today=day0, hours_per_day=hours)


# --- API -----------------------------------------------------------------------------------
@api.get("/plan")
def plan_api(
    request: Request,
    role: RoleQ,
    interview_date: DateQ,
    hours_per_day: HoursQ = 1.5,
    today: DateQ = "",
) -> dict[str, Any]:
    """A day-by-day study plan up to the interview (as `loopcoach plan --json`)."""
    return build_plan(_coach(request), role, interview_date, hours_per_day, today).to_dict()


@api.get("/due")
def due_api(
    request: Request, role: OptRoleQ = "", limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[dict[str, Any]]:
    """Practice cards due now, most overdue first (as `loopcoach due --json`)."""
    entries = _coach(request).practice.queue(role=role or None, limit=limit, now=_now())
    return [e.to_dict() for e in entries]


@api.get("/progress")
def progress_api(request: Request, role: OptRoleQ = "") -> dict[str, Any]:
    """Scores over time, streaks, cards and stories (as `loopcoach progress --json`)."""
    return _coach(request).practice.progress(role=role or None, now=_now()).to_dict()


# --- files ---------------------------------------------------------------------------------
def _file(path: Path, media: str, name: str) -> Response:
    return Response(
        path.read_bytes(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@pages.get("/plan/plan.ics")
def plan_ics(
    request: Request, role: RoleQ, interview_date: DateQ, hours_per_day: HoursQ = 1.5
) -> Response:
    from loopcoach.export.ics import write_ics

    plan = build_plan(_coach(request), role, interview_date, hours_per_day)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.ics"
        write_ics(plan, path, now=_now())
        return _file(path, "text/calendar", f"loopcoach-{plan.role}-plan.ics")


@pages.get("/plan/deck.apkg")
def anki_deck(request: Request, role: RoleQ) -> Response:
    coach = _coach(request)
    coach.library.role(role)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        coach.practice.write_anki(role, path, now=_now())
        return _file(path, "application/octet-stream", f"loopcoach-{role}.apkg")


@pages.get("/plan/charts/{name}.{ext}")
def chart(
    request: Request,
    name: Literal["score", "dimensions"],
    ext: Literal["png", "svg"],
    role: OptRoleQ = "",
) -> Response:
    from loopcoach.export.charts import write_charts

    prog = _coach(request).practice.progress(role=role or None, now=_now())
    with tempfile.TemporaryDirectory() as tmp:
        write_charts(prog, Path(tmp))
        media = "image/png" if ext == "png" else "image/svg+xml"
        return Response(
            (Path(tmp) / f"{name}.{ext}").read_bytes(),
            media_type=media,
            headers={"Cache-Control": "no-store"},
        )


# --- the page ------------------------------------------------------------------------------
@pages.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    role: OptRoleQ = "",
    interview_date: DateQ = "",
    hours_per_day: Annotated[float, Query(gt=0, le=16)] = 1.5,
) -> Response:
    coach = _coach(request)
    context: dict[str, Any] = {
        "role": role,
        "interview_date": interview_date,
        "hours_per_day": hours_per_day,
    }
    if role:
        coach.library.role(role)
        if interview_date:
            plan = build_plan(coach, role, interview_date, hours_per_day).to_dict()
            today = date.today().isoformat()
            context["plan"] = plan
            context["today_plan"] = next((d for d in plan["days"] if str(d["date"]) == today), None)
        context["due"] = [
            e.to_dict() for e in coach.practice.queue(role=role, limit=10, now=_now())
        ]
    prog = coach.practice.progress(role=role or None, now=_now()).to_dict()
    context["progress"] = prog
    context["has_charts"] = bool(prog["by_day"])
    context["default_date"] = (date.today() + timedelta(days=14)).isoformat()
    context["min_date"] = date.today().isoformat()
    context["max_date"] = (date.today() + timedelta(days=MAX_PLAN_DAYS)).isoformat()
    context["max_days"] = MAX_PLAN_DAYS
    return render(request, "plan.html", **context)
