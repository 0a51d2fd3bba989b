"""The day-by-day study plan: a role's plan template fitted to the days left before the interview.

`build_plan(role, interview_date, today=...)` is pure: the date is an argument. The rules
(docs/practice.md):

- The plan runs from `today` to the day before the interview (at most `MAX_PLAN_DAYS` days; a later
  interview starts the plan later, and says so in its notes). An interview more than
  `MAX_PLAN_AHEAD_DAYS` (one year) ahead is refused with the latest date allowed, never cut.
  The template is the role's plan whose length is closest to the days left (ties go to the
  longer one: the 2-week template from 12 days, else the 10-day one).
- Fewer days than the template: rest days go first, then neighbouring days are merged.
- More days: extra "reinforce" days are spread between the template days (one in seven becomes a
  rest day), and the template's last day stays the last day.
- An interview today, tomorrow or in the past gives a one-day "interview tomorrow" plan.
- Every day gets concrete work sized to `hours_per_day`: pack questions (weakest competencies,
  unpractised and due ones first), a case on practice days, a mock stage on mock days, stories to
  tell or themes to draft on story days, and a focus tip for the weakest analysis dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from loopcoach.content.library import RolePack
from loopcoach.content.schema import PlanDay, PrepPlan
from loopcoach.errors import LoopcoachError
from loopcoach.practice.days import DayBuilder
from loopcoach.practice.history import History
from loopcoach.practice.picks import stage_filter
from loopcoach.practice.plan_types import (
    CaseTask,
    DayPlan,
    QuestionTask,
    StageTask,
    StoryTask,
    StudyPlan,
)

MAX_PLAN_DAYS = 60  # the longest plan; a later interview starts it later
MAX_PLAN_AHEAD_DAYS = 365  # the furthest interview date a plan is made for
DEFAULT_HOURS = 2.0  # study time a day when none is given (every face)

__all__ = [
    "CaseTask",
    "DayPlan",
    "QuestionTask",
    "StageTask",
    "StoryTask",
    "StudyPlan",
    "build_plan",
    "pick_template",
]


def pick_template(plans: Sequence[PrepPlan], days: int) -> PrepPlan | None:
    """The template whose length is closest to `days`; ties go to the longer template."""
    if not plans:
        return None
    return min(plans, key=lambda p: (abs(p.days - days), -p.days))


def _expand(plan: PrepPlan) -> list[tuple[int, PlanDay]]:
    """(template day number, entry) per day; an entry spanning days 5-6 appears twice."""
    by_day: dict[int, PlanDay] = {}
    for entry in plan.schedule:
        for d in range(entry.day, entry.last_day + 1):
            by_day.setdefault(d, entry)
    return [(d, by_day[d]) for d in sorted(by_day)]


def _fit(days: list[tuple[int, PlanDay]], n: int) -> list[list[tuple[int, PlanDay]]]:
    """Slots of template days for `n` plan days: merged when fewer, empty slots (to fill with
    reinforce days) when more. The template's last day is always the last slot."""
    t = len(days)
    if n == t:
        return [[d] for d in days]
    if n < t:
        kept = list(days)
        while len(kept) > n and any(e.kind == "rest" for _, e in kept[:-1]):
            kept.remove(next(x for x in kept[:-1] if x[1].kind == "rest"))
        t = len(kept)
        slots: list[list[tuple[int, PlanDay]]] = [[] for _ in range(n)]
        for i, d in enumerate(kept):
            slots[min(n - 1, i * n // t)].append(d)
        return slots
    body, last = days[:-1], days[-1]
    out: list[list[tuple[int, PlanDay]]] = [[] for _ in range(n - 1)]
    for k, d in enumerate(body):  # spread evenly: each extra day follows template days
        out[k * (n - 1) // len(body)].append(d)
    return [*out, [last]]


def _generic_template(role: RolePack) -> PrepPlan:
    """For packs without plans: a plain ten-day shape built from the role's own material."""
    shape = [
        ("study", "What each stage checks"),
        ("study", "The questions you will meet"),
        ("stories", "Draft your story bank"),
        ("stories", "Tell each story at three lengths"),
        ("practice", "Hands-on exercise"),
        ("practice", "Timed answers"),
        ("mock", "Mock stage"),
        ("research", "Research the company"),
        ("mock", "Second mock stage"),
        ("review", "Light review"),
    ]
    tasks = {
        "study": f"Read how the loop runs and what each stage checks: `loopcoach role {role.id}`.",
        "stories": "Write each story as situation, task, action and result with one number.",
        "practice": "Work the exercise below against the clock, then compare with the guidance.",
        "mock": "Run the stage below as a mock, out loud and timed.",
        "research": "Read the company's recent launches and guess the team's hardest problems.",
        "review": "Skim your notes and story headlines; learn nothing new today.",
    }
    return PrepPlan(
        id=f"{role.id}-generic",
        name="Ten-day preparation",
        days=len(shape),
        description="A plain ten-day plan for packs without plan templates.",
        schedule=[
            PlanDay(day=i + 1, title=title, kind=kind, tasks=[tasks[kind]])  # type: ignore[arg-type]
            for i, (kind, title) in enumerate(shape)
        ],
    )


def _validate(hours_per_day: float) -> None:
    if not 0.25 <= hours_per_day <= 16:
        raise LoopcoachError(
            "bad-hours", f"--hours-per-day {hours_per_day:g} is out of range: give 0.25 to 16"
        )


def _check_ahead(interview_date: date, today: date) -> None:
    ahead = (interview_date - today).days
    if ahead > MAX_PLAN_AHEAD_DAYS:
        latest = today + timedelta(days=MAX_PLAN_AHEAD_DAYS)
        raise LoopcoachError(
            "date-too-far",
            f"interview date {interview_date.isoformat()} is {ahead} days away; plans reach at "
            f"most one year ahead: pick a date up to {latest.isoformat()}",
        )


def _rests(days: list[DayPlan], slots: list[list[tuple[int, PlanDay]]]) -> list[DayPlan]:
    """In a stretched plan, turn an extra day into rest when six days have passed without one."""
    out, since = [], 0
    for i, (d, slot) in enumerate(zip(days, slots, strict=True)):
        rest_soon = any(x.kind == "rest" for x in days[i + 1 : i + 4])
        if d.kind == "rest":
            since = 0
        elif not slot and since >= 6 and not rest_soon:
            d = DayPlan(
                d.number, d.date, "Rest", "rest", ("Take the day off; rested beats crammed.",)
            )
            since = 0
        else:
            since += 1
        out.append(d)
    return out


def _final_touches(day: DayPlan, role_id: str) -> DayPlan:
    """The last day before the interview always ends with the calibration sheet and checklist."""
    extra = (
        f"Fill in your one-page calibration sheet: `loopcoach calibration --role {role_id}`.",
        f"Read the day-of checklist and pick questions for each interviewer: "
        f"`loopcoach checklist --role {role_id}`.",
    )
    return replace(day, tasks=day.tasks + extra, minutes=day.minutes + 20)


def build_plan(
    role: RolePack,
    interview_date: date,
    *,
    today: date,
    hours_per_day: float = DEFAULT_HOURS,
    stages: Sequence[str] = (),
    history: History | None = None,
) -> StudyPlan:
    """A day-by-day plan from `today` to the day before `interview_date`."""
    _validate(hours_per_day)
    _check_ahead(interview_date, today)
    stages = stage_filter(role, stages)
    history = (history or History()).for_role(role.id)
    now = datetime.combine(today, time(12), tzinfo=UTC)
    b = DayBuilder(role, history, stages, hours_per_day, now)
    left = (interview_date - today).days
    notes: list[str] = []

    def finish(interview: date, mode: str, template: str | None, days: list[DayPlan]) -> StudyPlan:
        return StudyPlan(
            role=role.id,
            role_name=role.info.name,
            interview_date=interview,
            today=today,
            mode=mode,
            template=template,
            hours_per_day=hours_per_day,
            days=tuple(days),
            stages=stages,
            notes=tuple(notes),
            weakest_competencies=tuple(b.weak_comps),
            weakest_dimensions=tuple(b.weak_dims),
            uncovered_themes=tuple(b.uncovered),
        )

    if left <= 1:
        if left < 1:
            notes.append(
                f"The interview date {interview_date.isoformat()} is today or past; "
                "this is a plan for an interview tomorrow."
            )
        return finish(today + timedelta(days=1), "tomorrow", None, [b.tomorrow(today)])
    n = min(left, MAX_PLAN_DAYS)
    start = interview_date - timedelta(days=n)
    if left > MAX_PLAN_DAYS:
        notes.append(
            f"The plan starts on {start.isoformat()}; until then, practise the cards "
            f"due each day with `loopcoach practice --role {role.id}`."
        )
    template = pick_template(role.plans, n) or _generic_template(role)
    expanded = _expand(template)
    slots = _fit(expanded, n)
    mode = (
        "template" if n == len(expanded) else ("compressed" if n < len(expanded) else "stretched")
    )
    days = [b.day(i + 1, start + timedelta(days=i), slot) for i, slot in enumerate(slots)]
    if mode == "stretched":
        days = _rests(days, slots)
    days[-1] = _final_touches(days[-1], role.id)
    if b.uncovered and history.stories:
        names = ", ".join(role.competency_name(t) for t in b.uncovered)
        notes.append(f"Your stories do not cover yet: {names}.")
    return finish(interview_date, mode, template.id, days)
