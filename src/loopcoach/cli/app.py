"""`loopcoach` entry point: the Typer application and its error handling."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click  # Typer's own copy of click: its commands are these
from typer.core import TyperCommand, TyperGroup

from loopcoach.app import Coach
from loopcoach.config import Settings
from loopcoach.errors import LoopcoachError, PackError, environment_error

# Each command, the module that defines it, and its one-line help for `loopcoach --help`.
# A module is imported only when one of its commands runs (or its own --help is asked for),
# so `loopcoach --help` and the browsing commands start quickly.
# tests/cli/test_cli_speed.py checks this table against the modules.
COMMANDS: dict[str, tuple[str, str]] = {
    "roles": ("browse", "List the roles loopcoach knows (built-in and from your packs)."),
    "role": (
        "browse",
        "Show one role: stages, formats, what is screened for, red flags, scorecard.",
    ),
    "questions": ("browse", "List questions, filtered by role, kind, stage or competency."),
    "question": ("browse", "Everything about one question: why it is asked, rubric, follow-ups."),
    "search": ("browse", "Search prompts, follow-ups, cases, questions to ask and guidance."),
    "analyze": (
        "analyze",
        "Score an answer: structure, coverage, specificity, ownership, red flags, delivery.",
    ),
    "serve": ("serve", "Start the web app (http://127.0.0.1:8000 by default)."),
    "prep": (
        "prep",
        "Build your prep pack: stories from your history, matched to the role's questions.",
    ),
    "plan": (
        "practice",
        "A day-by-day study plan up to the interview, weighted toward your weakest areas.",
    ),
    "progress": (
        "practice",
        "Your practice over time: scores, dimension trends, competencies, stories, streak, due.",
    ),
    "checklist": (
        "practice",
        "Day-of checklist, your 45-second pitch and the questions to ask each interviewer.",
    ),
    "calibration": (
        "practice",
        "One-page calibration sheet: three examples, two risks, ambiguity and level stories.",
    ),
    "import": (
        "practice",
        "Merge a JSON backup into this database; rows already here are left alone.",
    ),
    "stories": ("prep", "Your STAR story bank: list, show, edit and add stories."),
    "resume": ("prep", "Score a résumé for a role."),
    "practice": ("practice", "Practise the cards due today: answer questions, tell stories."),
    "export": ("practice", "Write your data in formats other tools read."),
    "packs": ("packs", "List and validate role packs."),
    "exercise": (
        "exercise",
        "Practise the loop's hands-on formats: backlog prioritisation, "
        "Kano, forecasts, story slicing, acceptance criteria, program plans and the "
        "critical path.",
    ),
    "mock": (
        "mock",
        "Practise a mock interview: `loopcoach mock --role tpm [--stage ID | --loop]`.",
    ),
    "admin": (
        "admin",
        "Manage accounts for hosted mode: users, cohorts, password resets, the audit log.",
    ),
}
SUB_APPS = frozenset({"packs", "exercise", "mock", "admin"})  # modules with their own `app` Typer
_loaded: dict[str, click.Command] = {}


def load_command(name: str) -> click.Command | None:
    """The real click command `name`, importing its module on first use."""
    if name not in COMMANDS:
        return None
    if name not in _loaded:
        module = importlib.import_module(f"loopcoach.cli.{COMMANDS[name][0]}")
        if name in SUB_APPS:
            cmd = typer.main.get_command(module.app)
            cmd.name = name
            _loaded[name] = cmd
        else:
            holder = typer.Typer()
            module.register(holder)
            holder.command("__placeholder__", hidden=True)(lambda: None)  # always a group
            group = typer.main.get_command(holder)
            assert isinstance(group, TyperGroup)
            for found_name, found in group.commands.items():
                if found_name in COMMANDS:
                    _loaded.setdefault(found_name, found)
    return _loaded.get(name)


class LazyGroup(TyperGroup):
    """The root command group: commands load on first use; the help lists them from
    COMMANDS without importing anything."""

    listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.listing and cmd_name in COMMANDS:
            short = COMMANDS[cmd_name][1]
            return TyperCommand(cmd_name, help=short, short_help=short)
        return load_command(cmd_name)

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    name="loopcoach",
    help="Offline, explainable interview coach for TPM, TPO and PO loops.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
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
