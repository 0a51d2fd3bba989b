"""The debrief as Markdown (pure string building) and as JSON-ready data."""

from __future__ import annotations

from typing import Any

from loopcoach.interview.debrief import Debrief
from loopcoach.interview.transcript import clock


def debrief_json(d: Debrief) -> dict[str, Any]:
    return d.to_dict()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _quote(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def debrief_markdown(d: Debrief) -> str:
    rec = d.recommendation
    out: list[str] = [f"# Mock interview debrief: {d.role_name}", ""]
    stages = ", ".join(s.name for s in d.stages) or "no stage started"
    out += [
        f"- Session: `{d.session_id}` (seed {d.seed}, {d.status})",
        f"- Started: {d.started_at:%Y-%m-%d %H:%M} UTC",
        f"- Stages: {stages}",
        f"- Questions: {d.counts.get('questions_answered', 0)} answered, "
        f"{d.counts.get('questions_skipped', 0)} skipped, of "
        f"{d.counts.get('questions_planned', 0)} planned; "
        f"{d.counts.get('follow_ups_asked', 0)} follow-ups; "
        f"{d.counts.get('overruns', 0)} answers over their time box",
        "",
        "## Recommendation",
        "",
    ]
    if rec.label is None:
        out += ["No recommendation yet: no answer has been scored.", ""]
    else:
        out += [f"**{rec.label.title()}** ({rec.reason}).", ""]
    out += [
        "## Scorecard",
        "",
        "| Dimension | Level | Mean score | Questions |",
        "|---|---|---|---|",
    ]
    for row in d.scorecard:
        if row.level is None:
            out.append(f"| {_cell(row.name)} | not assessed | – | 0 |")
        else:
            out.append(
                f"| {_cell(row.name)} | {row.level} / 4 | {row.mean_score:.0f} | "
                f"{len(row.questions)} |"
            )
    out.append("")
    for row in d.scorecard:
        if row.level is None:
            continue
        out += [f"### {row.name}: {row.level} / 4", "", f"_{row.level_text}_", ""]
        for quote in row.evidence:
            out.append(f"- “{_quote(quote.text)}” ({quote.note}; {quote.key})")
        for tip in row.advice:
            out.append(f"- To raise it: {tip}")
        out.append("")
    out += ["## Three changes that would most raise the result", ""]
    if not d.changes:
        out += ["Nothing to change yet.", ""]
    for i, c in enumerate(d.changes, start=1):
        out.append(
            f"{i}. {c.text} ({c.dimension}; {c.analysis_dimension.replace('_', ' ')}: up to "
            f"+{c.gain:.0f} points on {', '.join(c.questions)})"
        )
    out += [
        "",
        "## Questions",
        "",
        "| # | Stage | Question | Score | Follow-ups | Time |",
        "|---|---|---|---|---|---|",
    ]
    for q in d.questions:
        if q.skipped:
            score = "skipped (0)"
        elif q.final_score is None:
            score = "–"
        elif q.first_score is not None and q.first_score != q.final_score:
            score = f"{q.first_score} → {q.final_score}"
        else:
            score = str(q.final_score)
        fus = ", ".join(str(f["trigger"]) for f in q.follow_ups) or "–"
        time = f"{clock(q.duration_seconds)} / {clock(q.time_box)}"
        if q.overrun_seconds > 0:
            time += " (over)"
        out.append(
            f"| {q.key} | {_cell(q.stage)} | {_cell(_quote(q.prompt, 90))} | {score} | "
            f"{_cell(fus)} | {time} |"
        )
    out.append("")
    if d.stages:
        out += ["## Time by stage", ""]
        for s in d.stages:
            flag = " (over the stage's time)" if s.over else ""
            out.append(f"- {s.name}: {clock(s.used_seconds)} answering of {s.minutes} min{flag}")
        out.append("")
    out += ["## Transcript", ""]
    who = {
        "interviewer": "**Interviewer**",
        "candidate": "**You**",
        "coach": "_Coach_",
        "clock": "",
    }
    for line in d.transcript:
        tag = f"[{line.key}] " if line.key and line.speaker == "interviewer" else ""
        if line.speaker == "clock":
            out += [f"  {line.text}", ""]
        elif line.speaker == "coach":
            out += [f"_Coach: {line.text}_", ""]
        else:
            out += [f"{who[line.speaker]}: {tag}{line.text}", ""]
    return "\n".join(out).rstrip() + "\n"


__all__ = ["debrief_json", "debrief_markdown"]
