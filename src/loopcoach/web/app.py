"""`create_app(coach)`: the FastAPI application. No app is created at import time."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from loopcoach import __version__
from loopcoach.app import Coach
from loopcoach.app.hosting import Hosted
from loopcoach.web import errors
from loopcoach.web.auth import SignInGate
from loopcoach.web.budget import WorkBudget
from loopcoach.web.housekeeping import purging_sessions
from loopcoach.web.limits import BodyLimit
from loopcoach.web.routes import account, analyze, api, exercises, mock, pages, plan, prep
from loopcoach.web.security import SiteGuard, allowed_hosts
from loopcoach.web.text import plural, web_advice

HERE = Path(__file__).parent


# Sync routes at once. Each thread computing Python competes with the event loop for the GIL:
# with 1 ms switches, the loop's wait for the GIL after a socket event was p95 25-43 ms beside
# 2 busy threads, 55-69 ms beside 4 and 159 ms beside 8 (load average 19 on 2 cores); a health
# check needs the GIL several times. On two cores more threads add no throughput.
WORKER_THREADS = 4
# How long a thread computing Python may keep the GIL once another thread asks for it (Python's
# default is 5 ms). The event loop thread needs the GIL back after every socket read, write and
# poll; with WORKER_THREADS threads computing it waited up to 5 ms behind each of them, several
# times per request, so the health check took hundreds of milliseconds while analyses ran.
GIL_SWITCH_SECONDS = 0.001


@asynccontextmanager
async def _worker_threads(app: FastAPI) -> AsyncIterator[None]:
    """At most WORKER_THREADS requests compute at once (anyio's default is 40): the others wait
    their turn instead of slowing everyone, and the event loop (the health check, static files,
    reading uploads) keeps getting the CPU; the computing threads hand the GIL back within
    GIL_SWITCH_SECONDS (restored when the app stops)."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _hosted_lifespan(
    coach: Coach, hosted: Hosted
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Hosted mode's lifespan: the worker threads as in local mode, and the session purge."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _worker_threads(app), purging_sessions(coach, hosted.purge_every):
            yield

    return lifespan


def create_app(
    coach: Coach,
    *,
    host: str | None = None,
    extra_hosts: Iterable[str] = (),
    hosted: Hosted | None = None,
) -> FastAPI:
    """The app; it answers only to the loopback names, `host` (the bound address) and
    `extra_hosts` (`loopcoach serve --allow-host`). With `hosted`, every route but the login
    page, the health check and static files needs a signed-in user, whose data only it sees
    (web/auth.py); without, it is the local single-user app with no sign-in."""
    # No Swagger UI or ReDoc: they load from a CDN. /api/docs is a page of our own (pages.py).
    app = FastAPI(
        title="loopcoach",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=_worker_threads if hosted is None else _hosted_lifespan(coach, hosted),
    )
    app.state.coach = coach
    app.state.hosted = hosted
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["web"] = web_advice
    templates.env.filters["plural"] = plural
    app.state.templates = templates
    # Added innermost first: ErrorBoundary wraps everything, so every answer (a refusal, a
    # 413, an unexpected error) carries the security headers. WorkBudget stops a request's
    # work after its time budget or once its client has gone.
    app.add_middleware(WorkBudget)
    app.add_middleware(BodyLimit)
    if hosted is not None:
        app.add_middleware(SignInGate, coach=coach, hosted=hosted)
    app.add_middleware(SiteGuard, hosts=allowed_hosts(host, extra_hosts))
    app.add_middleware(errors.ErrorBoundary)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(analyze.api)
    app.include_router(mock.api)
    app.include_router(exercises.api)
    app.include_router(plan.api)
    app.include_router(prep.api)
    if hosted is not None:
        app.include_router(account.api)
        app.include_router(account.pages)
    app.include_router(pages.router)
    app.include_router(analyze.pages)
    app.include_router(mock.pages)
    app.include_router(exercises.pages)
    app.include_router(plan.pages)
    app.include_router(prep.pages)
    errors.install(app)
    return app
