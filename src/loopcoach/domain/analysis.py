"""The result of analysing one answer: dimensions with evidence and advice, and an overall score."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from loopcoach.domain.kinds import FlagHow, FlagSource, PointHow, RubricSource


@dataclass(frozen=True)
class Evidence:
    """A sentence of the answer that a judgement rests on, and why."""

    sentence: str
    index: int
    note: str = ""


@dataclass(frozen=True)
class DimensionScore:
    name: str  # a built-in `Dimension`, or a plugin scorer's own dimension
    score: float  # 0-4
    reason: str
    evidence: tuple[Evidence, ...] = ()
    advice: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointResult:
    id: str
    label: str
    made: bool
    how: PointHow  # "" when missed
    similarity: float
    evidence: Evidence | None = None
    description: str = ""


@dataclass(frozen=True)
class FlagHit:
    id: str
    label: str
    source: FlagSource
    advice: str
    evidence: Evidence | None = None
    how: FlagHow = "cue"


@dataclass(frozen=True)
class Timing:
    """A timed transcript: total duration and optional per-sentence (start, end) seconds."""

    duration_seconds: float
    segments: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class QuestionRef:
    id: str
    prompt: str
    kind: str
    role: str | None
    framework: str
    rubric: RubricSource


@dataclass(frozen=True)
class Analysis:
    question: QuestionRef
    score: int  # 0-100
    dimensions: dict[str, DimensionScore]
    points_made: tuple[PointResult, ...]
    points_missed: tuple[PointResult, ...]
    red_flags: tuple[FlagHit, ...]
    word_count: int
    estimated_seconds: float
    target_seconds: int
    sentences: tuple[str, ...]
    matched_question: dict[str, Any] | None = None
    embedder: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    relevance: dict[str, Any] = field(default_factory=dict)
    limits: tuple[str, ...] = ()  # why the overall score was capped, in words

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["dimensions"] = {k: asdict(v) for k, v in self.dimensions.items()}
        return data
