"""Mock interview: start a stage or the loop, answer with a clock, follow-ups, debrief, resume.

Pages use plain form posts (they work without JavaScript); the API mirrors `loopcoach mock
start/answer/show/debrief --json`. Every call goes through `coach.mock` (the mock service).
"""

from __future__ import annotations

from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.errors import LoopcoachError
from loopcoach.interview.views import analysis_short, session_summary, state_view
from loopcoach.web.deps import CoachDep, get_coach
from loopcoach.web.limits import Seconds, form_seconds
from loopcoach.web.paging import PageNumberQ, PagerDep, html_window, list_pager
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.analyze import MAX_ANSWER_CHARS
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1/mock", tags=["mock interview"])
pages = page_router()

SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"
MAX_SEED = 2**31 - 1


def _require_id(session_id: str) -> str:
    import re

    if not re.match(SESSION_ID, session_id):
        raise LoopcoachError("bad-session-id", "a session id is letters, digits, - or _")
    return session_id


# --- API -----------------------------------------------------------------------------------
class StartRequest(BaseModel):
    role: str = Field(min_length=1, max_length=80)
    stages: list[str] = Field(default_factory=list, max_length=20)
    loop: bool = False
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    feedback_until_end: bool = False
    allow_repeats: bool = False


class AnswerRequest(BaseModel):
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    key: str | None = Field(default=None, max_length=20)
    duration_seconds: Seconds | None = None


@api.get("")
def list_api(
    coach: CoachDep,
    pager: PagerDep,
    role: str | None = None,
) -> list[dict[str, Any]]:
    """Your sessions, newest first (as `loopcoach mock list --json`; paged: `limit`, `offset`,
    the total in X-Total-Count, the next page in Link)."""
    page = coach.mock.page(role=role or None, limit=pager.limit, offset=pager.offset)
    return pager.render(page, session_summary)


@api.post("", status_code=201)
def start_api(coach: CoachDep, body: StartRequest) -> dict[str, Any]:
    """Start a session; returns its id and first question (as `loopcoach mock start --json`)."""
    state = coach.mock.start(
        body.role,
        stages=tuple(body.stages),
        loop=body.loop,
        seed=body.seed,
        feedback_until_end=body.feedback_until_end,
        allow_repeats=body.allow_repeats,
    )
    return coach.mock.started(state)


@api.post("/{session_id}/answer")
def answer_api(coach: CoachDep, session_id: str, body: AnswerRequest) -> dict[str, Any]:
    """Answer the current question; returns the note, then the next turn or the debrief."""
    coach.mock.state(_require_id(session_id))
    coach.limits.take("analysis")
    result = coach.mock.answer(
        session_id, body.answer, key=body.key, duration=body.duration_seconds
    )
    return coach.mock.answered(result)


@api.get("/{session_id}")
def show_api(coach: CoachDep, session_id: str) -> dict[str, Any]:
    """The session: status, current question and every turn (as `loopcoach mock show --json`)."""
    state = coach.mock.resume(_require_id(session_id))
    return state_view(state)


@api.post("/{session_id}/skip")
def skip_api(coach: CoachDep, session_id: str) -> dict[str, Any]:
    """Move on without answering the current question; returns the session."""
    return state_view(coach.mock.skip(_require_id(session_id)))


@api.post("/{session_id}/end")
def end_api(coach: CoachDep, session_id: str) -> dict[str, Any]:
    """End the session now; returns it (its debrief is at .../debrief)."""
    return state_view(coach.mock.end(_require_id(session_id)))


@api.get("/{session_id}/debrief")
def debrief_api(coach: CoachDep, session_id: str) -> dict[str, Any]:
    """Scorecard, recommendation, three changes and transcript."""
    return coach.mock.debrief(_require_id(session_id)).to_dict()


# --- pages ---------------------------------------------------------------------------------
def _stage_groups(coach: Coach) -> list[dict[str, Any]]:
    """Each role's stages, in loop order: the start form offers only the chosen role's."""
    return [
        {
            "role": r.id,
            "name": r.info.name,
            "stages": [{"value": s.id, "label": s.name} for s in r.stages],
        }
        for r in coach.library.roles.values()
    ]


def _start_page(request: Request, status: int = 200, page: int = 1, **form: Any) -> Response:
    coach = get_coach(request)
    limit, offset = html_window(page)
    sessions = coach.mock.page(limit=limit, offset=offset)
    return render(
        request,
        "mock_start.html",
        status=status,
        stage_groups=_stage_groups(coach),
        sessions=[session_summary(s) for s in sessions.items],
        sessions_pager=list_pager(request, sessions, "page"),
        form=form,
    )


