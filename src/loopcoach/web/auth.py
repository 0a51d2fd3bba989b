"""Hosted mode's sign-in gate: every request but the login and reset pages, the health check and
static files needs a signed-in user; the session lives in the database (`auth_sessions`), its token
in an HttpOnly, SameSite=Lax cookie (Secure, with the `__Host-` prefix, unless the app runs on
loopback http for tests).

`SignInGate` is pure ASGI middleware inside `SiteGuard`. For a valid session it puts on the
request's state: `account`, `owner_coach` (a `Coach` whose services read and write that user's
rows only, `Coach.for_owner`), `session_token` and `csrf_token`, which is derived from the
session token, so it changes at every sign-in and no other session can use it. A page's form
carries it in `csrf_token` (web/security.py checks it); an API request that changes state
carries it in the `X-CSRF-Token` header (checked here). Local mode never installs the gate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlsplit

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from loopcoach.app import Coach
from loopcoach.app.hosting import Hosted

SESSION_COOKIE = "loopcoach_session"
SECURE_SESSION_COOKIE = "__Host-loopcoach_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/login", "/reset", "/api/v1/health"})
PUBLIC_PREFIXES = ("/static/",)
MAX_NEXT = 500


def cookie_name(hosted: Hosted) -> str:
    return SECURE_SESSION_COOKIE if hosted.secure_cookies else SESSION_COOKIE


def session_cookie(hosted: Hosted, token: str, max_age: int) -> str:
    """The Set-Cookie value that hands a session to the browser."""
    secure = "; Secure" if hosted.secure_cookies else ""
    return (
        f"{cookie_name(hosted)}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax" + secure
    )


def cleared_cookie(hosted: Hosted) -> str:
    secure = "; Secure" if hosted.secure_cookies else ""
    return f"{cookie_name(hosted)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure


def csrf_for(session_token: str) -> str:
    """The CSRF token of a session: an HMAC of a fixed label under the session token (43
    URL-safe characters); unguessable without the HttpOnly cookie, new at every sign-in."""
    mac = hmac.new(session_token.encode("ascii"), b"loopcoach-csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def session_token(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and 0 < len(value) <= 100:
            return value
    return None


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def safe_next(raw: str) -> str:
    """Where to go after signing in: a path on this site only (never `//host` or a URL)."""
    raw = raw.strip()[:MAX_NEXT]
    parts = urlsplit(raw)
    if (
        not raw.startswith("/")
        or raw.startswith("//")
        or "\\" in raw
        or parts.scheme
        or parts.netloc
        or any(ord(c) < 32 for c in raw)
        or parts.path in ("/login", "/logout")
    ):
        return "/"
    return raw


def _json(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class SignInGate:
    def __init__(self, app: ASGIApp, coach: Coach, hosted: Hosted) -> None:
        self.app = app
        self.coach = coach
        self.hosted = hosted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "")
        state = scope.setdefault("state", {})
        token = session_token(headers, cookie_name(self.hosted))
        account = None
        if token is not None and (path == "/login" or not is_public(path)):
            # (the health check and static files never touch the database for a session)
            account = await anyio.to_thread.run_sync(self.coach.accounts.session, token)
        if account is not None and token is not None:
            state["account"] = account
            state["owner_coach"] = self.coach.for_owner(account.id)
            state["session_token"] = token
            state["csrf_token"] = state["session_csrf"] = csrf_for(token)
        elif not is_public(path):
            await self._sign_in_first(scope, path)(scope, receive, send)
            return
        if (
            account is not None
            and scope["method"] not in SAFE_METHODS
            and path.startswith("/api/")
            and not secrets.compare_digest(
                headers.get(CSRF_HEADER, "").encode("utf-8", "replace"),
                state["session_csrf"].encode("ascii"),
            )
        ):
            await _json(
                403,
                "csrf",
                "refused: send the session's CSRF token in the X-CSRF-Token header "
                "(GET /api/v1/me gives it)",
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _sign_in_first(self, scope: Scope, path: str) -> Response:
        if path.startswith("/api/") or path == "/openapi.json":
            return _json(401, "sign-in", "sign in first: open /login in a browser")
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + (f"?{query}" if query else "")
        if scope["method"] not in SAFE_METHODS:
            target = "/"  # a post cannot be replayed by a redirect; start again signed in
        return RedirectResponse("/login?next=" + quote(safe_next(target), safe="/"), 303)
