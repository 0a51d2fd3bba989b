"""The transcript of a session, and the clock and note lines the faces show after an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopcoach.interview.state import SessionState, Turn


@dataclass(frozen=True)
class Line:
    """A line of the transcript."""

    speaker: str  # "interviewer", "candidate", "coach" or "clock"
    text: str
    key: str = ""
    stage: str = ""
    at: datetime | None = None


def clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def timer_line(turn: Turn) -> str:
    used = turn.duration_seconds or 0.0
    text = f"⏱ {clock(used)} / {clock(turn.time_box)}"
    if turn.overrun_seconds > 0:
        text += f" (over by {clock(turn.overrun_seconds)})"
    if not turn.timed:
        text += " (not timed: pasted)"
    return text


def note(turn: Turn) -> str:
    a = turn.analysis
    if a is None:
        return ""
    return f"{a.score}/100. {a.summary}"


def transcript(state: SessionState) -> list[Line]:
    lines: list[Line] = []
    starts = {s.stage: s for s in state.stages_started}
    current = None
    for t in state.turns:
        if t.kind == "question" and t.stage != current:
            current = t.stage
            st = starts.get(t.stage)
            if st is not None:
                lines.append(Line("interviewer", st.persona, "", st.stage, st.at))
        prefix = "" if t.kind == "question" else f"[follow-up: {t.reason or t.trigger}] "
        lines.append(Line("interviewer", prefix + t.prompt, t.key, t.stage, t.asked_at))
        if t.skipped:
            lines.append(Line("candidate", "(skipped)", t.key, t.stage))
        elif t.answer is None:
            lines.append(Line("candidate", "(not answered)", t.key, t.stage))
        else:
            lines.append(Line("candidate", t.answer, t.key, t.stage, t.answered_at))
            lines.append(Line("clock", timer_line(t), t.key, t.stage))
            if t.analysis is not None:
                lines.append(Line("coach", note(t), t.key, t.stage, t.analysis.at))
    if state.ended is not None:
        why = "completed" if state.ended.reason == "completed" else "ended early"
        lines.append(Line("interviewer", f"(session {why})", "", "", state.ended.at))
    return lines


__all__ = ["Line", "clock", "note", "timer_line", "transcript"]
