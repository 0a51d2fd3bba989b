"""Exercises: backlog ordering (WSJF/RICE), Kano, forecast, story slicing, acceptance-criteria
linter, program-plan check and critical path.

Pages take an uploaded file, pasted text or a bundled case; the API takes JSON. Both call the
same `loopcoach.exercises` functions as `loopcoach exercise ...`.
"""

from __future__ import annotations

import base64
import math
from typing import Annotated, Any, Literal

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.coach import Coach
from loopcoach.errors import LoopcoachError
from loopcoach.exercises import (
    acceptance,
    backlog,
    cases,
    critical_path,
    files,
    kano,
    program,
    slicing,
)
from loopcoach.exercises import forecast as forecasting
from loopcoach.exercises.files import Record
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1/exercises", tags=["exercises"])
pages = page_router()

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
TABLE_FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}
# Slices and plans: Markdown or YAML, as `loopcoach exercise slices|plan` accept.
DOC_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
}
MAX_SEED = 2**63
MAX_POINTS = 1e9
MAX_TRIALS = 20_000  # the CLI allows more; the web keeps a request's Monte Carlo short


def _coach(request: Request) -> Coach:
    coach: Coach = request.app.state.coach
    return coach


def records(
    text: str,
    fmt: str,
    *,
    source: str,
    what: str,
    list_keys: tuple[str, ...],
    aliases: dict[str, str],
) -> list[Record]:
    if fmt == "csv":
        return files.parse_csv(text, source=source, aliases=aliases)
    if fmt == "yaml":
        return files.parse_yaml_records(text, source=source, list_keys=list_keys, aliases=aliases)
    raise LoopcoachError("file-type", f"{source}: the {what} is CSV or YAML")


def read_upload(
    upload: UploadFile | None, formats: dict[str, str] = TABLE_FORMATS
) -> tuple[str, str, str] | None:
    """(text, format, file name) of an uploaded file, or None when no file was chosen.
    Synchronous: the routes that call it are plain `def`, run in the threadpool."""
    if upload is None or not upload.filename:
        return None
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in formats:
        allowed = ", ".join(formats)
        raise LoopcoachError("file-type", f"{name}: upload a file ending in {allowed}")
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise LoopcoachError("too-large", f"{name} is larger than 10 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoopcoachError(
            "bad-encoding",
            f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and upload it again",
        ) from None
    if "\x00" in text:
        raise LoopcoachError(
            "nul-byte",
            f"{name}: contains a NUL character (\\0), so it is not "
            "a text file; save it as UTF-8 text",
        )
    return text, formats[suffix], name


def _practice(coach: Coach) -> list[dict[str, Any]]:
    found = cases.practice_list((r.id, r.cases) for r in coach.library.roles.values())
    return [p.to_dict() for p in found]


def _cases_for(coach: Coach, command: str) -> list[dict[str, Any]]:
    return [p for p in _practice(coach) if any(f"exercise {command} " in c for c in p["commands"])]


# --- the three exercises, shared by page and API --------------------------------------------
def run_backlog(
    coach: Coach,
    *,
    case_id: str | None,
    table: tuple[str, str, str] | None,
    my_order: list[str] | None,
    against: str,
) -> dict[str, Any]:
    if table is not None:
        text, fmt, name = table
        items = backlog.items_from_records(
            records(
                text,
                fmt,
                source=name,
                what="backlog",
                list_keys=backlog.LIST_KEYS,
                aliases=backlog.ALIASES,
            )
        )
    elif case_id:
        items = cases.backlog_items(coach.library.case(case_id)[1])
    else:
        raise LoopcoachError("missing-input", "upload a CSV/YAML backlog or pick a bundled case")
    return backlog.prioritise(items, my_order=my_order, against=against).to_dict()


def run_critical_path(
    coach: Coach, *, case_id: str | None, table: tuple[str, str, str] | None
) -> dict[str, Any]:
    if table is not None:
        text, fmt, name = table
        ws = critical_path.workstreams_from_records(
            records(
                text,
                fmt,
                source=name,
                what="workstream list",
                list_keys=critical_path.LIST_KEYS,
                aliases=critical_path.ALIASES,
            )
        )
        title = f"Critical path: {name}"
    elif case_id:
        case = coach.library.case(case_id)[1]
        ws = cases.workstreams(case)
        title = case.title
    else:
        raise LoopcoachError("missing-input", "upload a CSV/YAML workstream list or pick a case")
    sched = critical_path.schedule(ws)
    out = sched.to_dict()
    out["summary"] = sched.summary()
    out["svg"] = critical_path.to_svg(sched, title=title)
    return out


