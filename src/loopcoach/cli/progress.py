"""`loopcoach progress`, `loopcoach checklist`, `loopcoach calibration`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown

from loopcoach.app import Coach
from loopcoach.app.exports import sparkline
from loopcoach.cli.practice_opts import note, parse_when, split_stages, write_text
from loopcoach.cli.render import console, heading, line, print_json
from loopcoach.practice.progress import Progress

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RoleReq = Annotated[str, typer.Option(help="Role id (see `loopcoach roles`).")]
StagesOpt = Annotated[
    str | None, typer.Option(help="Comma-separated stage ids (default: every stage).")
]
MdOpt = Annotated[Path | None, typer.Option(help="Write the Markdown to this file.")]


def register(app: typer.Typer) -> None:
    app.command("progress")(show_progress)
    app.command()(checklist)
    app.command()(calibration)


def show_progress(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    charts: Annotated[
        Path | None,
        typer.Option(help="Write score and dimension charts (PNG and SVG) to this directory."),
    ] = None,
    at: Annotated[str | None, typer.Option(hidden=True)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Your practice over time: scores, dimension trends, competencies, stories, streak, due."""
    coach: Coach = ctx.obj
    now = parse_when(at)
    tz = UTC if at else datetime.now().astimezone().tzinfo or UTC
    prog = coach.practice.progress(role=role, now=now, tz=tz)
    names = coach.library.role(role).competency_name if role else str
    if charts:
        paths = coach.exports.write_charts(prog, charts)
        note("wrote " + ", ".join(str(p) for p in paths))
    if as_json:
        print_json(prog.to_dict())
        return
    render_progress(prog, names)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_progress(p: Progress, names: Callable[[str], str] = str) -> None:
    scope = f" ({p.role})" if p.role else ""
    heading(f"Progress{scope}")
    if not p.attempts and not p.reviews:
        line("No practice yet. Start with `loopcoach practice --role ROLE`.")
    line(
        f"{_n(p.attempts, 'scored answer')} on {_n(len(p.days), 'day')} · "
        f"{_n(p.reviews, 'review')} · streak {_n(p.streak, 'day')} (longest {p.longest_streak})"
    )
    if p.score:
        line(
            f"{'score':12} {sparkline(p.score.series, lo=0, hi=100):30} "
            f"{p.score.first:5.1f} → {p.score.last:5.1f} ({p.score.delta:+.1f})"
        )
    for t in p.dimensions:
        line(
            f"{t.id.replace('_', ' '):12} {sparkline(t.series, lo=0, hi=4):30} "
            f"{t.first:5.1f} → {t.last:5.1f} ({t.delta:+.1f})"
        )
    if p.best_competencies:
        line(
            "strongest: " + ", ".join(f"{f.name} {f.mean:.0f} ({f.n})" for f in p.best_competencies)
        )
    if p.weakest_competencies:
        line(
            "weakest:   "
            + ", ".join(f"{f.name} {f.mean:.0f} ({f.n})" for f in p.weakest_competencies)
        )
    s = p.stories
    uncovered = ", ".join(names(t) for t in s.get("uncovered_themes", []))
    if s.get("total"):
        line(f"stories: {s['total']}, practised {len(s['practised'])}")
        if uncovered:
            line(f"themes no story covers yet: {uncovered}")
    elif uncovered:
        line(f"no stories yet; a story bank for this loop covers: {uncovered}")
    if p.next_due:
        key, when = p.next_due
        line(f"cards: {p.cards}, due now {p.due_now}; next: {key} on {when.date().isoformat()}")


def _markdown_out(text: str, md: Path | None) -> None:
    if md:
        write_text(md, text)
        note(f"wrote {md}")
        return
    out = console()
    if out.is_terminal:
        out.print(Markdown(text))
    else:
        sys.stdout.write(text)


def checklist(
    ctx: typer.Context, role: RoleReq, stages: StagesOpt = None, md: MdOpt = None
) -> None:
    """Day-of checklist, your 45-second pitch and the questions to ask each interviewer."""
    coach: Coach = ctx.obj
    _markdown_out(coach.practice.checklist(role, stages=split_stages(stages)), md)


def calibration(
    ctx: typer.Context,
    role: RoleReq,
    stages: StagesOpt = None,
    level: Annotated[
        str | None, typer.Option(help="Level you aim for (see `loopcoach role`).")
    ] = None,
    md: MdOpt = None,
) -> None:
    """One-page calibration sheet: three examples, two risks, ambiguity and level stories."""
    coach: Coach = ctx.obj
    _markdown_out(coach.practice.calibration(role, stages=split_stages(stages), level=level), md)
