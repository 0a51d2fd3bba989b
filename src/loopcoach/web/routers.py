"""The two kinds of router, with the checks every route of that kind needs: HTML pages (their
posts carry the CSRF form token and no NUL characters) and the JSON API (bounded depth, no NUL
characters)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from loopcoach.web.limits import check_json_body, reject_nul_form
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


def api_router(**options: Any) -> APIRouter:
    """A JSON API router (`prefix`, `tags`, ... as for `APIRouter`): bodies within the depth
    limit and free of NUL characters."""
    return APIRouter(dependencies=[Depends(check_json_body)], **options)
