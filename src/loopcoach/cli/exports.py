"""`loopcoach export anki|json` and `loopcoach import FILE`.

`export_app` is the `export` command group; other features add their formats to it with
`@export_app.command("NAME")`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import line, print_json

export_app = typer.Typer(no_args_is_help=True, help="Write your data in formats other tools read.")
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="File to write.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@export_app.command("anki")
def export_anki(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="Role id (see `loopcoach roles`).")],
    output: OutOpt,
) -> None:
    """An Anki deck: the role's questions with guidance on the back, and your stories."""
    coach: Coach = ctx.obj
    summary = coach.exports.write_anki(role, output)
    line(f"wrote {output}: {summary.questions} questions, {summary.stories} stories")


@export_app.command("json")
def export_json(ctx: typer.Context, output: OutOpt, as_json: JsonOpt = False) -> None:
    """Everything you have stored, as one JSON file for backup or moving machines."""
    coach: Coach = ctx.obj
    counts = coach.exports.export_json(output)
    if as_json:
        print_json({"file": str(output), "sections": counts})
        return
    line(
        f"wrote {output}: "
        + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
    )


def import_backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file made by `loopcoach export json`.")],
    as_json: JsonOpt = False,
) -> None:
    """Merge a JSON backup into this database; rows already here are left alone."""
    coach: Coach = ctx.obj
    counts = coach.exports.import_json(file)
    if as_json:
        print_json({"file": str(file), "added": counts})
        return
    added = sum(counts.values())
    line(
        f"added or updated {added} rows: "
        + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
    )


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command("import")(import_backup)
