"""Plain text and Markdown for plans: the same lines feed the terminal, Markdown and calendars."""

from __future__ import annotations

from loopcoach.practice.plan import DayPlan, StudyPlan

MODE_TEXT = {
    "template": "the {template} template as written",
    "compressed": "the {template} template, compressed",
    "stretched": "the {template} template, stretched with reinforce days",
    "tomorrow": "a one-day plan for an interview tomorrow",
}


def day_lines(day: DayPlan, role_id: str) -> list[str]:
    """Every task of a day as one line each, in the order to do them."""
    lines = list(day.tasks)
    for s in day.stories:
        lines.append(s.text)
    if day.case:
        lines.append(
            f"Exercise {day.case.id}: {day.case.title} ({day.case.minutes} min, "
            f"{day.case.kind.replace('-', ' ')})."
        )
    if day.mock:
        lines.append(
            f"Mock stage {day.mock.id}: {day.mock.name}, as if with the "
            f"{day.mock.interviewer.lower()} ({day.mock.minutes} min)."
        )
    for q in day.questions:
        lines.append(f"Answer {q.id}: {q.prompt}")
    if day.questions:
        lines.append(
            f"Score them: `loopcoach practice --role {role_id}` or "
            f"`loopcoach analyze --question-id ID`."
        )
    return lines


def day_heading(day: DayPlan) -> str:
    when = day.date.strftime("%a %d %b %Y")
    if day.kind == "rest":
        return f"Day {day.number} · {when} · {day.title}"
    return f"Day {day.number} · {when} · {day.title} ({day.kind}, about {day.minutes} min)"


def summary(plan: StudyPlan) -> str:
    how = MODE_TEXT[plan.mode].format(template=plan.template)
    span = "1 day" if len(plan.days) == 1 else f"{len(plan.days)} days"
    return (
        f"Interview on {plan.interview_date.isoformat()} · {span} from "
        f"{plan.start.isoformat()} · {plan.hours_per_day:g} h a day · {how}"
    )


def plan_markdown(plan: StudyPlan) -> str:
    out = [f"# Study plan: {plan.role_name}", "", summary(plan), ""]
    if plan.stages:
        out += [f"Stages: {', '.join(plan.stages)}", ""]
    for note in plan.notes:
        out += [f"> {note}", ""]
    if plan.weakest_competencies or plan.weakest_dimensions:
        weak = ", ".join(plan.weakest_competencies + plan.weakest_dimensions).replace("_", " ")
        out += [f"Weighted toward your weakest areas: {weak}.", ""]
    for day in plan.days:
        out += [f"## {day_heading(day)}", ""]
        out += [f"- [ ] {line}" for line in day_lines(day, plan.role)]
        for f in day.focus:
            out.append(f"- Focus, {f}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
