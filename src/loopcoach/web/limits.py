"""Request size limit: bodies and uploads over 10 MB get a 413 (JSON under /api/, else HTML),
whether they announce their length or stream without one."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 10 * 1024 * 1024  # uploads and every other request body


def too_large(path: str) -> Response:
    message = "the request is larger than 10 MB; send a smaller file"
    if path.startswith("/api/"):
        return JSONResponse({"error": {"code": "too-large", "message": message}}, status_code=413)
    return HTMLResponse(
        f"<!doctype html><title>413</title><h1>Too large</h1><p>{message}</p>", status_code=413
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
