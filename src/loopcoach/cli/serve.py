"""`loopcoach serve`: the web app on localhost."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Annotated

import typer

from loopcoach.config import DEFAULT_HOST, DEFAULT_PORT

if TYPE_CHECKING:
    from loopcoach.app import Coach
    from loopcoach.app.hosting import Hosted


def start_warm_up(coach: Coach) -> threading.Thread:
    """Warm the analysis engine in a daemon thread; a failure is logged, never fatal (the first
    request then loads what it needs, and reports any problem itself)."""

    def run() -> None:
        try:
            coach.warm_up()
        except Exception:  # the request path reports real problems itself
            logging.getLogger("loopcoach.web").warning("warm-up failed", exc_info=True)

    thread = threading.Thread(target=run, name="loopcoach-warm-up", daemon=True)
    thread.start()
    return thread


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
    ) -> None:
        """Start the web app (http://127.0.0.1:8000 by default)."""
        import uvicorn

        from loopcoach.web.app import create_app

        coach = ctx.obj
        served = hosted_options(hosted, host)
        coach.library  # noqa: B018 - fail fast on a broken pack, before binding the port
        coach.engine  # noqa: B018 - migrate before serving
        mode = "  hosted: sign-in required" if served is not None else ""
        typer.echo(f"loopcoach serving on http://{host}:{port}{mode}  (Ctrl-C to stop)")
        app = create_app(coach, host=host, extra_hosts=allow_host or (), hosted=served)
        if warm:
            start_warm_up(coach)
        uvicorn.run(app, host=host, port=port, log_level="warning")
