"""The two kinds of router, with the checks every route of that kind needs: HTML pages (their
posts carry the CSRF form token and no NUL characters) and the JSON API (bodies decoded off the
event loop, with bounded depth and no NUL characters)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from loopcoach.web.jsonbody import JsonApiRoute
from loopcoach.web.limits import reject_nul_form
from loopcoach.web.security import keep_form_input, require_form_token


def page_router() -> APIRouter:
    """An HTML router: posts must carry the form token (checked first) and plain text; what
    was typed is kept for the error page, so an error never loses it."""
    return APIRouter(
        include_in_schema=False,
        dependencies=[
            Depends(require_form_token),
            Depends(keep_form_input),
            Depends(reject_nul_form),
        ],
    )


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable code, e.g. 'too-large' or 'question-not-found'.")
    message: str = Field(description="One line that names the problem and what to do.")


class ErrorBody(BaseModel):
    """Every API error: `{"error": {"code", "message"}}`."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# The errors any API route may answer, documented in /openapi.json once for all of them.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("Bad input: the message names the field and what to do."),
    403: _error("A cross-site request (its Origin is not this app)."),
    404: _error("An unknown id."),
    409: _error("The mock session moved on (answered elsewhere, ended, or not waiting)."),
    413: _error("Over a limit: body size, nesting, rows, archive size or the time budget."),
    422: _error("The request does not match the schema."),
}


def api_router(**options: Any) -> APIRouter:
    """A JSON API router (`prefix`, `tags`, ... as for `APIRouter`): bodies decoded off the
    event loop, within the depth limit and free of NUL characters (`JsonApiRoute`); the error
    answers documented."""
    return APIRouter(route_class=JsonApiRoute, responses=API_ERRORS, **options)
