"""The interactive mock interview in a terminal: persona, question, a running clock, follow-ups.

Answers are typed over several lines and finished with an empty line or Ctrl-D. `/skip` and `/end`
on a line of their own skip the question or end the session. Ctrl-C pauses: a half-typed answer
is kept as a draft and the session resumes with `loopcoach mock resume ID`.
"""

from __future__ import annotations

import math
import shutil
import sys
import threading
import time
from dataclasses import dataclass

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from loopcoach.app import Coach
from loopcoach.cli.render import console
from loopcoach.interview.report import debrief_markdown
from loopcoach.interview.session import SessionState, Turn
from loopcoach.interview.transcript import clock, timer_line
from loopcoach.interview.views import analysis_short, turn_view

HELP = (
    "Type your answer; finish with an empty line or Ctrl-D. On a line of its own, /skip skips "
    "the question and /end ends the session. Ctrl-C pauses."
)


class Paused(Exception):
    """The user pressed Ctrl-C (or input ran out); the session stays resumable."""


class Ticker:
    """Rewrites the clock line above the answer every second while the user types (TTY only)."""

    def __init__(self, box: int, started: float) -> None:
        self.box = box
        self.started = started
        self.rows = 1  # rows between the clock line and the cursor
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add_line(self, text: str) -> None:
        width = max(20, shutil.get_terminal_size().columns)
        self.rows += max(1, math.ceil(len(text) / width))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        height = shutil.get_terminal_size().lines
        while not self._stop.wait(1.0):
            if self.rows >= height - 1:
                continue  # the clock line has scrolled away
            sys.stdout.write(
                f"\0337\033[{self.rows}A\r{clock_text(time.monotonic() - self.started, self.box)}"
                "\033[K\0338"
            )
            sys.stdout.flush()


def clock_text(elapsed: float, box: int) -> str:
    text = f"⏱ {clock(elapsed)} / {clock(box)}"
    if elapsed > box:
        text += f"  over by {clock(elapsed - box)}"
    return text


@dataclass
class Entry:
    text: str
    seconds: float
    command: str | None = None  # "skip" or "end"


def read_entry(out: Console, turn: Turn, draft: str) -> Entry:
    """Read one answer; raises Paused on Ctrl-C (after keeping what was typed as a draft)."""
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    started = time.monotonic()
    lines: list[str] = []
    if tty:
        out.print(clock_text(0, turn.time_box), style="cyan", markup=False)
    else:
        out.print(f"⏱ time box {clock(turn.time_box)}", style="cyan", markup=False)
    ticker = Ticker(turn.time_box, started) if tty else None
    if ticker:
        ticker.start()
    try:
        while True:
            try:
                raw = input()
            except EOFError:
                if lines or draft:
                    break
                if not tty:
                    raise Paused("") from None
                out.print("(nothing typed yet: type your answer, or /skip)", style="dim")
                continue
            if ticker:
                ticker.add_line(raw)
            stripped = raw.strip()
            if not lines and stripped in ("/skip", "/end"):
                return Entry("", time.monotonic() - started, stripped[1:])
            if not lines and stripped == "/restart":
                draft = ""
                out.print("(draft dropped)", style="dim")
                continue
            if not stripped:
                if lines:
                    break
                continue
            lines.append(raw.rstrip())
    except KeyboardInterrupt:
        raise Paused(" ".join(x for x in [draft, " ".join(lines)] if x)) from None
    finally:
        if ticker:
            ticker.stop()
    text = " ".join(x for x in [draft, " ".join(lines).strip()] if x)
    return Entry(text, time.monotonic() - started)


def _show_turn(out: Console, state: SessionState, turn: Turn, shown_stage: str | None) -> None:
    view = turn_view(state, turn)
    if turn.stage != shown_stage:
        main = turn_view(state, state.turn(turn.main_key))
        if "stage_name" in main:
            out.rule(f"{main['stage_name']} · {main['interviewer']}", style="blue")
            out.print(Text(f"Interviewer: {main['persona']}", style="italic"))
    out.print()
    if turn.kind == "question":
        head = (
            f"Question {view['number']} of {view['of']} · {turn.question_kind} · "
            f"time box {clock(turn.time_box)}"
        )
        out.print(Text(head, style="bold"))
    else:
        out.print(
            Text(f"Follow-up · {turn.reason} · time box {clock(turn.time_box)}", style="bold")
        )
    out.print(Text(turn.prompt))
    if turn.draft:
        out.print(
            Text(
                f"(your unfinished answer was kept: “{turn.draft}”; type the rest, "
                "or /restart to drop it)",
                style="dim",
            )
        )


def _pause(out: Console, coach: Coach, state: SessionState, draft: str) -> int:
    if draft and state.current is not None:
        coach.mock.save_draft(state.session_id, draft)
    out.print()
    out.print(
        f"Paused. Everything you answered is saved. Resume with: loopcoach mock resume "
        f"{state.session_id}",
        markup=False,
    )
    return 0


def run(coach: Coach, state: SessionState, *, resumed: bool = False) -> int:
    """Play the session until it ends or the user pauses; returns the exit code."""
    out = console()
    role = coach.library.role(state.role)
    verb = "Resuming" if resumed else "Mock interview"
    out.print(
        f"{verb}: {role.info.name} · session {state.session_id} · seed {state.seed} · "
        f"{state.question_total} questions",
        markup=False,
    )
    out.print(HELP, style="dim", markup=False)
    shown_stage: str | None = None
    sid = state.session_id
    while True:
        try:
            state = coach.mock.resume(sid)
        except KeyboardInterrupt:
            return _pause(out, coach, coach.mock.state(sid), "")
        turn = state.current
        if turn is None:
            break
        _show_turn(out, state, turn, shown_stage)
        shown_stage = turn.stage
        try:
            entry = read_entry(out, turn, turn.draft)
        except Paused as p:
            return _pause(out, coach, state, str(p))
        if entry.command == "skip":
            coach.mock.skip(sid)
            out.print(f"(skipped {turn.key})", style="dim")
            continue
        if entry.command == "end":
            coach.mock.end(sid)
            break
        try:
            result = coach.mock.answer(
                sid, entry.text, key=turn.key, duration=round(entry.seconds, 1)
            )
        except KeyboardInterrupt:
            return _pause(out, coach, coach.mock.state(sid), "")
        answered = result.answered
        out.print(timer_line(answered), style="cyan", markup=False)
        short = analysis_short(answered)
        if short and not result.state.feedback_until_end:
            out.print(Text(f"Note: {short['note']}", style="magenta"))
    debrief = coach.mock.debrief(sid)
    out.print()
    out.rule("Debrief", style="blue")
    text = debrief_markdown(debrief)
    if out.is_terminal:
        out.print(Markdown(text))
    else:
        sys.stdout.write(text)
    out.print(f"Save it with: loopcoach mock debrief {sid} -o debrief.md", markup=False)
    return 0
