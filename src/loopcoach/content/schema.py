"""The role-pack schema: pydantic models for everything a pack may hold.

A pack is a directory of YAML files. Each file holds some of the top-level keys of `PackFile`;
the loader merges them (lists are concatenated) and validates the result as a `Pack`.
Cross-references (a question naming a stage, a follow-up naming a talking point) are checked by
`validate.py`, which needs the whole pack set. See docs/packs.md for how to write a pack.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=80)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

QuestionKind = Literal["behavioural", "situational", "technical", "competency", "culture", "case"]
QUESTION_KINDS: tuple[str, ...] = (
    "behavioural",
    "situational",
    "technical",
    "competency",
    "culture",
    "case",
)

# The answer shape a rubric expects; analysis scores `structure` against it.
Framework = Literal["star", "decision", "program-plan", "system-design", "explain", "opinion"]
DEFAULT_FRAMEWORK: dict[str, str] = {
    "behavioural": "star",
    "situational": "decision",
    "technical": "explain",
    "competency": "explain",
    "culture": "opinion",
    "case": "program-plan",
}

# What makes the mock interviewer ask a follow-up.
Trigger = Literal[
    "missing-situation",  # no context was set
    "missing-action",  # nothing the candidate did
    "missing-result",  # no outcome or learning
    "weak-ownership",  # "we" throughout, no "I"
    "no-metrics",  # nothing measurable
    "red-flag",  # a red flag was hit (`flag` names which, or any)
    "missed-point",  # a talking point was not made (`point` names which)
    "deep-dive",  # asked of a good answer to probe depth
]
TRIGGERS: tuple[str, ...] = (
    "missing-situation",
    "missing-action",
    "missing-result",
    "weak-ownership",
    "no-metrics",
    "red-flag",
    "missed-point",
    "deep-dive",
)


class Model(BaseModel):
    """Base: unknown fields are errors, so typos in a pack are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Cue(Model):
    """Something an answer says (a talking point) or should not say (a red flag).

    `cues` are short phrases for lexical matching; `description` is one sentence in plain words
    that semantic matching compares with the answer's sentences.
    """

    id: Slug
    label: Short
    cues: list[Short] = Field(min_length=1)
    description: Text


class TalkingPoint(Cue):
    weight: float = Field(default=1.0, gt=0, le=3)
    part: Literal["situation", "task", "action", "result"] | None = Field(
        default=None,
        description="for a STAR question: the story part this point is; a sentence the "
        "structure check finds as that part also makes the point",
    )


class RedFlag(Cue):
    advice: Text = Field(description="What to say or do instead.")


class FollowUp(Model):
    trigger: Trigger
    prompt: Text
    point: Slug | None = Field(default=None, description="talking point id for missed-point")
    flag: Slug | None = Field(default=None, description="red flag id for red-flag")

    @model_validator(mode="after")
    def _target_matches_trigger(self) -> FollowUp:
        if self.point is not None and self.trigger != "missed-point":
            raise ValueError("'point' is only used with trigger 'missed-point'")
        if self.flag is not None and self.trigger != "red-flag":
            raise ValueError("'flag' is only used with trigger 'red-flag'")
        return self


class Question(Model):
    id: Slug
    prompt: Text
    kind: QuestionKind
    stages: list[Slug] = Field(default_factory=list)
    competencies: list[Slug] = Field(default_factory=list)
    why: Text = Field(description="Why interviewers ask it, in our words.")
    pointers: list[Text] = Field(default_factory=list, description="Prep pointers.")
    talking_points: list[TalkingPoint] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    target_seconds: int = Field(default=120, ge=20, le=1800)
    framework: Framework | None = None
    model_answer: list[Text] = Field(default_factory=list, description="Outline bullets.")
    priority: Literal["core", "practice"] = "core"
    tags: list[Slug] = Field(default_factory=list)

    @property
    def expected_framework(self) -> str:
        return self.framework or DEFAULT_FRAMEWORK[self.kind]


class RoleInfo(Model):
    id: Slug
    name: Short
    summary: Text
    differs_from: dict[str, Text] = Field(
        default_factory=dict, description="Neighbouring role name -> how this role differs."
    )


