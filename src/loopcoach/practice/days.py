"""Filling plan days with concrete work: questions, a case, a mock stage, stories, focus tips.

`DayBuilder` keeps the rotations across the whole plan, so nothing repeats until the pool of
questions, cases or stages is used up. Deterministic: no clock, no chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from loopcoach.content.library import RolePack
from loopcoach.content.schema import PlanDay
from loopcoach.practice.history import (
    History,
    theme_coverage,
    weakest_competencies,
    weakest_dimensions,
)
from loopcoach.practice.picks import (
    DIMENSION_TIPS,
    QuestionPicker,
    Rotation,
    cases_for,
    mock_stages,
)
from loopcoach.practice.plan_types import CaseTask, DayPlan, QuestionTask, StageTask, StoryTask

TASK_MINUTES = 20  # a template task, roughly
QUESTION_MINUTES = 12  # answer aloud or typed, then read the analysis
MAX_QUESTIONS = 6
KIND_ORDER = ("mock", "practice", "stories", "study", "research", "review", "rest")


class DayBuilder:
    """Fills each day with concrete work; keeps the rotations so nothing repeats needlessly."""

    def __init__(
        self,
        role: RolePack,
        history: History,
        stages: tuple[str, ...],
        hours: float,
        now: datetime,
    ) -> None:
        self.role, self.history, self.stages = role, history, stages
        self.budget = round(hours * 60)
        self.picker = QuestionPicker.build(role, history, now, stages)
        self.cases = Rotation(cases_for(role, stages))
        self.mocks = Rotation(mock_stages(role, stages))
        coverage = theme_coverage(role, history.stories, stages)
        self.uncovered = [t for t, ids in coverage.items() if not ids]
        self.theme_queue = list(self.uncovered) or (list(coverage) if not history.stories else [])
        self.story_queue = list(history.stories)
        self.story_turn = 0
        self.weak_comps = [f.id for f in weakest_competencies(history.attempts, role, 3)]
        self.weak_dims = [f.id for f in weakest_dimensions(history.attempts, 2)]
        self.reinforce_turn = 0

    def focus(self, kind: str) -> tuple[str, ...]:
        if kind in ("rest", "review", "research") or not self.weak_dims:
            return ()
        return tuple(
            f"{d.replace('_', ' ')}: {DIMENSION_TIPS[d]}"
            for d in self.weak_dims
            if d in DIMENSION_TIPS
        )

    def day(self, number: int, when: date, group: list[tuple[int, PlanDay]]) -> DayPlan:
        if not group:
            return self.reinforce(number, when)
        entries = list({id(e): e for _, e in group}.values())
        kinds = {e.kind for e in entries}
        kind = min(kinds, key=KIND_ORDER.index)
        title = " + ".join(dict.fromkeys(e.title for e in entries))
        comps = tuple(dict.fromkeys(c for e in entries for c in e.competencies))
        tasks = self._template_tasks(entries)
        if kind == "rest":
            return DayPlan(
                number,
                when,
                title,
                kind,
                tasks,
                minutes=0,
                template_days=tuple(d for d, _ in group),
            )
        used = len(tasks) * TASK_MINUTES
        mock = case = None
        if "mock" in kinds:
            mock = self._mock(self.budget - used)
            used += mock.minutes if mock else 0
        if "practice" in kinds:
            case = self._case(comps)
            used += case.minutes if case else 0
        stories: tuple[StoryTask, ...] = ()
        if "stories" in kinds:
            stories = self._stories(2 if len(entries) == 1 else 3)
            used += 15 * len(stories)
        n = (
            0
            if kind == "review"
            else max(1, min(MAX_QUESTIONS, (self.budget - used) // QUESTION_MINUTES))
        )
        questions = self._questions(n, comps)
        used += n * QUESTION_MINUTES
        return DayPlan(
            number,
            when,
            title,
            kind,
            tasks,
            questions,
            stories,
            case,
            mock,
            comps,
            self.focus(kind),
            used,
            tuple(d for d, _ in group),
        )

    def _template_tasks(self, entries: list[PlanDay]) -> tuple[str, ...]:
        """Every template task, unless merged days overrun: then the first ones of each day."""
        room = max(len(entries), int(self.budget * 0.75) // TASK_MINUTES)
        if len(entries) == 1 or sum(len(e.tasks) for e in entries) <= room:
            return tuple(t for e in entries for t in e.tasks)
        per = max(1, room // len(entries))
        return tuple(t for e in entries for t in e.tasks[:per])

    def _questions(self, n: int, comps: Sequence[str]) -> tuple[QuestionTask, ...]:
        return tuple(
            QuestionTask(q.id, q.prompt, tuple(q.competencies)) for q in self.picker.take(n, comps)
        )

    def _mock(self, room: int) -> StageTask | None:
        stage = self.mocks.take()
        if stage is None:
            return None
        minutes = stage.minutes  # type: ignore[attr-defined]
        if minutes > max(room, 30):
            minutes = max(30, min(minutes, room))
        return StageTask(stage.id, stage.name, stage.interviewer, minutes)  # type: ignore[attr-defined]

    def _case(self, comps: Sequence[str]) -> CaseTask | None:
        case = self.cases.take(comps)
        if case is None:
            return None
        return CaseTask(case.id, case.title, case.kind, case.minutes)  # type: ignore[attr-defined]

    def _stories(self, n: int) -> tuple[StoryTask, ...]:
        out: list[StoryTask] = []
        for i in range(n):
            tell = self.story_queue and (i % 2 == 1 or not self.theme_queue)
            if self.theme_queue and not tell:
                theme = self.theme_queue.pop(0)
                name = self.role.competency_name(theme)
                why = (
                    "none of your stories covers it yet"
                    if self.history.stories
                    else "a theme this loop tests"
                )
                out.append(StoryTask(f"Draft a STAR story for {name} ({why}).", theme=theme))
            elif self.story_queue:
                s = self.story_queue[self.story_turn % len(self.story_queue)]
                self.story_turn += 1
                out.append(
                    StoryTask(
                        f"Tell '{s.title}' as a 30-second headline, a 2-minute story and a deep "
                        "dive; check the result has a number.",
                        story_id=s.ref,
                    )
                )
        return tuple(dict.fromkeys(out))

    def reinforce(self, number: int, when: date) -> DayPlan:
        weak = self.weak_comps or [
            c for c in dict.fromkeys(c for q in self.picker.ranked for c in q.competencies)
        ]
        comp = weak[self.reinforce_turn % len(weak)] if weak else None
        self.reinforce_turn += 1
        name = self.role.competency_name(comp) if comp else "your weakest answers"
        tasks = (
            f"Practise the cards due today: `loopcoach practice --role {self.role.id}`.",
            "Redo yesterday's weakest answer and compare the two analyses.",
        )
        comps = (comp,) if comp else ()
        used = len(tasks) * TASK_MINUTES
        case = self._case(comps) if self.budget - used >= 60 else None
        used += case.minutes if case else 0
        n = max(1, min(MAX_QUESTIONS, (self.budget - used) // QUESTION_MINUTES))
        questions = self._questions(n, comps)
        return DayPlan(
            number,
            when,
            f"Reinforce: {name}",
            "practice",
            tasks,
            questions,
            (),
            case,
            None,
            comps,
            self.focus("practice"),
            used + n * QUESTION_MINUTES,
        )

    def tomorrow(self, when: date) -> DayPlan:
        rid = self.role.id
        tasks = (
            "Read each story's headline once: the problem and the number. Rewrite nothing.",
            "Say your 45-second introduction aloud twice.",
            "Answer the questions below once each, aloud, and read the advice on the weakest.",
            f"Pick two or three questions per interviewer: `loopcoach checklist --role {rid}`.",
            f"Fill in the calibration sheet: `loopcoach calibration --role {rid}`.",
            "Sort the logistics (link, audio, water, notepad), then stop: sleep beats cramming.",
        )
        used = len(tasks) * 10
        n = max(1, min(3, (self.budget - used) // QUESTION_MINUTES))
        stories = tuple(
            StoryTask(f"Say '{s.title}' as a 30-second headline.", story_id=s.ref)
            for s in self.history.stories[:3]
        )
        return DayPlan(
            1,
            when,
            "Interview tomorrow: final run-through",
            "review",
            tasks,
            self._questions(n, self.weak_comps),
            stories,
            None,
            None,
            tuple(self.weak_comps),
            self.focus("practice"),
            used + n * QUESTION_MINUTES,
        )
