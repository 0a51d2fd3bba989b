"""Exercises: backlog ordering (WSJF/RICE), acceptance-criteria linter, critical path.

Pages take an uploaded CSV/YAML file, pasted text or a bundled case; the API takes JSON. Both
call the same `loopcoach.exercises` functions as `loopcoach exercise ...`.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.coach import Coach
from loopcoach.errors import LoopcoachError
from loopcoach.exercises import acceptance, backlog, cases, critical_path, files
from loopcoach.exercises.files import Record
from loopcoach.web.routes.pages import render

api = APIRouter(prefix="/api/v1/exercises", tags=["exercises"])
pages = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
TABLE_FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


def _coach(request: Request) -> Coach:
    coach: Coach = request.app.state.coach
    return coach


def records(text: str, fmt: str, *, source: str, what: str, list_keys: tuple[str, ...],
            aliases: dict[str, str]) -> list[Record]:
    if fmt == "csv":
        return files.parse_csv(text, source=source, aliases=aliases)
    if fmt == "yaml":
        return files.parse_yaml_records(text, source=source, list_keys=list_keys,
                                        aliases=aliases)
    raise LoopcoachError("file-type", f"{source}: the {what} is CSV or YAML")


async def read_upload(upload: UploadFile | None) -> tuple[str, str, str] | None:
    """(text, format, file name) of an uploaded table, or None when no file was chosen."""
    if upload is None or not upload.filename:
        return None
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in TABLE_FORMATS:
        raise LoopcoachError("file-type", f"{name}: upload a .csv, .yaml or .yml file")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise LoopcoachError("too-large", f"{name} is larger than 10 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoopcoachError("bad-encoding", f"{name} is not UTF-8 text") from None
    return text, TABLE_FORMATS[suffix], name


def _practice(coach: Coach) -> list[dict[str, Any]]:
    found = cases.practice_list((r.id, r.cases) for r in coach.library.roles.values())
    return [p.to_dict() for p in found]


def _cases_for(coach: Coach, command: str) -> list[dict[str, Any]]:
    return [p for p in _practice(coach) if any(f"exercise {command} " in c for c in p["commands"])]


# --- the three exercises, shared by page and API --------------------------------------------
def run_backlog(coach: Coach, *, case_id: str | None, table: tuple[str, str, str] | None,
                my_order: list[str] | None, against: str) -> dict[str, Any]:
    if table is not None:
        text, fmt, name = table
        items = backlog.items_from_records(records(
            text, fmt, source=name, what="backlog", list_keys=backlog.LIST_KEYS,
            aliases=backlog.ALIASES))
    elif case_id:
        items = cases.backlog_items(coach.library.case(case_id)[1])
    else:
        raise LoopcoachError("missing-input", "upload a CSV/YAML backlog or pick a bundled case")
    return backlog.prioritise(items, my_order=my_order, against=against).to_dict()


def run_critical_path(coach: Coach, *, case_id: str | None,
                      table: tuple[str, str, str] | None) -> dict[str, Any]:
    if table is not None:
        text, fmt, name = table
        ws = critical_path.workstreams_from_records(records(
            text, fmt, source=name, what="workstream list", list_keys=critical_path.LIST_KEYS,
            aliases=critical_path.ALIASES))
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


def run_ac(coach: Coach, *, text: str, case_id: str | None, gherkin: bool | None
           ) -> dict[str, Any]:
    if not text.strip():
        raise LoopcoachError("missing-input", "paste acceptance criteria: Gherkin or one per line")
    context = cases.story_context(coach.library.case(case_id)[1]) if case_id else ""
    return acceptance.lint(text, gherkin=gherkin, context=context).to_dict()


def lines_with_findings(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each line of the criteria with the findings that point at it."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for f in findings:
        if f["line"] is not None:
            by_line.setdefault(int(f["line"]), []).append(f)
    return [{"number": i, "text": t, "findings": by_line.get(i, [])}
            for i, t in enumerate(text.splitlines(), start=1)]


# --- API -----------------------------------------------------------------------------------
class TableInput(BaseModel):
    case_id: str | None = Field(default=None, max_length=120)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS,
                             description="The CSV or YAML file's text.")
    format: Literal["csv", "yaml"] = "csv"


class BacklogRequest(TableInput):
    my_order: list[str] | None = Field(default=None, max_length=1000)
    against: Literal["wsjf", "rice"] = "wsjf"


class AcRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    case_id: str | None = Field(default=None, max_length=120)
    gherkin: bool | None = None


def _table(body: TableInput) -> tuple[str, str, str] | None:
    return (body.text, body.format, f"input.{body.format}") if body.text is not None else None


@api.get("")
def list_api(request: Request) -> list[dict[str, Any]]:
    """The bundled practice cases (as `loopcoach exercise list --json`)."""
    return _practice(_coach(request))


@api.post("/backlog")
def backlog_api(request: Request, body: BacklogRequest) -> dict[str, Any]:
    """WSJF and RICE orders of a backlog, and how your own order compares."""
    return run_backlog(_coach(request), case_id=body.case_id, table=_table(body),
                       my_order=body.my_order, against=body.against)


@api.post("/critical-path")
def critical_path_api(request: Request, body: TableInput) -> dict[str, Any]:
    """Earliest/latest start and finish, slack, the critical path and an SVG diagram."""
    return run_critical_path(_coach(request), case_id=body.case_id, table=_table(body))


@api.post("/ac")
def ac_api(request: Request, body: AcRequest) -> dict[str, Any]:
    """Acceptance-criteria findings (as `loopcoach exercise ac --json`)."""
    return run_ac(_coach(request), text=body.text, case_id=body.case_id, gherkin=body.gherkin)


# --- pages ---------------------------------------------------------------------------------
def _page(request: Request, **context: Any) -> Response:
    coach = _coach(request)
    return render(request, "exercises.html", practice=_practice(coach),
                  backlog_cases=_cases_for(coach, "backlog"),
                  path_cases=_cases_for(coach, "critical-path"),
                  ac_cases=_cases_for(coach, "ac"), **context)


@pages.get("/exercises", response_class=HTMLResponse)
def exercises_home(request: Request) -> Response:
    return _page(request)


@pages.post("/exercises/backlog", response_class=HTMLResponse)
async def backlog_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    my_order: str = Form("", max_length=20_000),
    against: Literal["wsjf", "rice"] = Form("wsjf"),
    file: UploadFile | None = File(None),
) -> Response:
    table = await read_upload(file)
    order = [x.strip() for x in my_order.split(",") if x.strip()] or None
    result = run_backlog(_coach(request), case_id=None if table else case_id or None,
                         table=table, my_order=order, against=against)
    return _page(request, backlog_result=result, chosen_case=case_id, my_order=my_order)


@pages.post("/exercises/critical-path", response_class=HTMLResponse)
async def critical_path_page(
    request: Request,
    case_id: str = Form("", max_length=120),
    file: UploadFile | None = File(None),
) -> Response:
    table = await read_upload(file)
    result = run_critical_path(_coach(request), case_id=None if table else case_id or None,
                               table=table)
    svg = base64.b64encode(result.pop("svg").encode("utf-8")).decode("ascii")
    return _page(request, path_result=result, path_svg=f"data:image/svg+xml;base64,{svg}",
                 chosen_case=case_id)


@pages.post("/exercises/ac", response_class=HTMLResponse)
def ac_page(
    request: Request,
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    case_id: str = Form("", max_length=120),
) -> Response:
    result = run_ac(_coach(request), text=text, case_id=case_id or None, gherkin=None)
    return _page(request, ac_result=result, ac_text=text, chosen_case=case_id,
                 ac_lines=lines_with_findings(text, result["findings"]),
                 ac_general=[f for f in result["findings"] if f["line"] is None])
