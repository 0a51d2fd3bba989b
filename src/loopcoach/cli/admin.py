"""`loopcoach admin ...`: accounts for hosted mode, managed by whoever runs the server.

Passwords and reset tokens are never taken from the command line (other users of the machine
can read a process's arguments): they come from a file or standard input, and a terminal is
asked without echo. Local mode needs none of this.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import print_json, table
from loopcoach.errors import LoopcoachError

app = typer.Typer(
    help="Manage accounts for hosted mode: users, cohorts, password resets, the audit log.",
    no_args_is_help=True,
)

MAX_SECRET_BYTES = 4096  # a password is at most 1024 characters; a token 43
PasswordFile = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="Read the password from the first line of this file (else from standard input).",
    ),
]


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].removesuffix("\r")


def _from_file(path: Path, what: str) -> str:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        raise LoopcoachError(
            "secret-file", f"--{what}-file {path}: cannot read it ({exc.strerror})"
        ) from None
    if len(data) > MAX_SECRET_BYTES:
        raise LoopcoachError(
            "secret-file", f"--{what}-file {path}: larger than {MAX_SECRET_BYTES} bytes"
        )
    try:
        return _first_line(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise LoopcoachError("secret-file", f"--{what}-file {path}: not UTF-8 text") from None


def _stdin_lines(count: int) -> list[str]:
    """`count` lines from a piped standard input; a clear error when there is none."""
    stream = sys.stdin
    if stream is None or stream.closed:
        return []
    try:
        text = stream.read(MAX_SECRET_BYTES + 1)
    except (OSError, ValueError):
        return []
    if len(text) > MAX_SECRET_BYTES:
        raise LoopcoachError("secret-stdin", f"standard input: larger than {MAX_SECRET_BYTES}")
    return [line.removesuffix("\r") for line in text.split("\n")[:count]]


def _interactive() -> bool:
    stream = sys.stdin
    return stream is not None and not stream.closed and stream.isatty()


def read_secrets(what: list[str], files: list[Path | None], *, confirm_last: bool) -> list[str]:
    """Each secret named in `what` from its file, a prompt (terminal) or one line of standard
    input each, in order."""
    values: list[str | None] = [
        _from_file(f, w) if f is not None else None for w, f in zip(what, files, strict=True)
    ]
    missing = [i for i, v in enumerate(values) if v is None]
    if missing and _interactive():
        for i in missing:
            values[i] = getpass.getpass(f"{what[i]}: ")
        last = what[-1]
        if confirm_last and files[-1] is None and getpass.getpass(f"{last} again: ") != values[-1]:
            raise LoopcoachError("secret-mismatch", f"the two {last}s differ; nothing changed")
    elif missing:
        lines = _stdin_lines(len(missing))
        for i, text in zip(missing, lines, strict=False):
            values[i] = text
    for name, value in zip(what, values, strict=True):
        if not value:
            flag = "--" + name.split()[-1] + "-file"
            raise LoopcoachError(
                "no-secret",
                f"no {name} given: pipe it on standard input or use {flag} FILE "
                "(never on the command line)",
            )
    return [v for v in values if v is not None]


@app.command("create-user")
def create_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user's email address (their sign-in name).")],
    role: Annotated[str, typer.Option("--role", help="learner, coach or admin.")] = "learner",
    name: Annotated[str, typer.Option("--name", help="Name shown to their coach.")] = "",
    password_file: PasswordFile = None,
) -> None:
    """Create a user who signs in with EMAIL and a password from standard input or a file."""
    coach: Coach = ctx.obj
    (password,) = read_secrets(["password"], [password_file], confirm_last=True)
    account = coach.accounts.create_user(email, password, role=role, name=name)
    typer.echo(f"created {account.role} {account.email}")


@app.command("create-cohort")
def create_cohort(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The cohort's name, unique.")],
    coach_email: Annotated[str, typer.Option("--coach", help="Email of the cohort's coach.")],
) -> None:
    """Create a cohort led by a coach, who will see the progress of its learners only."""
    coach: Coach = ctx.obj
    coach.accounts.create_cohort(name, coach_email)
    typer.echo(f"created cohort {name.strip()} (coach {coach_email.strip().lower()})")


@app.command("invite")
def invite(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email of an existing learner.")],
    cohort: Annotated[str, typer.Option("--cohort", help="Name of the cohort to join.")],
) -> None:
    """Add a learner to a cohort (create the learner first with `admin create-user`)."""
    coach: Coach = ctx.obj
    added = coach.accounts.invite(email, cohort)
    who = email.strip().lower()
    typer.echo(f"added {who} to {cohort.strip()}" if added else f"{who} is already in {cohort}")


@app.command("reset-password")
def reset_password(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email of the user who forgot their password.")],
) -> None:
    """Print a one-time token that lets the user set a new password."""
    coach: Coach = ctx.obj
    reset = coach.accounts.issue_reset(email)
    typer.echo(reset.token)
    typer.echo(
        f"This token sets a new password for {reset.email} once, until "
        f"{reset.expires_at:%Y-%m-%d %H:%M} UTC. Hand it over privately; they open /reset on "
        "the site (the sign-in page links to it) and give the token and a new password, or on "
        "this machine run\n"
        "  loopcoach admin use-reset\n"
        "Every session of the user ends.",
        err=True,
    )


@app.command("disable-user")
def disable_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email of the user to disable.")],
) -> None:
    """Stop a user signing in and end every session they have; their data is kept."""
    coach: Coach = ctx.obj
    account, ended = coach.accounts.set_disabled(email, True)
    typer.echo(
        f"disabled {account.email}; {ended} session{'' if ended == 1 else 's'} ended "
        "(enable again with `loopcoach admin enable-user`)"
    )


@app.command("enable-user")
def enable_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email of a disabled user.")],
) -> None:
    """Let a disabled user sign in again (with the password they had)."""
    coach: Coach = ctx.obj
    account, _ = coach.accounts.set_disabled(email, False)
    typer.echo(f"enabled {account.email}; they can sign in again")


@app.command("use-reset")
def use_reset(
    ctx: typer.Context,
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help="Read the token from this file.")
    ] = None,
    password_file: PasswordFile = None,
) -> None:
    """Set a new password with a one-time token from `admin reset-password`."""
    coach: Coach = ctx.obj
    token, password = read_secrets(
        ["reset token", "new password"], [token_file, password_file], confirm_last=True
    )
    account = coach.accounts.complete_reset(token, password)
    typer.echo(f"new password set for {account.email}; sign in again")


@app.command("list-users")
def list_users(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List the accounts: email, role, name, cohorts, whether locked or disabled."""
    coach: Coach = ctx.obj
    rows = []
    for account in coach.accounts.list_users():
        row = account.to_dict()
        row["cohorts"] = [{"name": n, "as": r} for n, r in coach.accounts.cohorts_of(account)]
        rows.append(row)
    if as_json:
        print_json(rows)
        return
    table(
        "Users",
        ["email", "role", "name", "cohorts", "state"],
        [
            [
                r["email"],
                r["role"],
                r["name"] or "-",
                ", ".join(f"{c['name']} ({c['as']})" for c in r["cohorts"]) or "-",
                "disabled" if r["disabled"] else ("locked" if r["locked_until"] else "active"),
            ]
            for r in rows
        ],
    )


@app.command("audit")
def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The newest entries of the audit log: sign-ins, failures, lockouts, resets, changes."""
    coach: Coach = ctx.obj
    entries = coach.accounts.audit_log(limit=limit)
    rows = [
        {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "target": e.target}
        for e in entries
    ]
    if as_json:
        print_json(rows)
        return
    table("Audit log", ["at", "actor", "action", "target"], [list(r.values()) for r in rows])
