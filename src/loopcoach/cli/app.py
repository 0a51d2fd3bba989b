"""`loopcoach` entry point: the Typer application and its error handling."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from loopcoach.cli import analyze, browse, exercise, mock, packs, practice, prep, serve
from loopcoach.coach import Coach
from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError, PackError, environment_error

app = typer.Typer(
    name="loopcoach",
    help="Offline, explainable interview coach for TPM, TPO and PO loops.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    packs_dir: Annotated[
        list[Path] | None,
        typer.Option("--packs", help="Extra pack directory (repeatable); also LOOPCOACH_PACKS."),
    ] = None,
) -> None:
    ctx.obj = Coach(Settings.from_env(extra_packs=tuple(packs_dir or ())))


browse.register(app)
analyze.register(app)
serve.register(app)
prep.register(app)
practice.register(app)
app.add_typer(packs.app, name="packs")
app.add_typer(exercise.app, name="exercise")
app.add_typer(mock.app, name="mock")


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="loopcoach")
    except PackError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem}\n")
        sys.exit(1)
    except LoopcoachError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:
        known = environment_error(exc)  # a full disk, a read-only data directory, ...
        if known is None:
            raise
        sys.stderr.write(f"error: {known}\n")
        sys.exit(1)
