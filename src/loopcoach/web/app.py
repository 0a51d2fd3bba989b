"""`create_app(coach)`: the FastAPI application. No app is created at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from loopcoach import __version__
from loopcoach.coach import Coach
from loopcoach.errors import LoopcoachError, NotFound
from loopcoach.web.limits import BodyLimit
from loopcoach.web.routes import analyze, api, exercises, mock, pages, plan, prep

HERE = Path(__file__).parent

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response


def create_app(coach: Coach) -> FastAPI:
    app = FastAPI(title="loopcoach", version=__version__, docs_url="/api/docs", redoc_url=None)
    app.state.coach = coach
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)  # outermost: error responses get the headers too
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(analyze.api)
    app.include_router(mock.api)
    app.include_router(exercises.api)
    app.include_router(plan.api)
    app.include_router(prep.api)
    app.include_router(pages.router)
    app.include_router(analyze.pages)
    app.include_router(mock.pages)
    app.include_router(exercises.pages)
    app.include_router(plan.pages)
    app.include_router(prep.pages)

    @app.exception_handler(LoopcoachError)
    async def _user_error(request: Request, exc: LoopcoachError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.to_dict()}, status_code=status)
        return pages.error_page(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else str(
            first.get("msg", "invalid request"))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"code": "invalid-request", "message": message}},
                                status_code=422)
        return pages.error_page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": {"code": f"http-{exc.status_code}", "message": str(exc.detail)}},
                status_code=exc.status_code,
            )
        return pages.error_page(request, exc.status_code, str(exc.detail))

    return app
