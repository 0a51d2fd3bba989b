"""Analyse an answer: the page (form and report) and `POST /api/v1/analyze`."""

from __future__ import annotations

from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.domain.analysis import Analysis
from loopcoach.web.deps import CoachDep
from loopcoach.web.limits import Seconds, form_seconds
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 100_000

api = api_router(prefix="/api/v1", tags=["analysis"])
pages = page_router()


class AnalyzeRequest(BaseModel):
    question: str | None = Field(default=None, max_length=MAX_QUESTION_CHARS)
    question_id: str | None = Field(default=None, max_length=200)
    answer: str = Field(max_length=MAX_ANSWER_CHARS)
    role: str | None = Field(default=None, max_length=80)
    duration_seconds: Seconds | None = None
    save: bool = Field(
        default=True,
        description="Keep the scored attempt for progress and "
        "practice (as `loopcoach analyze`; false for --no-save).",
    )


def run(
    coach: Coach,
    question: str,
    answer: str,
    *,
    role: str | None,
    question_id: str | None,
    duration: float | None,
    save: bool = False,
) -> Analysis:
    from loopcoach.errors import LoopcoachError

    if not question.strip() and not question_id:
        raise LoopcoachError("no-question", "give the question text or pick a question")
    coach.limits.take("analysis")
    result, _ = coach.analysis.submit(
        question,
        answer,
        role=role or None,
        question_id=question_id or None,
        duration=duration,
        save=save,
    )
    return result


@api.post("/analyze")
def analyze_api(coach: CoachDep, body: AnalyzeRequest) -> dict[str, Any]:
    """Score an answer; returns the same Analysis JSON as `loopcoach analyze --json`."""
    result = run(
        coach,
        body.question or "",
        body.answer,
        role=body.role,
        question_id=body.question_id,
        duration=body.duration_seconds,
        save=body.save,
    )
    return result.to_dict()


def highlights(a: Analysis) -> list[dict[str, Any]]:
    """Each sentence of the answer with what was found in it, for the report."""
    notes: dict[int, list[tuple[str, str]]] = {}
    for p in a.points_made:
        if p.evidence is not None:
            notes.setdefault(p.evidence.index, []).append(("point", p.label))
    for f in a.red_flags:
        if f.evidence is not None:
            notes.setdefault(f.evidence.index, []).append(("flag", f.label))
    return [
        {
            "text": s,
            "notes": notes.get(i, []),
            "kind": "flag"
            if any(k == "flag" for k, _ in notes.get(i, []))
            else "point"
            if i in notes
            else "",
        }
        for i, s in enumerate(a.sentences)
    ]


def _page(
    request: Request,
    coach: Coach,
    question_id: str,
    role: str,
    form: dict[str, Any],
    result: Analysis | None = None,
) -> Response:
    """The analyse page: the form (`form`: the answer, question text and save box as typed),
    and the report of `result` when there is one."""
    chosen = coach.library.question(question_id)[1] if question_id else None
    report = {"result": result, "sentences": highlights(result) if result else []}
    return render(request, "analyze.html", chosen=chosen, role_filter=role, **form, **report)


@pages.get("/analyze", response_class=HTMLResponse)
def analyze_form(
    request: Request, coach: CoachDep, question_id: str = "", role: str = ""
) -> Response:
    prompt = coach.library.question(question_id)[1].prompt if question_id else ""
    form = {"answer": "", "question_text": prompt, "save": True}
    return _page(request, coach, question_id, role, form)


@pages.post("/analyze", response_class=HTMLResponse)
def analyze_submit(
    request: Request,
    coach: CoachDep,
    answer: str = Form("", max_length=MAX_ANSWER_CHARS),
    question: str = Form("", max_length=MAX_QUESTION_CHARS),
    question_id: str = Form("", max_length=200),
    role: str = Form("", max_length=80),
    duration_seconds: str = Form("", max_length=20),
    save: str = Form("", max_length=10),
) -> Response:
    duration = form_seconds(duration_seconds)
    result = run(
        coach,
        question,
        answer,
        role=role,
        question_id=question_id,
        duration=duration,
        save=bool(save),
    )
    form = {"answer": answer, "question_text": question, "save": bool(save)}
    return _page(request, coach, question_id, role, form, result)
