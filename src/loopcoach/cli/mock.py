"""`loopcoach mock`: an interactive mock interview, and the scriptable commands behind it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loopcoach.app import Coach
from loopcoach.cli.render import console, line, print_json, table
from loopcoach.errors import LoopcoachError

if TYPE_CHECKING:  # the interview engine loads when a command runs, not for --help
    from loopcoach.interview.session import SessionState

app = typer.Typer(
    help="Practise a mock interview: `loopcoach mock --role tpm [--stage ID | --loop]`.",
    no_args_is_help=False,
)

PAUSE_ENV = "LOOPCOACH_TEST_PAUSE_AT"  # test hook: comma-separated checkpoint names
PAUSE_SECONDS_ENV = "LOOPCOACH_TEST_PAUSE_SECONDS"

RoleOpt = Annotated[str | None, typer.Option("--role", help="Role id (see `loopcoach roles`).")]
StageOpt = Annotated[
    list[str] | None,
    typer.Option("--stage", help="Stage id (repeatable); default: the role's first stage."),
]
LoopOpt = Annotated[bool, typer.Option("--loop", help="Run every stage of the loop, in order.")]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", help="Seed for a reproducible session.", min=0)
]
QuietOpt = Annotated[
    bool,
    typer.Option("--no-feedback-until-end", help="No note after each answer; all in the debrief."),
]
RepeatOpt = Annotated[
    bool,
    typer.Option("--allow-repeats", help="Allow questions asked in your recent sessions."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="Session id (see `loopcoach mock list`).")]


def _start(
    coach: Coach,
    role: str | None,
    stage: list[str] | None,
    loop: bool,
    seed: int | None,
    quiet: bool,
    repeats: bool,
) -> SessionState:
    if not role:
        roles = ", ".join(coach.library.roles)
        raise LoopcoachError(
            "no-role",
            f"give the role to interview for, e.g. `loopcoach mock --role tpm` (roles: {roles})",
        )
    return coach.mock.start(
        role,
        stages=tuple(stage or ()),
        loop=loop,
        seed=seed,
        feedback_until_end=quiet,
        allow_repeats=repeats,
    )


@app.callback(invoke_without_command=True)
def mock(
    ctx: typer.Context,
    role: RoleOpt = None,
    stage: StageOpt = None,
    loop: LoopOpt = False,
    seed: SeedOpt = None,
    quiet: QuietOpt = False,
    repeats: RepeatOpt = False,
) -> None:
    """Run a mock interview in the terminal: the interviewer asks, you type, it follows up."""
    from loopcoach.cli import mock_live

    if ctx.invoked_subcommand is not None:
        return
    coach: Coach = ctx.obj
    state = _start(coach, role, stage, loop, seed, quiet, repeats)
    raise typer.Exit(mock_live.run(coach, state))


@app.command()
def start(
    ctx: typer.Context,
    role: RoleOpt = None,
    stage: StageOpt = None,
    loop: LoopOpt = False,
    seed: SeedOpt = None,
    quiet: QuietOpt = False,
    repeats: RepeatOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Start a session and print its first question (answer with `mock answer ID`)."""
    coach: Coach = ctx.obj
    state = _start(coach, role, stage, loop, seed, quiet, repeats)
    if as_json:
        print_json(coach.mock.started(state))
        return
    line(f"Session {state.session_id} (seed {state.seed}): {state.question_total} questions")
    _show_turn(state)
    line(f"\nAnswer with: loopcoach mock answer {state.session_id} --answer-file FILE")


