"""Hosted mode's own routes (local mode never mounts them): sign in and out, a new password
with an admin's reset token, the account page
with a full export and account deletion, a coach's read-only view of their cohorts' learners,
and `/api/v1/me` (who is signed in, and the CSRF token an API client sends back).

Signing in opens a brand-new session (its token never came from the client) and ends any
session the browser had, so a planted cookie is never promoted (no session fixation)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Body, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from loopcoach.app import Coach
from loopcoach.app.accounts import (
    MAX_EMAIL,
    MAX_PASSWORD,
    SESSION_LIFETIME,
    Account,
    LoginFailed,
    LoginThrottled,
    address_key,
)
from loopcoach.app.exports import MAX_IMPORT_BYTES
from loopcoach.app.hosting import Hosted
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.web.auth import cleared_cookie, csrf_for, safe_next, session_cookie
from loopcoach.web.deps import AccountDep, CoachDep
from loopcoach.web.errors import user_status
from loopcoach.web.paging import PageNumberQ, PagerDep, html_window, list_pager
from loopcoach.web.routers import api_router, page_router
from loopcoach.web.routes.pages import render

api = api_router(prefix="/api/v1", tags=["account"])
pages = page_router()


def _root(request: Request) -> Coach:
    coach: Coach = request.app.state.coach
    return coach


def _hosted(request: Request) -> Hosted:
    hosted: Hosted = request.app.state.hosted
    return hosted


def _learner_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise NotFound("learner", raw[:20], "see your learners on the coach page")
    return int(raw)


# --- signing in and out ----------------------------------------------------------------------
@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", reset: str = "") -> Response:
    return render(
        request, "login.html", next=safe_next(next), error=None, email="", reset=reset == "done"
    )


@pages.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form("", max_length=MAX_EMAIL * 2),
    password: str = Form("", max_length=MAX_PASSWORD * 4),
    next: str = Form("/", max_length=1000),
) -> Response:
    root = _root(request)
    address = address_key(request.client.host if request.client else None)
    try:
        signed = root.accounts.authenticate(email, password, address=address)
    except LoginFailed as exc:
        return render(
            request, "login.html", status=401, next=safe_next(next), error=exc.message, email=email
        )
    except LoginThrottled as exc:
        page = render(
            request, "login.html", status=429, next=safe_next(next), error=exc.message, email=email
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    old = getattr(request.state, "session_token", None)
    if isinstance(old, str):
        root.accounts.logout(old)  # the browser's earlier session ends here
    response = RedirectResponse(safe_next(next), status_code=303)
    lifetime = int(SESSION_LIFETIME.total_seconds())
    response.headers.append("set-cookie", session_cookie(_hosted(request), signed.token, lifetime))
    return response


@pages.post("/logout")
def logout(request: Request, account: AccountDep) -> Response:
    token = getattr(request.state, "session_token", "")
    _root(request).accounts.logout(token)
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", cleared_cookie(_hosted(request)))
    return response


# --- a new password with a reset token ------------------------------------------------------
@pages.get("/reset", response_class=HTMLResponse)
def reset_page(request: Request) -> Response:
    return render(request, "reset.html", error=None)


@pages.post("/reset", response_class=HTMLResponse)
def reset(
    request: Request,
    token: str = Form("", max_length=200),
    password: str = Form("", max_length=MAX_PASSWORD * 4),
    confirm: str = Form("", max_length=MAX_PASSWORD * 4),
) -> Response:
    """Spend a one-time token from `loopcoach admin reset-password`: set the new password and
    end every session of the user (this browser's too), then sign in again."""
    if password != confirm:
        return render(
            request, "reset.html", status=400, error="confirm: the two passwords are not the same"
        )
    address = address_key(request.client.host if request.client else None)
    try:
        _root(request).accounts.complete_reset(token, password, address=address)
    except LoginThrottled as exc:
        page = render(request, "reset.html", status=429, error=exc.message)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except LoopcoachError as exc:
        return render(request, "reset.html", status=400, error=exc.message)
    response = RedirectResponse("/login?reset=done", status_code=303)
    response.headers.append("set-cookie", cleared_cookie(_hosted(request)))
    return response


# --- the account: export and delete ----------------------------------------------------------
@pages.get("/account", response_class=HTMLResponse)
def account_page(request: Request, account: AccountDep) -> Response:
    return _account_page(request, account)


def _account_page(
    request: Request,
    account: Account,
    *,
    status: int = 200,
    imported: int | None = None,
    import_error: str | None = None,
) -> Response:
    cohorts = _root(request).accounts.cohorts_of(account)
    return render(
        request,
        "account.html",
        status=status,
        me=account.to_dict(),
        cohorts=cohorts,
        imported=imported,
        import_error=import_error,
    )


def _imported(request: Request, account: Account, counts: dict[str, int]) -> int:
    """The audit entry of an import (like an export's); the rows added or changed."""
    total = sum(counts.values())
    _root(request).accounts.record(account, "data-imported", f"{account.email}: {total} rows")
    return total


@pages.post("/account/import", response_class=HTMLResponse)
def account_import(
    request: Request, account: AccountDep, coach: CoachDep, file: UploadFile | None = File(None)
) -> Response:
    """Load a file from `/account/export.json` back: every row becomes the signed-in user's;
    nothing of theirs is deleted and nobody else's row is touched. Audited; counted as an
    upload by the rate limits."""
    if file is None or not file.filename:
        return _account_page(
            request, account, status=400, import_error="file: choose the JSON file to import"
        )
    coach.limits.take("upload")  # a 429 with Retry-After past the per-minute limit
    raw = file.file.read(MAX_IMPORT_BYTES + 1)
    try:
        counts = coach.exports.import_upload(raw, where="file")
    except LoopcoachError as exc:
        return _account_page(request, account, status=user_status(exc), import_error=exc.message)
    return _account_page(request, account, imported=_imported(request, account, counts))


@pages.get("/account/export.json")
def account_export(request: Request, account: AccountDep, coach: CoachDep) -> Response:
    """Everything of the signed-in user, as `loopcoach export json` writes it; audited."""
    data = coach.exports.export_data(now=datetime.now(UTC))
    _root(request).accounts.record(account, "data-exported")
    body = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return Response(
        body.encode("utf-8"),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="loopcoach-export.json"'},
    )


@pages.post("/account/delete")
def account_delete(
    request: Request, account: AccountDep, confirm: str = Form("", max_length=MAX_EMAIL * 2)
) -> Response:
    """Delete the account and all its data, once the user typed their email to confirm."""
    if confirm.strip().lower() != account.email:
        raise LoopcoachError(
            "confirm", "confirm: type your account's email address to delete the account"
        )
    _root(request).accounts.delete_account(account)
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", cleared_cookie(_hosted(request)))
    return response


# --- a coach's learners ----------------------------------------------------------------------
@pages.get("/coach", response_class=HTMLResponse)
def coach_page(request: Request, account: AccountDep, page: PageNumberQ = 1) -> Response:
    """The learners of the coach's cohorts, a page at a time (`page`)."""
    limit, offset = html_window(page)
    learners = _root(request).cohorts.learners_page(account, limit=limit, offset=offset)
    return render(
        request,
        "coach.html",
        learners=[a.to_dict() for a in learners.items],
        learners_pager=list_pager(request, learners, "page"),
    )


@pages.get("/coach/learners/{learner_id}", response_class=HTMLResponse)
def learner_page(request: Request, account: AccountDep, learner_id: str) -> Response:
    learner, progress = _root(request).cohorts.progress(
        account, _learner_id(learner_id), role=None, now=datetime.now(UTC)
    )
    return render(request, "learner.html", learner=learner.to_dict(), progress=progress.to_dict())


# --- API -------------------------------------------------------------------------------------
@api.get("/me")
def me(request: Request, account: AccountDep) -> dict[str, Any]:
    """The signed-in account, and the CSRF token to send as X-CSRF-Token with every request
    that changes something."""
    token = getattr(request.state, "session_token", "")
    return {"account": account.to_dict(), "csrf_token": csrf_for(token)}


@api.post("/account/import")
def import_api(
    request: Request,
    account: AccountDep,
    coach: CoachDep,
    backup: dict[str, Any] = Body(
        ..., description="the JSON of /account/export.json, as it was downloaded"
    ),
) -> dict[str, Any]:
    """Load a backup (the JSON `/account/export.json` gives) into the signed-in user's data:
    rows added or updated per section; nothing is deleted, nobody else's row is touched.
    Audited."""
    coach.limits.take("upload")
    counts = coach.exports.import_data(backup, where="the request body")
    return {"imported": counts, "total": _imported(request, account, counts)}


@api.get("/coach/learners")
def learners_api(
    request: Request,
    account: AccountDep,
    pager: PagerDep,
) -> list[dict[str, Any]]:
    """The learners of the signed-in coach's cohorts (empty for a learner; paged: `limit`,
    `offset`)."""
    page = _root(request).cohorts.learners_page(account, limit=pager.limit, offset=pager.offset)
    return pager.render(page, lambda a: a.to_dict())


@api.get("/coach/learners/{learner_id}/progress")
def learner_progress_api(request: Request, account: AccountDep, learner_id: str) -> dict[str, Any]:
    """A learner's progress, read-only, for their cohort's coach (404 for anyone else)."""
    learner, progress = _root(request).cohorts.progress(
        account, _learner_id(learner_id), role=None, now=datetime.now(UTC)
    )
    return {"learner": learner.to_dict(), "progress": progress.to_dict()}