def run_ac(coach: Coach, *, text: str, case_id: str | None, gherkin: bool | None) -> dict[str, Any]:
    if not text.strip():
        raise LoopcoachError("missing-input", "paste acceptance criteria: Gherkin or one per line")
    context = cases.story_context(coach.library.case(case_id)[1]) if case_id else ""
    return acceptance.lint(text, gherkin=gherkin, context=context).to_dict()


def run_forecast(
    coach: Coach,
    *,
    case_id: str | None,
    velocities: list[float] | None,
    remaining: float | None,
    current_sprint: int | None,
    seed: int = 42,
    window: int = 5,
    trials: int = 10_000,
) -> dict[str, Any]:
    """As `loopcoach exercise forecast`: a case's history, overridden by what is given."""
    if case_id:
        vs, rem, current = cases.forecast_inputs(coach.library.case(case_id)[1])
        vs = velocities if velocities is not None else vs
        rem = remaining if remaining is not None else rem
        current = current_sprint if current_sprint is not None else current
    elif velocities is None or remaining is None:
        raise LoopcoachError(
            "missing-input",
            "give velocities (e.g. 21,18,25) and the remaining "
            "points, or pick a bundled forecast case",
        )
    else:
        vs, rem, current = velocities, remaining, current_sprint
    try:
        result = forecasting.forecast(
            vs, rem, window=window, seed=seed, trials=trials, current_sprint=current
        )
    except (OverflowError, ValueError):  # e.g. 1e9 points at 1e-300 points a sprint
        raise LoopcoachError(
            "bad-value",
            "the velocities and remaining points are too far "
            "apart to forecast; give points per sprint as whole numbers",
        ) from None
    return result.to_dict()


def run_kano(
    coach: Coach, *, case_id: str | None, table: tuple[str, str, str] | None
) -> dict[str, Any]:
    if table is not None:
        text, fmt, name = table
        recs = records(
            text,
            fmt,
            source=name,
            what="Kano survey",
            list_keys=kano.LIST_KEYS,
            aliases=kano.ALIASES,
        )
    elif case_id:
        recs = cases.kano_records(coach.library.case(case_id)[1])
    else:
        raise LoopcoachError(
            "missing-input", "upload or paste a CSV/YAML Kano survey, or pick a bundled case"
        )
    return {"features": [r.to_dict() for r in kano.classify(recs)]}


def run_slices(
    coach: Coach, *, text: str, fmt: str, case_id: str | None, source: str = "slices"
) -> dict[str, Any]:
    if not text.strip() and not case_id:
        raise LoopcoachError(
            "missing-input",
            "paste the epic and its slices (Markdown or YAML), or pick a bundled slicing case",
        )
    epic, stories = slicing.parse(text, source=source, is_yaml=fmt == "yaml")
    suggested: tuple[str, ...] = ()
    if case_id:
        case_epic, suggested = cases.slicing_epic(coach.library.case(case_id)[1])
        epic = epic or case_epic
    return slicing.check_slices(epic, stories, suggested_patterns=suggested).to_dict()