def _checkpoint(point: str) -> None:
    wanted = os.environ.get(PAUSE_ENV, "")
    if point in {p.strip() for p in wanted.split(",") if p.strip()}:
        sys.stderr.write(f"paused at {point}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "30")))


@app.command()
def answer(
    ctx: typer.Context,
    session_id: IdArg,
    answer_file: Annotated[
        Path | None, typer.Option(help="File with the answer; default: standard input.")
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option(
            help="Real speaking time in seconds (1 to 7200); default: time since it was asked.",
            min=1,
            max=7200,
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="KEY",
            help="The question key you answer (q3, q3.1); makes a retry after a crash "
            "safe: an answer already stored for it is not stored again.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer the current question; prints the next question or follow-up, or the debrief."""
    from loopcoach.cli.analyze import read_answer
    from loopcoach.interview.transcript import timer_line
    from loopcoach.interview.views import analysis_short

    coach: Coach = ctx.obj
    coach.mock.state(session_id)  # unknown ids fail before reading the answer
    text = read_answer(answer_file)
    result = coach.mock.answer(session_id, text, key=to, duration=duration, checkpoint=_checkpoint)
    if as_json:
        print_json(coach.mock.answered(result))
        return
    state, turn = result.state, result.answered
    feedback = not state.feedback_until_end
    if result.replayed:
        line(f"(that answer to {turn.key} was already stored; it was not stored twice)")
    line(timer_line(turn))
    short = analysis_short(turn)
    if feedback and short:
        line(f"Note: {short['note']}")
    if state.current is not None:
        line("")
        _show_turn(state)
    else:
        line(f"\nThe session is over. Debrief: loopcoach mock debrief {session_id}")


def _show_turn(state: SessionState) -> None:
    from loopcoach.interview.views import turn_view

    t = state.current
    if t is None:
        return
    view = turn_view(state, t)
    if view.get("stage_opens"):
        line(f"[{view['stage_name']} · {view['interviewer']}]")
        line(f"Interviewer: {view['persona']}")
    if t.kind == "question":
        line(
            f"{t.key} ({view['number']} of {view['of']}, {t.question_kind}, time box "
            f"{t.time_box // 60}:{t.time_box % 60:02d}): {t.prompt}"
        )
    else:
        line(f"{t.key} follow-up ({t.reason}): {t.prompt}")


@app.command()
def show(ctx: typer.Context, session_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show a session: its events, answers and analyses."""
    from loopcoach.interview.transcript import timer_line
    from loopcoach.interview.views import session_summary, state_view

    coach: Coach = ctx.obj
    state = coach.mock.state(session_id)
    if as_json:
        data = state_view(state)
        data["events"] = coach.mock.event_rows(session_id)
        print_json(data)
        return
    s = session_summary(state)
    line(
        f"Session {state.session_id}: {state.role}, {', '.join(state.stages)} "
        f"(seed {state.seed}), {s['status']}; {s['questions_answered']} of "
        f"{s['questions_planned']} questions answered"
    )
    for t in state.turns:
        who = t.key if t.kind == "question" else f"{t.key} follow-up"
        line(f"\n{who}: {t.prompt}")
        if t.skipped:
            line("  (skipped)")
        elif t.answer is not None:
            line(f"  Answer: {t.answer}")
            line(f"  {timer_line(t)}")
            if t.analysis is not None:
                line(f"  Score {t.analysis.score}/100. {t.analysis.summary}")
            else:
                line("  (stored; its analysis runs on the next `mock answer` or `mock resume`)")
    if state.current is not None:
        line(f"\nWaiting for an answer to {state.current.key}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    role: RoleOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List your mock sessions, newest first."""
    from loopcoach.interview.views import session_summary

    coach: Coach = ctx.obj
    rows = [session_summary(s) for s in coach.mock.list(role=role)]
    if as_json:
        print_json(rows)
        return
    table(
        "Mock sessions",
        ["session", "role", "stages", "status", "answered", "mean", "started"],
        [
            [
                r["session"],
                r["role"],
                ",".join(r["stages"]),
                r["status"],
                f"{r['questions_answered']}/{r['questions_planned']}",
                "" if r["mean_score"] is None else f"{r['mean_score']:.0f}",
                r["started_at"][:16].replace("T", " "),
            ]
            for r in rows
        ],
    )


@app.command()
def resume(ctx: typer.Context, session_id: IdArg, as_json: JsonOpt = False) -> None:
    """Carry on with a session (interactive), or with --json print where it stands."""
    from loopcoach.cli import mock_live

    coach: Coach = ctx.obj
    state = coach.mock.resume(session_id)
    if as_json:
        print_json({"session": session_id, **coach.mock.after(state)})
        return
    raise typer.Exit(mock_live.run(coach, state, resumed=True))


@app.command()
def debrief(
    ctx: typer.Context,
    session_id: IdArg,
    fmt: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file.")] = None,
) -> None:
    """The debrief: scorecard, recommendation, three changes and the full transcript."""
    from loopcoach.interview.report import debrief_markdown

    coach: Coach = ctx.obj
    if fmt not in ("md", "json"):
        raise LoopcoachError("bad-format", f"unknown format '{fmt}': use --format md or json")
    d = coach.mock.debrief(session_id)
    if fmt == "json":
        import json

        text = json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = debrief_markdown(d)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LoopcoachError("write-failed", f"cannot write {output}: {exc.strerror}") from None
    console(stderr=True).print(f"wrote {output}", markup=False)


@app.command()
def skip(ctx: typer.Context, session_id: IdArg, as_json: JsonOpt = False) -> None:
    """Skip the current question or follow-up (a skipped question scores 0 in the debrief)."""
    coach: Coach = ctx.obj
    before = coach.mock.resume(session_id)
    key = before.current.key if before.current else None
    state = coach.mock.skip(session_id)
    if as_json:
        print_json({"session": session_id, "skipped": key, **coach.mock.after(state)})
        return
    line(f"Skipped {key}.")
    if state.current is not None:
        _show_turn(state)
    else:
        line(f"The session is over. Debrief: loopcoach mock debrief {session_id}")


@app.command()
def end(ctx: typer.Context, session_id: IdArg, as_json: JsonOpt = False) -> None:
    """End a session now; the debrief covers the answers given so far."""
    coach: Coach = ctx.obj
    state = coach.mock.end(session_id)
    if as_json:
        print_json({"session": session_id, "status": state.status, **coach.mock.after(state)})
        return
    line(f"Session {session_id} ended. Debrief: loopcoach mock debrief {session_id}")
