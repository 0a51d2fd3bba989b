"""Exercises: backlog ordering (WSJF/RICE), Kano, forecast, story slicing, acceptance-criteria
linter, program-plan check and critical path.

Pages take an uploaded file, pasted text or a bundled case; the API takes JSON. Both call
`coach.exercises`, as `loopcoach exercise ...` does, and return its result's `to_dict()` (the
critical path and the plan check add their summary and diagram for the page).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.app.exercises import (
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    MAX_POINTS,
    MAX_SEED,
    MAX_SPRINT_NUMBER,
    MAX_SPRINTS_GIVEN,
    MAX_TRIALS,
    parse_point,
    parse_points,
)
from loopcoach.app.uploads import DOC_FORMATS, TABLE_FORMATS, Document
from loopcoach.errors import LoopcoachError
from loopcoach.web.deps import CoachDep, get_coach
from loopcoach.web.paging import PagerDep
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1/exercises", tags=["exercises"])
pages = page_router()

MAX_TEXT_CHARS = 1_000_000


def read_upload(
    coach: Coach, upload: UploadFile | None, formats: Mapping[str, str] = TABLE_FORMATS
) -> Document | None:
    """The uploaded file, or None when no file was chosen. Synchronous: the routes that call
    it are plain `def`, run in the threadpool."""
    if upload is None or not upload.filename:
        return None
    coach.limits.take("upload")
    return coach.uploads.exercise_upload(upload.filename, upload.file, formats)


def lines_with_findings(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each line of the criteria with the findings that point at it."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for f in findings:
        if f["line"] is not None:
            by_line.setdefault(int(f["line"]), []).append(f)
    return [
        {"number": i, "text": t, "findings": by_line.get(i, [])}
        for i, t in enumerate(text.splitlines(), start=1)
    ]


# --- API -----------------------------------------------------------------------------------
class TableInput(BaseModel):
    case_id: str | None = Field(default=None, max_length=120)
    text: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="The CSV or YAML file's text."
    )
    format: Literal["csv", "yaml"] = "csv"


class BacklogRequest(TableInput):
    my_order: list[str] | None = Field(default=None, max_length=1000)
    against: Literal["wsjf", "rice"] = "wsjf"


class AcRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    case_id: str | None = Field(default=None, max_length=120)
    gherkin: bool | None = None


Finite = Annotated[float, Field(allow_inf_nan=False, ge=0, le=MAX_POINTS)]


class ForecastRequest(BaseModel):
    case_id: str | None = Field(default=None, max_length=120)
    velocities: list[Finite] | None = Field(
        default=None,
        max_length=MAX_SPRINTS_GIVEN,
        description="Completed points per sprint, oldest first.",
    )
    remaining: Finite | None = Field(default=None, description="Points left to do.")
    current_sprint: int | None = Field(default=None, ge=1, le=MAX_SPRINT_NUMBER)
    seed: int = Field(default=DEFAULT_SEED, ge=-MAX_SEED, le=MAX_SEED)
    window: int = Field(default=5, ge=3, le=5)
    trials: int = Field(default=DEFAULT_TRIALS, ge=1, le=MAX_TRIALS)


class DocInput(BaseModel):
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    format: Literal["markdown", "yaml"] = "markdown"


class SlicesRequest(DocInput):
    case_id: str | None = Field(default=None, max_length=120)


class PlanRequest(DocInput):
    case_id: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


def _table(body: TableInput) -> Document | None:
    if body.text is None:
        return None
    return Document(body.text, body.format, f"input.{body.format}")


@api.get("")
def list_api(
    coach: CoachDep,
    pager: PagerDep,
) -> list[dict[str, Any]]:
    """The bundled practice cases (as `loopcoach exercise list --json`; paged: `limit`,
    `offset`)."""
    page = pager.page_of(coach.exercises.practice_list())
    return pager.render(page, lambda case: case)


@api.post("/backlog")
def backlog_api(coach: CoachDep, body: BacklogRequest) -> dict[str, Any]:
    """WSJF and RICE orders of a backlog, and how your own order compares."""
    return coach.exercises.backlog(
        table=_table(body), case_id=body.case_id, my_order=body.my_order, against=body.against
    ).to_dict()


@api.post("/critical-path")
def critical_path_api(coach: CoachDep, body: TableInput) -> dict[str, Any]:
    """Earliest/latest start and finish, slack, the critical path and an SVG diagram."""
    found = coach.exercises.critical_path(table=_table(body), case_id=body.case_id)
    return {**found.to_dict(), **found.extras()}


@api.post("/ac")
def ac_api(coach: CoachDep, body: AcRequest) -> dict[str, Any]:
    """Acceptance-criteria findings (as `loopcoach exercise ac --json`)."""
    return coach.exercises.acceptance(
        body.text, case_id=body.case_id, gherkin=body.gherkin
    ).to_dict()


@api.post("/forecast")
def forecast_api(coach: CoachDep, body: ForecastRequest) -> dict[str, Any]:
    """Sprints left as a range and a seeded Monte Carlo (as `loopcoach exercise forecast`)."""
    return coach.exercises.forecast(
        case_id=body.case_id,
        velocities=body.velocities,
        remaining=body.remaining,
        current_sprint=body.current_sprint,
        seed=body.seed,
        window=body.window,
        trials=body.trials,
    ).to_dict()


@api.post("/kano")
def kano_api(coach: CoachDep, body: TableInput) -> dict[str, Any]:
    """Each feature's Kano category and answer counts (as `loopcoach exercise kano --json`)."""
    found = coach.exercises.kano(table=_table(body), case_id=body.case_id)
    return {"features": [r.to_dict() for r in found]}


