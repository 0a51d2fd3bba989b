"""Every request runs within a work budget (`loopcoach.budget`): the exercises and uploads stop
at their next checkpoint once REQUEST_SECONDS have passed (a 413 that says so) or once the
client has disconnected (nobody is answered: the work just stops, and the log says so).

The disconnect is noticed by listening on the ASGI `receive` channel once the request body has
been read (uvicorn then answers `http.disconnect` when the client closes the connection); the
route itself runs in the threadpool and sees the budget through its context variable.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loopcoach.budget import Cancelled, within

log = logging.getLogger("loopcoach.web")

REQUEST_SECONDS = 10.0  # of work a request may cause; normal requests take well under one


class WorkBudget:
    """ASGI middleware: a budget per HTTP request, cancelled when its client goes away."""

    def __init__(self, app: ASGIApp, seconds: float | None = None) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seconds = self.seconds if self.seconds is not None else REQUEST_SECONDS
        started = time.monotonic()
        watcher: asyncio.Task[Message] | None = None
        answered = False

        with within(seconds, what="this request") as budget:

            async def watch() -> Message:
                message = await receive()
                if message["type"] == "http.disconnect" and not answered:
                    budget.cancel()
                return message

            async def watched() -> Message:
                nonlocal watcher
                if watcher is not None:  # the body is read: what comes next is the disconnect
                    return await asyncio.shield(watcher)
                message = await receive()
                if message["type"] == "http.disconnect":
                    budget.cancel()
                elif message["type"] == "http.request" and not message.get("more_body", False):
                    watcher = asyncio.ensure_future(watch())
                return message

            async def sent(message: Message) -> None:
                nonlocal answered
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    answered = True
                await send(message)

            try:
                await self.app(scope, watched, sent)
            except Cancelled:
                log.warning(
                    "client gone: stopped %s %s after %.1f s",
                    scope.get("method"),
                    scope.get("path"),
                    time.monotonic() - started,
                )
            finally:
                if watcher is not None and not watcher.done():
                    watcher.cancel()
