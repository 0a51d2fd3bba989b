"""`loopcoach serve`: the web app on localhost."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from loopcoach.config import DEFAULT_HOST, DEFAULT_PORT
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:
    from loopcoach.app import Coach
    from loopcoach.app.hosting import Hosted


MAX_WORKERS = 32
# uvicorn kills a worker that does not answer its parent's ping within this (default 5 s); a
# worker loading the model on a busy machine can hold the GIL longer than that, and killing it
# cuts off every request it was serving
WORKER_HEALTHCHECK_S = 60


def start_warm_up(coach: Coach, then: Callable[[], None] | None = None) -> threading.Thread:
    """Warm the analysis engine in a daemon thread (`Coach.warm_up_in_background`), then call
    `then` (the server: `web.heap.settle`, so garbage collection stops walking the model)."""
    return coach.warm_up_in_background(then)


def check_workers(workers: int, database_url: str) -> None:
    """Several workers need one database they can all reach: not an in-memory SQLite one."""
    if workers == 1:
        return
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise LoopcoachError(
            "workers-need-shared-database",
            f"--workers {workers} needs a database file or PostgreSQL, but "
            "LOOPCOACH_DATABASE_URL is an in-memory SQLite database (each worker would have "
            "its own); set it to a file or use --workers 1",
        )


def hosted_options(flag: bool, host: str) -> Hosted | None:
    """None for the local app; for hosted mode its settings, after the checks that must pass
    before a port is bound (one-line LoopcoachError otherwise)."""
    import os

    from loopcoach.app import hosting

    if not hosting.hosted_mode(flag, os.environ):
        return None
    hosting.check_hosted_database(os.environ)
    hosting.check_hasher()
    return hosting.Hosted(secure_cookies=hosting.secure_cookies(host, os.environ))


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to bind.")] = DEFAULT_HOST,
        port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
        allow_host: Annotated[
            list[str] | None,
            typer.Option(
                "--allow-host",
                help="Another host name the app answers to (repeatable), e.g. "
                "this machine's name when serving on 0.0.0.0.",
            ),
        ] = None,
        warm: Annotated[
            bool,
            typer.Option(
                "--warm/--no-warm",
                help="Load the embedding model in the background at start, so "
                "the first analysis is quick.",
            ),
        ] = True,
        hosted: Annotated[
            bool,
            typer.Option(
                "--hosted",
                help="Serve many users with sign-in (also LOOPCOACH_MODE=hosted); needs "
                "LOOPCOACH_DATABASE_URL (docs/hosting.md).",
            ),
        ] = False,
        workers: Annotated[
            int,
            typer.Option(
                min=1,
                max=MAX_WORKERS,
                help="Worker processes sharing the database (each loads the model once). "
                "Use PostgreSQL for more than a few; see docs/hosting.md.",
            ),
        ] = 1,
    ) -> None:
        """Start the web app (http://127.0.0.1:8000 by default)."""
        import uvicorn

        from loopcoach.web.app import create_app

        coach = ctx.obj
        served = hosted_options(hosted, host)
        check_workers(workers, coach.settings.database_url)
        coach.library  # noqa: B018 - fail fast on a broken pack, before binding the port
        coach.engine  # noqa: B018 - migrate before serving
        shown = f", {workers} workers" if workers > 1 else ""
        mode = "  hosted: sign-in required" if served is not None else ""
        typer.echo(f"loopcoach serving on http://{host}:{port}{shown}{mode}  (Ctrl-C to stop)")
        if workers > 1:
            _serve_workers(
                coach, host, port, allow_host or (), warm=warm, workers=workers, hosted=served
            )
            return
        app = create_app(coach, host=host, extra_hosts=allow_host or (), hosted=served)
        from loopcoach.web.heap import settle

        if warm:
            start_warm_up(coach, then=settle)
        else:
            settle()
        uvicorn.run(app, host=host, port=port, log_level="warning")


def _serve_workers(
    coach: Coach,
    host: str,
    port: int,
    allow: Sequence[str],
    *,
    warm: bool,
    workers: int,
    hosted: Hosted | None = None,
) -> None:
    """uvicorn's multi-process mode: it binds the port, starts `workers` processes that each
    build the app (`loopcoach.web.worker`), and restarts one that dies."""
    import uvicorn

    from loopcoach.web.worker import FACTORY, SERVE_ENV, ServeOptions

    options = ServeOptions(
        host=host,
        allow_hosts=tuple(allow),
        pack_dirs=tuple(str(p) for p in coach.settings.pack_dirs),
        warm=warm,
        hosted=hosted is not None,
        secure_cookies=hosted.secure_cookies if hosted is not None else True,
    )
    os.environ[SERVE_ENV] = options.to_env()  # the workers inherit it
    coach.engine.dispose()  # the supervisor keeps no idle database connection for its lifetime
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        log_level="warning",
    )
