"""Cross-site protection: a Host allow-list (no DNS rebinding), an Origin/Referer check on every
state-changing request, and a CSRF token for HTML forms (double-submit cookie).

`SiteGuard` is pure ASGI middleware; `require_form_token` is the FastAPI dependency of the HTML
page routers. Pages render the token into a hidden `csrf_token` field, so every form works
without JavaScript; a browser sends the cookie with same-site posts only (SameSite=Strict).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loopcoach.errors import LoopcoachError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
CSRF_COOKIE = "loopcoach_csrf"
CSRF_FIELD = "csrf_token"
TOKEN_CHARS = 43  # secrets.token_urlsafe(32)


class CrossSiteError(LoopcoachError):
    """A state-changing request that did not come from one of this app's own pages."""

    http_status = 403

    def __init__(self, message: str) -> None:
        super().__init__("cross-site", message)


def allowed_hosts(bind_host: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names the app answers to: the loopback names, the bound address and any extras."""
    names = set(LOCAL_HOSTS)
    for name in (bind_host or "", *extra):
        clean = name.strip().strip("[]").lower()
        if clean not in WILDCARD_HOSTS:
            names.add(clean)
    return frozenset(names)


def host_name(host_header: str) -> str:
    """`127.0.0.1:8000` -> `127.0.0.1`, `[::1]:8000` -> `::1`; '' when it cannot be read."""
    host = host_header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def request_source(headers: Headers) -> str | None:
    """`host:port` the request says it came from (Origin, else Referer); None when neither is
    sent (a command-line client); 'null' for an opaque origin (sandboxed frames, data: URLs)."""
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        if not referer:
            return None
        origin = referer
    if origin.strip().lower() == "null":
        return "null"
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "null"
    return parts.netloc.lower()


def _refusal(path: str, status: int, code: str, message: str) -> Response:
    if path.startswith("/api/"):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    from html import escape

    return HTMLResponse(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>'
        + str(status)
        + "</title><h1>"
        + str(status)
        + "</h1><p>"
        + escape(message)
        + "</p></html>",
        status_code=status,
    )


class SiteGuard:
    """Refuse foreign Host headers (400) and cross-origin state-changing requests (403); issue
    the CSRF cookie and put its value on `request.state.csrf_token` for the templates."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = LOCAL_HOSTS) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = scope.get("path", "")
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            shown = host[:60] or "no Host header"
            await _refusal(
                path,
                400,
                "bad-host",
                (
                    f"this server does not answer to '{shown}'; open it as http://127.0.0.1 "
                    "(or start it with --allow-host NAME)"
                ),
            )(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            source = request_source(headers)
            if source is not None and source != host.lower():
                await _refusal(
                    path,
                    403,
                    "cross-site",
                    (
                        "refused: this request came from another web site; use loopcoach's own "
                        "pages (reload the page and submit again)"
                    ),
                )(scope, receive, send)
                return
        token = _cookie_token(headers)
        fresh = token is None
        if token is None:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token
        if not fresh:
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict",
                )
            await send(message)

        await self.app(scope, receive, with_cookie)


def _cookie_token(headers: Headers) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == CSRF_COOKIE and _well_formed(value):
            return value
    return None


def _well_formed(token: str) -> bool:
    return len(token) == TOKEN_CHARS and all(c.isalnum() or c in "-_" for c in token)


def csrf_token(request: Request) -> str:
    """The token to render into a form's hidden `csrf_token` field."""
    token = getattr(request.state, "csrf_token", "")
    return token if isinstance(token, str) else ""


async def require_form_token(request: Request) -> None:
    """Dependency of the HTML routers: a post must carry the cookie's token in `csrf_token`;
    under a hosted-mode session, the session's own token instead (web/auth.py)."""
    if request.method in SAFE_METHODS:
        return
    bound = getattr(request.state, "session_csrf", None)
    cookie = bound if isinstance(bound, str) else _cookie_token(request.headers)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if (
        cookie is None
        or not isinstance(sent, str)
        or not secrets.compare_digest(sent.encode("utf-8", "replace"), cookie.encode("ascii"))
    ):
        raise CrossSiteError(
            "this form is out of date or was sent from another site; reload the page and "
            "submit it again"
        )


KEPT_FIELDS_SKIPPED = frozenset(
    {
        CSRF_FIELD,
        "password",
        "confirm",
        "token",
        "next",
        "duration_seconds",
        "key",
        "save",
        "loop",
        "format",
        "against",
        "role",
        "case_id",
        "question_id",
    }
)
MAX_KEPT_CHARS = 100_000


async def keep_form_input(request: Request) -> None:
    """Dependency of the HTML routers: the text fields of a post, on `request.state.form_input`
    (shared with the error handlers), so an error page can give back what the user typed."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()  # cached on the request by the token check
    kept = [
        (name, value[:MAX_KEPT_CHARS])
        for name, value in form.multi_items()
        if isinstance(value, str) and value.strip() and name not in KEPT_FIELDS_SKIPPED
    ]
    request.state.form_input = kept
