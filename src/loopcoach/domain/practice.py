"""Practice over time: scored attempts and review records (stories are `domain.stories.Story`).

Plain values with `to_dict`/`from_dict`, so the store, the JSON backup and the core share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from loopcoach.domain.clock import as_utc
from loopcoach.domain.kinds import (
    ATTEMPT_SOURCES,
    RUBRIC_SOURCES,
    AttemptSource,
    RubricSource,
    one_of,
)


@dataclass(frozen=True)
class Attempt:
    """One scored answer to one question, wherever it was given (practice, analyze, a mock)."""

    uuid: str
    question_id: str
    score: int  # 0-100
    dimensions: dict[str, float]  # analysis dimension -> 0-4
    created_at: datetime
    source: AttemptSource = "practice"
    role: str | None = None
    prompt: str = ""
    rubric: RubricSource = "pack"  # as in the analysis
    session_id: str | None = None
    duration_seconds: float | None = None
    answer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "question_id": self.question_id,
            "role": self.role,
            "score": self.score,
            "dimensions": dict(self.dimensions),
            "created_at": as_utc(self.created_at).isoformat(),
            "source": self.source,
            "prompt": self.prompt,
            "rubric": self.rubric,
            "session_id": self.session_id,
            "duration_seconds": self.duration_seconds,
            "answer": self.answer,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Attempt:
        return cls(
            uuid=str(d["uuid"]),
            question_id=str(d["question_id"]),
            score=int(d["score"]),
            dimensions={str(k): float(v) for k, v in (d.get("dimensions") or {}).items()},
            created_at=as_utc(d["created_at"]),
            source=one_of(ATTEMPT_SOURCES, d.get("source") or "practice", "source"),
            role=d.get("role"),
            prompt=str(d.get("prompt") or ""),
            rubric=one_of(RUBRIC_SOURCES, d.get("rubric") or "pack", "rubric"),
            session_id=d.get("session_id"),
            duration_seconds=(
                float(d["duration_seconds"]) if d.get("duration_seconds") is not None else None
            ),
            answer=d.get("answer"),
        )


@dataclass(frozen=True)
class ReviewRecord:
    """One review of a practice card: the FSRS rating given and when."""

    uuid: str
    card_key: str
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: datetime
    duration_ms: int | None = None
    attempt_uuid: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "card_key": self.card_key,
            "rating": self.rating,
            "reviewed_at": as_utc(self.reviewed_at).isoformat(),
            "duration_ms": self.duration_ms,
            "attempt_uuid": self.attempt_uuid,
            "detail": dict(self.detail),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReviewRecord:
        return cls(
            uuid=str(d["uuid"]),
            card_key=str(d["card_key"]),
            rating=int(d["rating"]),
            reviewed_at=as_utc(d["reviewed_at"]),
            duration_ms=int(d["duration_ms"]) if d.get("duration_ms") is not None else None,
            attempt_uuid=d.get("attempt_uuid"),
            detail=dict(d.get("detail") or {}),
        )