class Stage(Model):
    id: Slug
    name: Short
    interviewer: Short = Field(description="Who usually runs it.")
    minutes: int = Field(ge=5, le=600)
    minutes_max: int | None = Field(default=None, ge=5, le=600)
    checks: list[Short] = Field(min_length=1, description="What the stage checks.")
    strong_signal: Text
    formats: list[Slug] = Field(default_factory=list)
    persona: Text = Field(description="The mock interviewer's opening line for this stage.")
    question_count: int = Field(default=4, ge=1, le=20)
    kinds: list[QuestionKind] = Field(default_factory=list, description="Question mix, by kind.")

    @model_validator(mode="after")
    def _range(self) -> Stage:
        if self.minutes_max is not None and self.minutes_max < self.minutes:
            raise ValueError("minutes_max must be at least minutes")
        return self


class Format(Model):
    id: Slug
    name: Short
    description: Text
    answer_seconds: int | None = Field(default=None, ge=20, le=7200)


class Item(Model):
    """A labelled piece of guidance: a screen-for, a mistake, a skill."""

    id: Slug
    label: Short
    description: Text


class Dimension(Model):
    """A debrief scorecard row with what each score 1-4 looks like."""

    id: Slug
    name: Short
    description: Text
    competencies: list[Slug] = Field(min_length=1)
    levels: dict[int, Text]

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != [1, 2, 3, 4]:
            raise ValueError("levels must describe exactly the scores 1, 2, 3 and 4")
        return v


class Competency(Model):
    id: Slug
    name: Short
    description: Text


class CareerLevel(Model):
    id: Slug
    name: Short
    scope: Text
    signals: list[Short] = Field(default_factory=list)


class Skill(Model):
    id: Slug
    name: Short
    kind: Literal["must-have", "preferred", "technical", "soft"]
    description: Text


class AskInterviewer(Model):
    id: Slug
    text: Text
    stages: list[Slug] = Field(default_factory=list, description="Empty means any stage.")
    why: Text | None = None


CaseKind = Literal[
    "program-plan", "system-design", "slicing", "acceptance-criteria", "backlog", "forecast"
]


class Case(Model):
    """A hands-on exercise prompt. `data` holds kind-specific material (a backlog, an epic...)."""

    id: Slug
    kind: CaseKind
    title: Short
    prompt: Text
    context: Text | None = None
    stages: list[Slug] = Field(default_factory=list)
    competencies: list[Slug] = Field(default_factory=list)
    expected: list[Short] = Field(
        default_factory=list, description="Elements a strong response contains."
    )
    pitfalls: list[Short] = Field(default_factory=list)
    minutes: int = Field(default=30, ge=5, le=480)
    data: dict[str, Any] = Field(default_factory=dict)


class PlanDay(Model):
    day: int = Field(ge=1, le=60)
    day_to: int | None = Field(default=None, ge=1, le=60)
    title: Short
    tasks: list[Text] = Field(min_length=1)
    kind: Literal["study", "stories", "practice", "mock", "research", "rest", "review"] = "study"
    competencies: list[Slug] = Field(default_factory=list)

    @property
    def last_day(self) -> int:
        return self.day_to or self.day


class PrepPlan(Model):
    id: Slug
    name: Short
    days: int = Field(ge=1, le=60)
    description: Text
    schedule: list[PlanDay] = Field(min_length=1)


class PackMeta(Model):
    id: Slug
    version: str = "1"
    name: Short
    extends: Slug | None = Field(default=None, description="Role id this pack adds to.")
    description: Text | None = None


class PackFile(Model):
    """What one YAML file may hold. Every key is optional; a pack's files together form a Pack."""

    pack: PackMeta | None = None
    role: RoleInfo | None = None
    stages: list[Stage] = Field(default_factory=list)
    formats: list[Format] = Field(default_factory=list)
    screens_for: list[Item] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(default_factory=list)
    levels: list[CareerLevel] = Field(default_factory=list)
    competencies: list[Competency] = Field(default_factory=list)
    skills: list[Skill] = Field(default_factory=list)
    mistakes: list[Item] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)
    plans: list[PrepPlan] = Field(default_factory=list)
    checklist: list[Short] = Field(default_factory=list)
    ask_interviewer: list[AskInterviewer] = Field(default_factory=list)
    generic_rubrics: list[Question] = Field(default_factory=list)


class Pack(PackFile):
    """A whole pack, merged from its files. It either defines a role or extends one."""

    pack: PackMeta

    @model_validator(mode="after")
    def _role_or_extends(self) -> Pack:
        if self.role is None and self.pack.extends is None and not self.generic_rubrics:
            raise ValueError("a pack needs a 'role' section, or 'pack.extends' naming a role")
        if self.role is not None and self.pack.extends is not None:
            raise ValueError("a pack either defines 'role' or 'extends' another, not both")
        return self