@pages.get("/mock", response_class=HTMLResponse)
def mock_home(request: Request, page: PageNumberQ = 1) -> Response:
    """Start a mock interview; your sessions, newest first, a page at a time (`page`)."""
    return _start_page(request, page=page)


def _check_start(coach: Coach, role: str, stage: str, seed: str) -> int | None:
    """The seed as a number; a missing or unknown role, a stage of another role or a bad seed
    is a user error with a sentence saying what to pick."""
    if not role:
        raise LoopcoachError("no-role", "pick the role to interview for")
    pack = coach.library.roles.get(role)
    if pack is None:
        names = ", ".join(r.info.name for r in coach.library.roles.values())
        raise LoopcoachError(
            "unknown-role", f"there is no role '{role[:80]}'; pick one of: {names}"
        )
    if stage and stage not in {s.id for s in pack.stages}:
        names = "; ".join(s.name for s in pack.stages)
        other = next(
            (
                f" (it is a stage of the {r.info.name} loop)"
                for r in coach.library.roles.values()
                if any(s.id == stage for s in r.stages)
            ),
            "",
        )
        raise LoopcoachError(
            "unknown-stage",
            f"'{stage[:80]}' is not a stage of the "
            f"{pack.info.name} loop{other}; pick one of: {names}",
        )
    try:
        seed_value = int(seed) if seed.strip() else None
    except ValueError:
        raise LoopcoachError("bad-seed", "the seed is a whole number, or leave it empty") from None
    if seed_value is not None and not 0 <= seed_value <= MAX_SEED:
        raise LoopcoachError("bad-seed", f"the seed is between 0 and {MAX_SEED}")
    return seed_value


@pages.post("/mock", response_class=HTMLResponse)
def mock_start(
    request: Request,
    coach: CoachDep,
    role: str = Form("", max_length=80),
    stage: str = Form("", max_length=80),
    loop: str = Form("", max_length=10),
    seed: str = Form("", max_length=12),
) -> Response:
    whole_loop = bool(loop)
    try:
        seed_value = _check_start(coach, role, "" if whole_loop else stage, seed)
    except LoopcoachError as exc:  # the form again, as it was sent, with what to change
        return _start_page(
            request,
            status=400,
            role=role,
            stage=stage,
            loop=whole_loop,
            seed=seed,
            error=exc.message,
        )
    state = coach.mock.start(
        role,
        stages=() if whole_loop or not stage else (stage,),
        loop=whole_loop,
        seed=seed_value,
    )
    return RedirectResponse(f"/mock/{state.session_id}", status_code=303)


@pages.get("/mock/{session_id}", response_class=HTMLResponse)
def mock_session(request: Request, coach: CoachDep, session_id: str) -> Response:
    state = coach.mock.resume(_require_id(session_id))
    view = state_view(state)
    notes = {t.key: analysis_short(t) for t in state.turns if t.answer is not None}
    if state.feedback_until_end:
        notes = {}
    return render(
        request,
        "mock_session.html",
        s=view,
        notes=notes,
        answered=[t for t in view["turns"] if t["answer"] is not None or t["skipped"]],
    )


@pages.post("/mock/{session_id}/answer", response_class=HTMLResponse)
def mock_answer(
    coach: CoachDep,
    session_id: str,
    answer: str = Form(..., min_length=1, max_length=MAX_ANSWER_CHARS),
    key: str = Form("", max_length=20),
    duration_seconds: str = Form("", max_length=20),
) -> Response:
    coach.mock.state(_require_id(session_id))
    duration = form_seconds(duration_seconds)
    coach.limits.take("analysis")
    result = coach.mock.answer(session_id, answer, key=key or None, duration=duration)
    target = (
        f"/mock/{session_id}#current" if result.state.current else f"/mock/{session_id}/debrief"
    )
    return RedirectResponse(target, status_code=303)


@pages.post("/mock/{session_id}/skip", response_class=HTMLResponse)
def mock_skip(coach: CoachDep, session_id: str) -> Response:
    state = coach.mock.skip(_require_id(session_id))
    target = f"/mock/{session_id}#current" if state.current else f"/mock/{session_id}/debrief"
    return RedirectResponse(target, status_code=303)


@pages.post("/mock/{session_id}/end", response_class=HTMLResponse)
def mock_end(coach: CoachDep, session_id: str) -> Response:
    coach.mock.end(_require_id(session_id))
    return RedirectResponse(f"/mock/{session_id}/debrief", status_code=303)


@pages.get("/mock/{session_id}/debrief", response_class=HTMLResponse)
def mock_debrief(request: Request, coach: CoachDep, session_id: str) -> Response:
    d = coach.mock.debrief(_require_id(session_id)).to_dict()
    return render(request, "mock_debrief.html", d=d)
