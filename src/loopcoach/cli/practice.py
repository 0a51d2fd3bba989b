"""`loopcoach plan` and `loopcoach practice`: a study plan to the interview date, and daily
practice of the cards that are due (questions answered and scored, stories told and self-rated).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from loopcoach.app import Coach
from loopcoach.app.practice import DEFAULT_HOURS
from loopcoach.cli import exports, progress
from loopcoach.cli.practice_opts import note, parse_date, parse_when, split_stages, write_text
from loopcoach.cli.render import console, heading, line, print_json, table
from loopcoach.errors import LoopcoachError
from loopcoach.practice.cards import RATING_NAMES, QueueEntry, parse_rating
from loopcoach.practice.queue import STORY_LENGTHS, story_notes
from loopcoach.practice.render import day_heading, day_lines, summary

RoleOpt = Annotated[str | None, typer.Option(help="Role id (see `loopcoach roles`).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
StagesOpt = Annotated[
    str | None, typer.Option(help="Comma-separated stage ids to focus on (default: all).")
]


def register(app: typer.Typer) -> None:
    app.command()(plan)
    practice_app = typer.Typer(
        invoke_without_command=True,
        no_args_is_help=False,
        help="Practise the cards due today: answer questions, tell stories.",
    )
    practice_app.callback()(practice)
    practice_app.command("due")(due)
    app.add_typer(practice_app, name="practice")
    progress.register(app)
    exports.register(app)


def plan(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="Role id (see `loopcoach roles`).")],
    interview_date: Annotated[str, typer.Option(help="Interview date, YYYY-MM-DD.")],
    stages: StagesOpt = None,
    hours_per_day: Annotated[
        float, typer.Option(help="Time you have each day, in hours (0.25 to 16).")
    ] = DEFAULT_HOURS,
    ics: Annotated[Path | None, typer.Option(help="Also write an iCalendar file.")] = None,
    md: Annotated[Path | None, typer.Option(help="Also write a Markdown file.")] = None,
    today: Annotated[str | None, typer.Option(help="Plan as if today were YYYY-MM-DD.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A day-by-day study plan up to the interview, weighted toward your weakest areas."""
    coach: Coach = ctx.obj
    day0 = parse_date(today, "--today") if today else date.today()
    the_plan = coach.practice.plan(
        role,
        parse_date(interview_date, "--interview-date"),
        today=day0,
        hours_per_day=hours_per_day,
        stages=split_stages(stages),
    )
    if ics:
        events = coach.exports.write_ics(the_plan, ics)
        note(f"wrote {events} calendar events to {ics}")
    if md:
        write_text(md, coach.exports.plan_markdown(the_plan))
        note(f"wrote the plan to {md}")
    if as_json:
        print_json(the_plan.to_dict())
        return
    heading(f"Study plan: {the_plan.role_name}")
    line(summary(the_plan))
    for text in the_plan.notes:
        line(f"note: {text}")
    if the_plan.weakest_competencies or the_plan.weakest_dimensions:
        pack = coach.library.role(role)
        weak = [pack.competency_name(c) for c in the_plan.weakest_competencies]
        weak += [d.replace("_", " ") for d in the_plan.weakest_dimensions]
        line("weighted toward your weakest: " + ", ".join(weak))
    for day in the_plan.days:
        heading(day_heading(day))
        for item in day_lines(day, the_plan.role):
            line(f"  - {item}")
        for f in day.focus:
            line(f"  focus, {f}")


def _when_due(entry_due: datetime, now: datetime) -> str:
    days = (entry_due - now).total_seconds() / 86400
    if days <= 0:
        return "now"
    return f"in {days:.0f} day{'s' if round(days) != 1 else ''} ({entry_due.date().isoformat()})"


