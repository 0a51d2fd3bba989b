"""The mock interview's event log: one frozen value per thing that happened, with to_dict/from_dict.

A session *is* its events, in order. The store keeps them as rows (type, JSON data, time) under a
per-session sequence number; `session.replay` folds them into a `SessionState`. Event payloads are
self-contained (prompts, competencies, time boxes are copied in), so a session can be shown and
debriefed even after the packs change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import (
    END_REASONS,
    SESSION_MODES,
    EndReason,
    SessionMode,
    one_of,
)


@dataclass(frozen=True)
class Gap:
    """Something the analysis found missing or wrong in an answer, which a follow-up may probe."""

    trigger: str  # a pack follow-up trigger: missing-result, red-flag, missed-point, ...
    target: str | None = None  # talking point id (missed-point) or red flag id (red-flag)
    label: str = ""
    evidence: str = ""  # the sentence it rests on, when there is one

    def to_dict(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "target": self.target,
            "label": self.label,
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Gap:
        return cls(
            trigger=str(d["trigger"]),
            target=d.get("target"),
            label=str(d.get("label") or ""),
            evidence=str(d.get("evidence") or ""),
        )


@dataclass(frozen=True)
class Event:
    """Base of every event: when it happened. Subclasses set `type` and add their fields."""

    type: ClassVar[str] = ""
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        for f in fields(self):
            out[f.name] = _plain(getattr(self, f.name))
        return out

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Event:
        kind = d.get("type")
        cls = EVENT_TYPES.get(str(kind))
        if cls is None:
            raise ValueError(f"unknown event type {kind!r}")
        return cls._from(d)

    @classmethod
    def _from(cls, d: dict[str, Any]) -> Event:
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in d:
                continue
            kwargs[f.name] = _typed(f.name, d[f.name])
        return cls(**kwargs)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, Gap):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _tuple(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_tuple(v) for v in value)
    return value


def _typed(name: str, value: Any) -> Any:
    if name == "at":
        return as_utc(value)
    if name == "gaps":
        return tuple(Gap.from_dict(g) for g in value)
    if name == "analysis":
        return dict(value)
    if name == "mode":
        return one_of(SESSION_MODES, value, "mode")
    return _tuple(value)


@dataclass(frozen=True)
class SessionStarted(Event):
    type: ClassVar[str] = "session_started"
    session_id: str = ""
    role: str = ""
    plan: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (stage id, question ids) in order
    seed: int = 0
    mode: SessionMode = "stage"
    feedback_until_end: bool = False
    avoided: tuple[str, ...] = ()  # question ids left out because recent sessions asked them

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(s for s, _ in self.plan)


@dataclass(frozen=True)
class StageStarted(Event):
    type: ClassVar[str] = "stage_started"
    stage: str = ""
    name: str = ""
    interviewer: str = ""
    persona: str = ""
    minutes: int = 0


@dataclass(frozen=True)
class QuestionAsked(Event):
    type: ClassVar[str] = "question_asked"
    key: str = ""  # "q1", "q2", ...
    question_id: str = ""
    stage: str = ""
    prompt: str = ""
    kind: str = ""
    competencies: tuple[str, ...] = ()
    time_box: int = 120  # seconds


@dataclass(frozen=True)
class FollowUpAsked(Event):
    type: ClassVar[str] = "follow_up_asked"
    key: str = ""  # "q1.1", "q1.2"
    parent: str = ""  # the question's key
    question_id: str = ""
    trigger: str = ""
    target: str | None = None
    prompt: str = ""
    reason: str = ""
    time_box: int = 60


@dataclass(frozen=True)
class AnswerSubmitted(Event):
    type: ClassVar[str] = "answer_submitted"
    key: str = ""
    text: str = ""
    duration_seconds: float = 0.0
    overrun_seconds: float = 0.0
    timed: bool = True  # False when the duration cannot be speaking time (a pasted answer)


@dataclass(frozen=True)
class TimeBoxExpired(Event):
    type: ClassVar[str] = "time_box_expired"
    key: str = ""
    time_box: int = 0
    elapsed_seconds: float = 0.0


@dataclass(frozen=True)
class AnalysisStored(Event):
    type: ClassVar[str] = "analysis_stored"
    key: str = ""
    question_id: str = ""
    score: int = 0
    summary: str = ""
    gaps: tuple[Gap, ...] = ()
    analysis: dict[str, Any] = field(default_factory=dict)  # Analysis.to_dict()


@dataclass(frozen=True)
class Skipped(Event):
    type: ClassVar[str] = "skipped"
    key: str = ""


@dataclass(frozen=True)
class DraftSaved(Event):
    type: ClassVar[str] = "draft_saved"
    key: str = ""
    text: str = ""


@dataclass(frozen=True)
class Ended(Event):
    type: ClassVar[str] = "ended"
    reason: EndReason = "completed"

    @classmethod
    def _from(cls, d: dict[str, Any]) -> Event:
        return cls(
            at=as_utc(d["at"]),
            reason=one_of(END_REASONS, d.get("reason", "completed"), "reason"),
        )


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        SessionStarted,
        StageStarted,
        QuestionAsked,
        FollowUpAsked,
        AnswerSubmitted,
        TimeBoxExpired,
        AnalysisStored,
        Skipped,
        DraftSaved,
        Ended,
    )
}

__all__ = [
    "EVENT_TYPES",
    "AnalysisStored",
    "AnswerSubmitted",
    "DraftSaved",
    "Ended",
    "Event",
    "FollowUpAsked",
    "Gap",
    "QuestionAsked",
    "SessionStarted",
    "Skipped",
    "StageStarted",
    "TimeBoxExpired",
    "as_utc",
]
