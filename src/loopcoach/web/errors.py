"""One error path: every error ends as JSON `{"error": {"code", "message"}}` under /api/ and as
the HTML error page elsewhere, always with the security headers and a sentence a user can act
on. `ErrorBoundary` (outermost middleware) catches what the routes did not; `install` registers
the handlers for user errors, validation errors and HTTP errors.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loopcoach.errors import LoopcoachError, NotFound, environment_error
from loopcoach.limits import MAX_DEPTH

log = logging.getLogger("loopcoach.web")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin (not no-referrer): a same-origin form post then carries its real Origin
    # instead of `Origin: null`, and nothing is sent to other sites.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        from loopcoach.web.text import api_advice

        body = {"error": {"code": code, "message": api_advice(message)}}
        return JSONResponse(body, status_code=status)
    from loopcoach.web.routes.pages import error_page

    return error_page(request, status, message)


ENVIRONMENT_STATUS = {
    "disk-full": 507,
    "read-only": 503,
    "permission-denied": 503,
    "too-deep": 400,
    "too-large": 413,
    "nul-byte": 400,
}


# A session that moved on under the request (another answer got there first, it has ended, it is
# not waiting for an answer): the request conflicts with the session's state.
CONFLICT_CODES = frozenset(
    {"session-busy", "session-ended", "session-not-waiting", "session-moved-on"}
)


def user_status(exc: LoopcoachError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if exc.code in CONFLICT_CODES:
        return 409
    return int(getattr(exc, "http_status", 400))


def describe(exc: BaseException) -> tuple[int, str, str]:
    """(status, code, message) for an exception no route turned into a user error."""
    known = environment_error(exc)
    if known is not None:
        return ENVIRONMENT_STATUS.get(known.code, 500), known.code, known.message
    return (
        500,
        "internal",
        (
            f"loopcoach hit an unexpected problem ({type(exc).__name__}); "
            "try again, and report it with the server log if it happens again"
        ),
    )


class ErrorBoundary:
    """Outermost middleware: security headers on every response, and any exception that
    escaped the routes answered as a JSON or HTML error instead of a bare 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:  # the one place every error ends
            if started:
                log.exception("error after the response started")
                return
            status, code, message = describe(exc)
            if status >= 500:
                log.error("%s %s failed", scope.get("method"), scope.get("path"), exc_info=exc)
            response = _safe_response(Request(scope), status, code, message)
            await response(scope, receive, with_headers)


def _safe_response(request: Request, status: int, code: str, message: str) -> Response:
    try:
        return error_response(request, status, code, message)
    except Exception:  # the templates themselves may be what failed
        from html import escape

        return HTMLResponse(
            f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>",
            status_code=status,
        )


def install(app: FastAPI) -> None:
    """The exception handlers for errors a user can cause."""

    @app.exception_handler(LoopcoachError)
    async def _user_error(request: Request, exc: LoopcoachError) -> Response:
        response = error_response(request, user_status(exc), exc.code, exc.message)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, int):  # a rate limit (app/ratelimits.py): 429
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        what = str(first.get("msg", "invalid request"))[:300]
        if not where and tuple(first.get("loc", ())) == ("body",):
            where = "the request body"  # not a JSON object (or sent as another content type)
            what += "; send a JSON object with Content-Type: application/json"
        message = f"{where[:200]}: {what}" if where else what
        return error_response(request, 422, "invalid-request", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if message == "There was an error parsing the body":  # FastAPI's words for it
            message = (
                "the request body could not be read: it is not UTF-8 JSON or form data, "
                f"or it is nested more than {MAX_DEPTH} levels deep; send a flat JSON "
                "object"
            )
        return error_response(request, exc.status_code, f"http-{exc.status_code}", message)