@api.post("/slices")
def slices_api(coach: CoachDep, body: SlicesRequest) -> dict[str, Any]:
    """INVEST signals, patterns and findings of story slices (`loopcoach exercise slices`)."""
    doc = Document(body.text, body.format, "slices")
    return coach.exercises.slices(doc, case_id=body.case_id).to_dict()


@api.post("/plan")
def plan_api(coach: CoachDep, body: PlanRequest) -> dict[str, Any]:
    """Findings on a plan for a program case, and its critical path with an SVG diagram."""
    found = coach.exercises.plan(body.case_id, Document(body.text, body.format, "plan"))
    return {**found.to_dict(), **found.extras()}


# --- pages ---------------------------------------------------------------------------------
def _page(request: Request, **context: Any) -> Response:
    exercises = get_coach(request).exercises
    return render(
        request,
        "exercises.html",
        practice=exercises.practice_list(),
        backlog_cases=exercises.cases_for("backlog"),
        path_cases=exercises.cases_for("critical-path"),
        ac_cases=exercises.cases_for("ac"),
        forecast_cases=exercises.cases_for("forecast"),
        kano_cases=exercises.cases_for("kano"),
        slices_cases=exercises.cases_for("slices"),
        plan_cases=exercises.cases_for("plan"),
        **context,
    )


@pages.get("/exercises", response_class=HTMLResponse)
def exercises_home(request: Request) -> Response:
    return _page(request)


@pages.post("/exercises/backlog", response_class=HTMLResponse)
def backlog_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    my_order: str = Form("", max_length=20_000),
    against: Literal["wsjf", "rice"] = Form("wsjf"),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(coach, file)
    order = [x.strip() for x in my_order.split(",") if x.strip()] or None
    result = coach.exercises.backlog(
        table=table,
        case_id=None if table else case_id or None,
        my_order=order,
        against=against,
    ).to_dict()
    return _page(request, backlog_result=result, chosen_case=case_id, my_order=my_order)


@pages.post("/exercises/critical-path", response_class=HTMLResponse)
def critical_path_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(coach, file)
    found = coach.exercises.critical_path(table=table, case_id=None if table else case_id or None)
    result = found.to_dict()
    return _page(request, path_result=result, path_svg=_svg_uri(found.svg()), chosen_case=case_id)


@pages.post("/exercises/ac", response_class=HTMLResponse)
def ac_page(
    request: Request,
    coach: CoachDep,
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    case_id: str = Form("", max_length=120),
) -> Response:
    result = coach.exercises.acceptance(text, case_id=case_id or None).to_dict()
    return _page(
        request,
        ac_result=result,
        ac_text=text,
        chosen_case=case_id,
        ac_lines=lines_with_findings(text, result["findings"]),
        ac_general=[f for f in result["findings"] if f["line"] is None],
    )


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _form_int(raw: str, what: str, low: int, high: int) -> int | None:
    if not raw.strip():
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise LoopcoachError(
            "not-a-number", f"{what}: {raw.strip()[:40]!r} is not a whole number from {low}"
        )
    return value


def _pasted(text: str, fmt: str, name: str) -> Document | None:
    return Document(text, fmt, name) if text.strip() else None


@pages.post("/exercises/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    velocities: str = Form("", max_length=20_000),
    remaining: str = Form("", max_length=40),
    current_sprint: str = Form("", max_length=40),
    seed: str = Form("", max_length=40),
) -> Response:
    seed_value = _form_int(seed, "seed", -MAX_SEED, MAX_SEED)
    result = coach.exercises.forecast(
        case_id=case_id or None,
        velocities=parse_points(velocities, "velocities") or None,
        remaining=parse_point(remaining, "remaining points"),
        current_sprint=_form_int(current_sprint, "current sprint", 1, MAX_SPRINT_NUMBER),
        seed=DEFAULT_SEED if seed_value is None else seed_value,
    ).to_dict()
    form = {
        "velocities": velocities,
        "remaining": remaining,
        "current_sprint": current_sprint,
        "seed": seed,
    }
    return _page(request, forecast_result=result, forecast_form=form, chosen_case=case_id)


@pages.post("/exercises/kano", response_class=HTMLResponse)
def kano_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["csv", "yaml"] = Form("csv"),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(coach, file) or _pasted(text, format, f"pasted.{format}")
    found = coach.exercises.kano(table=table, case_id=None if table else case_id or None)
    result = {"features": [r.to_dict() for r in found]}
    return _page(
        request, kano_result=result, kano_text=text, kano_format=format, chosen_case=case_id
    )


@pages.post("/exercises/slices", response_class=HTMLResponse)
def slices_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["markdown", "yaml"] = Form("markdown"),
) -> Response:
    from loopcoach.exercises.slicing import PATTERNS

    doc = Document(text, format, "slices")
    result = coach.exercises.slices(doc, case_id=case_id or None).to_dict()
    return _page(
        request,
        slices_result=result,
        slices_text=text,
        slices_format=format,
        pattern_labels={k: v[0] for k, v in PATTERNS.items()},
        chosen_case=case_id,
    )


@pages.post("/exercises/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    coach: CoachDep,
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["markdown", "yaml"] = Form("markdown"),
    file: UploadFile | None = File(None),
) -> Response:
    upload = read_upload(coach, file, DOC_FORMATS)
    doc = upload or Document(text, format, "plan")
    found = coach.exercises.plan(case_id, doc)
    result = {**found.to_dict(), **found.extras()}
    svg = result.pop("svg")
    return _page(
        request,
        plan_result=result,
        plan_svg=_svg_uri(svg) if svg else None,
        plan_text=text if upload is None else doc.text,
        plan_format=doc.fmt,
        chosen_case=case_id,
    )
