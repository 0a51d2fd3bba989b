"""HTML pages: home, role, question, search."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from loopcoach.coach import Coach
from loopcoach.web.routers import page_router
from loopcoach.web.security import csrf_token

router = page_router()


def _coach(request: Request) -> Coach:
    coach: Coach = request.app.state.coach
    return coach


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    templates = request.app.state.templates
    roles = list(_coach(request).library.roles.values())
    return templates.TemplateResponse(
        request, name, {"all_roles": roles, "csrf_token": csrf_token(request), **context},
        status_code=status,
    )


def error_page(request: Request, status: int, message: str) -> Response:
    try:
        return render(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # the library itself may be what failed
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/roles/{role_id}", response_class=HTMLResponse)
def role_page(request: Request, role_id: str) -> Response:
    role = _coach(request).library.role(role_id)
    return render(request, "role.html", role=role)


@router.get("/questions/{question_id}", response_class=HTMLResponse)
def question_page(request: Request, question_id: str) -> Response:
    role, q = _coach(request).library.question(question_id)
    return render(request, "question.html", role=role, q=q)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", role: str = "") -> Response:
    text = q[:500]
    hits = _coach(request).search(text, role=role or None, limit=30) if text.strip() else []
    return render(request, "search.html", query=text, hits=hits, role_filter=role)
