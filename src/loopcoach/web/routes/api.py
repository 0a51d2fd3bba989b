"""JSON API under /api/v1 (read-only browsing for now)."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from loopcoach.content.serialize import question_dict, role_summary
from loopcoach.web.deps import CoachDep
from loopcoach.web.routers import api_router

router = api_router(prefix="/api/v1", tags=["content"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Answered on the event loop, not in the worker threads: it answers while they are busy."""
    return {"status": "ok"}


@router.get("/roles")
def list_roles(coach: CoachDep) -> list[dict[str, Any]]:
    return [role_summary(r) for r in coach.library.roles.values()]


@router.get("/questions")
def list_questions(
    coach: CoachDep,
    role: str | None = None,
    kind: str | None = None,
    stage: str | None = None,
    competency: str | None = None,
) -> list[dict[str, Any]]:
    found = coach.library.questions(role=role, kind=kind, stage=stage, competency=competency)
    return [question_dict(r, q) for r, q in found]


@router.get("/questions/{question_id}")
def get_question(coach: CoachDep, question_id: str) -> dict[str, Any]:
    r, q = coach.library.question(question_id)
    return question_dict(r, q)


@router.get("/search")
def search(
    coach: CoachDep,
    q: str = Query(..., max_length=2000),
    role: str | None = None,
    limit: int = Query(10, ge=1, le=100),
) -> list[dict[str, Any]]:
    return [h.to_dict() for h in coach.search(q, role=role, limit=limit)]
