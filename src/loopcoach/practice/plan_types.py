"""The study plan's values: a plan, its days and the concrete work each day names."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class QuestionTask:
    id: str
    prompt: str
    competencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseTask:
    id: str
    title: str
    kind: str
    minutes: int


@dataclass(frozen=True)
class StageTask:
    id: str
    name: str
    interviewer: str
    minutes: int


@dataclass(frozen=True)
class StoryTask:
    text: str
    story_id: str | None = None
    theme: str | None = None


@dataclass(frozen=True)
class DayPlan:
    number: int
    date: date
    title: str
    kind: str
    tasks: tuple[str, ...]
    questions: tuple[QuestionTask, ...] = ()
    stories: tuple[StoryTask, ...] = ()
    case: CaseTask | None = None
    mock: StageTask | None = None
    competencies: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    minutes: int = 0
    template_days: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.number,
            "date": self.date.isoformat(),
            "title": self.title,
            "kind": self.kind,
            "tasks": list(self.tasks),
            "questions": [
                asdict(q) | {"competencies": list(q.competencies)} for q in self.questions
            ],
            "stories": [asdict(s) for s in self.stories],
            "case": asdict(self.case) if self.case else None,
            "mock": asdict(self.mock) if self.mock else None,
            "competencies": list(self.competencies),
            "focus": list(self.focus),
            "minutes": self.minutes,
            "template_days": list(self.template_days),
        }


@dataclass(frozen=True)
class StudyPlan:
    role: str
    role_name: str
    interview_date: date
    today: date
    mode: str  # "template", "compressed", "stretched" or "tomorrow"
    template: str | None
    hours_per_day: float
    days: tuple[DayPlan, ...]
    stages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    weakest_competencies: tuple[str, ...] = ()
    weakest_dimensions: tuple[str, ...] = ()
    uncovered_themes: tuple[str, ...] = field(default=())

    @property
    def start(self) -> date:
        return self.days[0].date

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "role_name": self.role_name,
            "interview_date": self.interview_date.isoformat(),
            "today": self.today.isoformat(),
            "start": self.start.isoformat(),
            "mode": self.mode,
            "template": self.template,
            "hours_per_day": self.hours_per_day,
            "stages": list(self.stages),
            "notes": list(self.notes),
            "weakest_competencies": list(self.weakest_competencies),
            "weakest_dimensions": list(self.weakest_dimensions),
            "uncovered_themes": list(self.uncovered_themes),
            "days": [d.to_dict() for d in self.days],
        }
