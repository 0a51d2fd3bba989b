"""JSON request bodies are read off the event loop.

A body may be up to 10 MB (`limits.MAX_BODY_BYTES`); decoding one and checking it for depth
and NUL characters takes up to a second of CPU. FastAPI would decode it on the event loop (and
the checks were made there too), so one such request froze every other one, the health check
included. `JsonApiRoute`, the route class of the JSON API routers, decodes and checks the body
in a worker thread before FastAPI's handler runs, and hands FastAPI the decoded value.

The checks walk the decoded value (an interruptible Python loop in that thread, which lets the
event loop take the GIL back between steps) instead of scanning the raw text with regular
expressions (single C calls that kept the GIL for the whole scan).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import anyio.to_thread
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from loopcoach.errors import LoopcoachError
from loopcoach.limits import LimitError, check_value_depth, too_deep
from loopcoach.web.apidoc import title_of
from loopcoach.web.limits import nul_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A JSON body's limit, under the 10 MB of any body: `json.loads` is one C call that keeps the GIL
# (about 20 ms a megabyte of small items on this machine's cores), so this bounds how long one
# request can hold up the others. The largest field, an exercise file's text, is 1,000,000
# characters: about 1 MB of JSON.
MAX_JSON_BYTES = 4 * 1024 * 1024


_BODY = "the request body"


def _no_nul(text: str) -> None:
    if "\x00" in text:
        raise nul_error(_BODY)


def check_value(value: Any) -> None:
    """No object or array deeper than MAX_DEPTH levels and no NUL character in any string or
    key (PostgreSQL refuses to store one, so it is refused before anything is stored): one walk,
    `limits.check_value_depth`."""
    check_value_depth(value, source=_BODY, on_string=_no_nul)


def decode(body: bytes) -> Any:
    """The decoded body, checked (`check_value`); a body nested past the interpreter's recursion
    limit is refused as too deep, one that is not UTF-8 says so, one over MAX_JSON_BYTES is
    refused before it is decoded."""
    if len(body) > MAX_JSON_BYTES:
        raise LimitError(
            f"the request body: {len(body) / 2**20:.1f} MB of JSON, over the "
            f"{MAX_JSON_BYTES // 2**20} MB limit; send less text, or upload the file instead"
        )
    try:
        value = json.loads(body)
    except RecursionError:
        raise too_deep(_BODY) from None
    except UnicodeDecodeError:
        raise LoopcoachError(
            "bad-encoding", "the request body is not valid UTF-8 text; send it as UTF-8"
        ) from None
    check_value(value)
    return value


def is_json(content_type: str | None) -> bool:
    """As FastAPI decides (strict content type): application/json or application/*+json."""
    if not content_type:
        return False
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class JsonApiRoute(APIRoute):
    """An API route whose JSON body is decoded and checked in a worker thread, titled after
    its docstring in the API docs (`apidoc.title_of`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        if options.get("summary") is None:
            options["summary"] = title_of(endpoint)
        super().__init__(path, endpoint, **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decoded_off_the_loop(request: Request) -> Response:
            if request.method not in SAFE_METHODS and is_json(request.headers.get("content-type")):
                body = await request.body()
                if body:
                    try:
                        value = await anyio.to_thread.run_sync(decode, body)
                    except json.JSONDecodeError as exc:  # as FastAPI reports it itself
                        raise RequestValidationError(
                            [
                                {
                                    "type": "json_invalid",
                                    "loc": ("body", exc.pos),
                                    "msg": "JSON decode error",
                                    "input": {},
                                    "ctx": {"error": exc.msg},
                                }
                            ]
                        ) from None
                    # Starlette's cache of `request.json()`: FastAPI's handler reads the value
                    # from it instead of decoding the body again on the event loop
                    request._json = value
            return await handler(request)

        return decoded_off_the_loop