def run_plan(
    coach: Coach, *, case_id: str, text: str, fmt: str, source: str = "plan"
) -> dict[str, Any]:
    if not case_id:
        raise LoopcoachError("missing-input", "pick the program-plan case your plan answers")
    case = coach.library.case(case_id)[1]
    cases.require_program(case)
    if not text.strip():
        raise LoopcoachError("missing-input", "paste or upload your plan (Markdown or YAML)")
    ws = cases.workstreams(case) if case.data.get("workstreams") else None
    result = program.check_plan(
        text,
        is_yaml=fmt == "yaml",
        source=source,
        case_id=case.id,
        expected=case.expected,
        case_workstreams=ws,
        embedder=coach.analyzer.embedder,
    )
    out = result.to_dict()
    out["title"] = case.title
    out["present"] = [
        {"key": e.key, "label": e.label, "line": result.present.get(e.key)}
        for e in program.ELEMENTS
    ]
    out["summary"] = result.schedule.summary() if result.schedule is not None else None
    out["svg"] = (
        critical_path.to_svg(result.schedule, title=case.title)
        if result.schedule is not None
        else None
    )
    return out


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
        default=None, max_length=1000, description="Completed points per sprint, oldest first."
    )
    remaining: Finite | None = Field(default=None, description="Points left to do.")
    current_sprint: int | None = Field(default=None, ge=1, le=1_000_000)
    seed: int = Field(default=42, ge=-MAX_SEED, le=MAX_SEED)
    window: int = Field(default=5, ge=3, le=5)
    trials: int = Field(default=10_000, ge=1, le=MAX_TRIALS)


class DocInput(BaseModel):
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    format: Literal["markdown", "yaml"] = "markdown"


class SlicesRequest(DocInput):
    case_id: str | None = Field(default=None, max_length=120)


class PlanRequest(DocInput):
    case_id: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


def _table(body: TableInput) -> tuple[str, str, str] | None:
    return (body.text, body.format, f"input.{body.format}") if body.text is not None else None


@api.get("")
def list_api(request: Request) -> list[dict[str, Any]]:
    """The bundled practice cases (as `loopcoach exercise list --json`)."""
    return _practice(_coach(request))


@api.post("/backlog")
def backlog_api(request: Request, body: BacklogRequest) -> dict[str, Any]:
    """WSJF and RICE orders of a backlog, and how your own order compares."""
    return run_backlog(
        _coach(request),
        case_id=body.case_id,
        table=_table(body),
        my_order=body.my_order,
        against=body.against,
    )


@api.post("/critical-path")
def critical_path_api(request: Request, body: TableInput) -> dict[str, Any]:
    """Earliest/latest start and finish, slack, the critical path and an SVG diagram."""
    return run_critical_path(_coach(request), case_id=body.case_id, table=_table(body))


@api.post("/ac")
def ac_api(request: Request, body: AcRequest) -> dict[str, Any]:
    """Acceptance-criteria findings (as `loopcoach exercise ac --json`)."""
    return run_ac(_coach(request), text=body.text, case_id=body.case_id, gherkin=body.gherkin)


@api.post("/forecast")
def forecast_api(request: Request, body: ForecastRequest) -> dict[str, Any]:
    """Sprints left as a range and a seeded Monte Carlo (as `loopcoach exercise forecast`)."""
    return run_forecast(
        _coach(request),
        case_id=body.case_id,
        velocities=body.velocities,
        remaining=body.remaining,
        current_sprint=body.current_sprint,
        seed=body.seed,
        window=body.window,
        trials=body.trials,
    )


@api.post("/kano")
def kano_api(request: Request, body: TableInput) -> dict[str, Any]:
    """Each feature's Kano category and answer counts (as `loopcoach exercise kano --json`)."""
    return run_kano(_coach(request), case_id=body.case_id, table=_table(body))


@api.post("/slices")
def slices_api(request: Request, body: SlicesRequest) -> dict[str, Any]:
    """INVEST signals, patterns and findings of story slices (`loopcoach exercise slices`)."""
    return run_slices(_coach(request), text=body.text, fmt=body.format, case_id=body.case_id)


@api.post("/plan")
def plan_api(request: Request, body: PlanRequest) -> dict[str, Any]:
    """Findings on a plan for a program case, and its critical path with an SVG diagram."""
    return run_plan(_coach(request), case_id=body.case_id, text=body.text, fmt=body.format)


# --- pages ---------------------------------------------------------------------------------
def _page(request: Request, **context: Any) -> Response:
    coach = _coach(request)
    return render(
        request,
        "exercises.html",
        practice=_practice(coach),
        backlog_cases=_cases_for(coach, "backlog"),
        path_cases=_cases_for(coach, "critical-path"),
        ac_cases=_cases_for(coach, "ac"),
        forecast_cases=_cases_for(coach, "forecast"),
        kano_cases=_cases_for(coach, "kano"),
        slices_cases=_cases_for(coach, "slices"),
        plan_cases=_cases_for(coach, "plan"),
        **context,
    )