def due(
    ctx: typer.Context,
    role: RoleOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    at: Annotated[str | None, typer.Option(hidden=True)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the cards due now (reviewed before), then new ones, in the order practice serves."""
    coach: Coach = ctx.obj
    now = parse_when(at)
    entries = coach.practice.queue(role=role, limit=limit, now=now)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    table(
        "Due now",
        ["card", "status", "role", "title"],
        [[e.item.key, e.status, e.item.role or "", e.item.title] for e in entries],
    )


def practice(
    ctx: typer.Context,
    role: RoleOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Cards this session.")] = 5,
    stages: StagesOpt = None,
    card: Annotated[
        str | None, typer.Option(help="Practise this card: q:QUESTION_ID or s:STORY_ID.")
    ] = None,
    answer_file: Annotated[
        Path | None,
        typer.Option(help="Answer the next due question (or --card) with this file; no prompts."),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            help="Self-rate the next due story (or --card) without prompts: again|hard|good|easy."
        ),
    ] = None,
    length: Annotated[str, typer.Option(help="Story length: 30s, 2min or deep.")] = "2min",
    at: Annotated[str | None, typer.Option(hidden=True)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Practise the cards due today; answers are analysed and each card is rescheduled."""
    if ctx.invoked_subcommand:
        return
    coach: Coach = ctx.obj
    now = parse_when(at)
    for analysis, _ in coach.analysis.recover():
        line(
            f"Recovered an answer saved before an interruption: {analysis.question.prompt} "
            f"({analysis.score}/100)"
        )
    if length not in STORY_LENGTHS:
        raise LoopcoachError("bad-length", f"--length {length!r}: use 30s, 2min or deep")
    if answer_file is not None or rate is not None:
        from loopcoach.cli.practice_run import run_once

        run_once(
            coach,
            role=role,
            card=card,
            answer_file=answer_file,
            rate=rate,
            length=length,
            now=now,
            as_json=as_json,
            stages=split_stages(stages),
        )
        return
    if card:
        entries = [coach.practice.entry_for(card, now=now)]
    else:
        entries = coach.practice.queue(role=role, limit=limit, now=now, stages=split_stages(stages))
    if not entries:
        line("Nothing is due. Come back tomorrow, or see `loopcoach practice due`.")
        return
    Session(coach, entries, fixed_now=parse_when(at) if at else None).run()


class Session:
    """The interactive loop: reads standard input line by line, so it can be piped."""

    def __init__(
        self, coach: Coach, entries: list[QueueEntry], fixed_now: datetime | None = None
    ) -> None:
        self.coach, self.entries, self.fixed_now = coach, entries, fixed_now
        self.out = console()
        self.done = 0

    def now(self) -> datetime:
        return self.fixed_now or datetime.now(UTC)

    def read_block(self) -> tuple[str, bool]:
        """Lines up to an empty line or end of input: (text, reached end of input)."""
        lines: list[str] = []
        while True:
            raw = sys.stdin.readline()
            if raw == "":
                return "\n".join(lines).strip(), True
            if not raw.strip():
                if lines:
                    return "\n".join(lines).strip(), False
                return "", False
            lines.append(raw.rstrip("\n"))

    def ask(self, prompt: str) -> str | None:
        self.out.print(prompt, end="", markup=False)
        sys.stdout.flush()
        raw = sys.stdin.readline()
        return None if raw == "" else raw.strip()

    def run(self) -> None:
        total = len(self.entries)
        for i, entry in enumerate(self.entries, start=1):
            self.out.print(
                f"\n[bold]{i}/{total} · {entry.item.key}[/bold] [dim]({entry.status})[/dim]"
            )
            go_on = self.question(entry) if entry.item.kind == "question" else self.story(entry)
            if not go_on:
                break
        self.out.print(f"\nPractised {self.done} card{'s' if self.done != 1 else ''}.")

    def question(self, entry: QueueEntry) -> bool:
        _, q = self.coach.library.question(entry.item.ref)
        self.out.print(Text(q.prompt, style="bold"))
        self.out.print(
            f"[dim]Aim for about {q.target_seconds} s spoken. Type your answer; finish "
            "with an empty line or Ctrl-D. An empty first line skips.[/dim]"
        )
        start = time.monotonic()
        text, eof = self.read_block()
        took = time.monotonic() - start
        if not text:
            if eof:
                return False
            self.out.print("[dim]skipped[/dim]")
            return True
        try:
            analysis, rec = self.coach.practice.answer(
                entry, text, now=self.now(), duration_seconds=round(took, 1)
            )
        except LoopcoachError as exc:  # e.g. an answer over the length limit: say so, go on
            self.out.print(f"[yellow]{exc}[/yellow]")
            return True
        colour = "green" if analysis.score >= 75 else "yellow" if analysis.score >= 50 else "red"
        rating = RATING_NAMES[rec.rating] if rec.rating else "not rescheduled"
        self.out.print(
            f"[bold {colour}]Score {analysis.score}/100[/bold {colour}] → {rating}"
            f" · {took:.0f} s · {analysis.word_count} words"
        )
        weakest = sorted(analysis.dimensions.values(), key=lambda d: d.score)[:2]
        for d in weakest:
            for tip in d.advice[:1]:
                self.out.print(Text(f"  {d.name.replace('_', ' ')}: {tip}", style="magenta"))
        for p in analysis.points_missed[:3]:
            self.out.print(Text(f"  missed: {p.label}"))
        if rec.card:
            self.out.print(f"[dim]next due {_when_due(rec.card.due, self.now())}[/dim]")
        self.done += 1
        return True

    def story(self, entry: QueueEntry) -> bool:
        self.out.print(Text(f"Tell your story: {entry.item.title}", style="bold"))
        keys = list(STORY_LENGTHS)
        menu = "  ".join(f"{n}) {STORY_LENGTHS[k][0]}" for n, k in enumerate(keys, start=1))
        choice = self.ask(f"Length? {menu} [2]: ")
        if choice is None:
            return False
        pick = (
            keys[int(choice) - 1]
            if choice in ("1", "2", "3")
            else (choice if choice in keys else "2min")
        )
        label, seconds, hint = STORY_LENGTHS[pick]
        self.out.print(
            f"[dim]{label}, about {seconds} s: {hint} Tell it aloud (or type it); "
            "an empty line when done.[/dim]"
        )
        start = time.monotonic()
        _, eof = self.read_block()
        took = time.monotonic() - start
        if eof:
            return False
        self.out.print(f"[dim]{took:.0f} s of {seconds} s[/dim]")
        story = self.coach.practice.story(entry.item.ref)
        notes = story_notes(story, pick) if story else []
        if notes:
            self.out.print("[bold]Your notes, to compare[/bold]")
            for n in notes:
                self.out.print(Text(f"  {n}"))
        for _ in range(3):
            answer = self.ask("How did it go? 1 again, 2 hard, 3 good, 4 easy: ")
            if answer is None:
                return False
            try:
                rating = parse_rating(answer)
            except LoopcoachError as exc:
                self.out.print(f"[yellow]{exc}[/yellow]")
                continue
            card = self.coach.practice.tell_story(
                entry, rating, length=pick, now=self.now(), duration_seconds=round(took, 1)
            )
            if card:
                self.out.print(f"[dim]next due {_when_due(card.due, self.now())}[/dim]")
            self.done += 1
            return True
        return True
