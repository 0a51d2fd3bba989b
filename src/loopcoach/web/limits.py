"""Request limits: bodies and uploads over 10 MB get a 413 (JSON under /api/, else HTML),
whether they announce their length or stream without one; speaking times and NUL characters are
checked at the edge, before anything is stored."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import Field
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loopcoach.errors import LoopcoachError

MAX_BODY_BYTES = 10 * 1024 * 1024  # uploads and every other request body


def too_large(path: str) -> Response:
    message = "the request is larger than 10 MB; send a smaller file"
    if path.startswith("/api/"):
        return JSONResponse({"error": {"code": "too-large", "message": message}}, status_code=413)
    return HTMLResponse(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Too large · loopcoach'
        '</title><link rel="stylesheet" href="/static/style.css"><main id="main">'
        f'<h1>413: too large</h1><p class="error" id="error-message">{message}</p>'
        '<p><a href="/" id="back-to-form">Back to your form</a> <span class="meta">'
        "(your browser's Back button keeps what you typed)</span></p></main>"
        '<script src="/static/app.js"></script></html>',
        status_code=413,
    )


class BodyLimit:
    """Reject bodies over MAX_BODY_BYTES with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        path = scope.get("path", "")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = self.limit + 1
            if declared > self.limit:
                await too_large(path)(scope, receive, send)
                return
        seen = 0
        started = False
        exceeded = False
        answered = False

        async def refuse() -> None:
            nonlocal answered
            if not answered:
                answered = True
                await too_large(path)(scope, receive, send)

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                await refuse()  # whatever the app says about a cut-off body, the answer is 413
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except _TooLarge:
            if not started:
                await refuse()


class _TooLarge(Exception):
    pass


# --- text and timing at the edge -------------------------------------------------------------
MIN_SECONDS = 1.0
MAX_SECONDS = 7200.0
Seconds = Annotated[
    float,
    Field(
        ge=MIN_SECONDS,
        le=MAX_SECONDS,
        allow_inf_nan=False,
        description="Real speaking time in seconds, 1 to 7200.",
    ),
]


def form_seconds(raw: str, field: str = "duration_seconds") -> float | None:
    """A form's speaking time: empty is None; anything but 1 to 7200 seconds is a 400."""
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not MIN_SECONDS <= value <= MAX_SECONDS:
        raise LoopcoachError(
            "bad-duration",
            f"{field}: {raw.strip()[:20]!r} is not a speaking "
            "time; give seconds from 1 to 7200, or leave it empty",
        )
    return value


def nul_error(where: str) -> LoopcoachError:
    return LoopcoachError(
        "nul-byte", f"{where}: contains a NUL character (\\0); remove it and send the text again"
    )


async def reject_nul_form(request: Request) -> None:
    """Dependency of the HTML routers: no NUL character in a form's text fields."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()  # cached: FastAPI has already parsed it
    for key, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:
            raise nul_error(f"the field '{key[:40]}'")
