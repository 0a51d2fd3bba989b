"""`loopcoach packs list|validate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import line, print_json, table
from loopcoach.content.library import build_library
from loopcoach.content.loader import load_all
from loopcoach.errors import PackError

app = typer.Typer(help="List and validate role packs.", no_args_is_help=True)


@app.command("list")
def list_packs(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List loaded packs and what each defines or extends."""
    coach: Coach = ctx.obj
    rows = []
    for lp in coach.library.packs:
        p = lp.pack
        rows.append(
            {
                "id": p.pack.id,
                "name": p.pack.name,
                "role": p.role.id if p.role else None,
                "extends": p.pack.extends,
                "questions": len(p.questions),
                "cases": len(p.cases),
                "builtin": lp.builtin,
                "directory": lp.directory,
            }
        )
    if as_json:
        print_json(rows)
        return
    table(
        "Packs",
        ["id", "role", "extends", "questions", "cases", "source"],
        [
            [
                r["id"],
                r["role"] or "-",
                r["extends"] or "-",
                r["questions"],
                r["cases"],
                "built-in" if r["builtin"] else r["directory"],
            ]
            for r in rows
        ],
    )


@app.command()
def validate(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="A pack, or a directory of packs. Default: the built-in packs and --packs."
        ),
    ] = None,
) -> None:
    """Validate packs; exit 0 when valid, 1 with every problem as file:line: message."""
    coach: Coach = ctx.obj
    extra = (*coach.settings.pack_dirs, directory) if directory else coach.settings.pack_dirs
    try:
        library = build_library(load_all(tuple(extra)))
    except PackError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"error: {problem}\n")
        sys.stderr.write(f"{len(exc.problems)} problem(s) found\n")
        raise typer.Exit(1) from None
    n_q = sum(len(r.questions) for r in library.roles.values())
    line(f"ok: {len(library.packs)} packs, {len(library.roles)} roles, {n_q} questions")