@pages.get("/exercises", response_class=HTMLResponse)
def exercises_home(request: Request) -> Response:
    return _page(request)


@pages.post("/exercises/backlog", response_class=HTMLResponse)
def backlog_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    my_order: str = Form("", max_length=20_000),
    against: Literal["wsjf", "rice"] = Form("wsjf"),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(file)
    order = [x.strip() for x in my_order.split(",") if x.strip()] or None
    result = run_backlog(
        _coach(request),
        case_id=None if table else case_id or None,
        table=table,
        my_order=order,
        against=against,
    )
    return _page(request, backlog_result=result, chosen_case=case_id, my_order=my_order)


@pages.post("/exercises/critical-path", response_class=HTMLResponse)
def critical_path_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(file)
    result = run_critical_path(
        _coach(request), case_id=None if table else case_id or None, table=table
    )
    svg = base64.b64encode(result.pop("svg").encode("utf-8")).decode("ascii")
    return _page(
        request,
        path_result=result,
        path_svg=f"data:image/svg+xml;base64,{svg}",
        chosen_case=case_id,
    )


@pages.post("/exercises/ac", response_class=HTMLResponse)
def ac_page(
    request: Request,
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    case_id: str = Form("", max_length=120),
) -> Response:
    result = run_ac(_coach(request), text=text, case_id=case_id or None, gherkin=None)
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


def _form_numbers(raw: str, what: str) -> list[float] | None:
    """Comma-separated points per sprint, or None when the field is empty."""
    out = [_form_float(part, what) for part in raw.split(",") if part.strip()]
    return [x for x in out if x is not None] or None


def _form_float(raw: str, what: str) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_POINTS:
        raise LoopcoachError(
            "not-a-number",
            f"{what}: {raw.strip()[:40]!r} is not a number of points; give e.g. 21,18,25",
        )
    return value


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


def _pasted(text: str, fmt: str, name: str) -> tuple[str, str, str] | None:
    return (text, fmt, name) if text.strip() else None


@pages.post("/exercises/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    velocities: str = Form("", max_length=20_000),
    remaining: str = Form("", max_length=40),
    current_sprint: str = Form("", max_length=40),
    seed: str = Form("", max_length=40),
) -> Response:
    seed_value = _form_int(seed, "seed", -MAX_SEED, MAX_SEED)
    result = run_forecast(
        _coach(request),
        case_id=case_id or None,
        velocities=_form_numbers(velocities, "velocities"),
        remaining=_form_float(remaining, "remaining points"),
        current_sprint=_form_int(current_sprint, "current sprint", 1, 1_000_000),
        seed=42 if seed_value is None else seed_value,
    )
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
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["csv", "yaml"] = Form("csv"),
    file: UploadFile | None = File(None),
) -> Response:
    table = read_upload(file) or _pasted(text, format, f"pasted.{format}")
    result = run_kano(_coach(request), case_id=None if table else case_id or None, table=table)
    return _page(
        request, kano_result=result, kano_text=text, kano_format=format, chosen_case=case_id
    )


@pages.post("/exercises/slices", response_class=HTMLResponse)
def slices_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["markdown", "yaml"] = Form("markdown"),
) -> Response:
    result = run_slices(_coach(request), text=text, fmt=format, case_id=case_id or None)
    labels = {k: v[0] for k, v in slicing.PATTERNS.items()}
    return _page(
        request,
        slices_result=result,
        slices_text=text,
        slices_format=format,
        pattern_labels=labels,
        chosen_case=case_id,
    )


@pages.post("/exercises/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    format: Literal["markdown", "yaml"] = Form("markdown"),
    file: UploadFile | None = File(None),
) -> Response:
    upload = read_upload(file, DOC_FORMATS)
    plan_text, fmt, name = upload or (text, format, "plan")
    result = run_plan(_coach(request), case_id=case_id, text=plan_text, fmt=fmt, source=name)
    svg = result.pop("svg")
    return _page(
        request,
        plan_result=result,
        plan_svg=_svg_uri(svg) if svg else None,
        plan_text=text if upload is None else plan_text,
        plan_format=fmt,
        chosen_case=case_id,
    )
