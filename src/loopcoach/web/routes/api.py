"""JSON API under /api/v1 (read-only browsing for now)."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from loopcoach.content.serialize import question_dict, role_summary
from loopcoach.web.deps import CoachDep
from loopcoach.web.paging import PagerDep
from loopcoach.web.routers import api_router

router = api_router(prefix="/api/v1", tags=["content"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Whether the server is up: `{"status": "ok"}`, even when every worker is busy computing."""
    # async: answered on the event loop, never queued behind the worker threads
    return {"status": "ok"}


@router.get("/roles")
def list_roles(
    coach: CoachDep,
    pager: PagerDep,
) -> list[dict[str, Any]]:
    """The roles of the installed packs (paged: `limit`, `offset`, the total in
    X-Total-Count, the next page in Link)."""
    page = pager.page_of(list(coach.library.roles.values()))
    return pager.render(page, role_summary)


@router.get("/questions")
def list_questions(
    coach: CoachDep,
    pager: PagerDep,
    role: str | None = None,
    kind: str | None = None,
    stage: str | None = None,
    competency: str | None = None,
) -> list[dict[str, Any]]:
    """The questions, filtered (paged: `limit`, `offset`, the total in X-Total-Count, the
    next page in Link)."""
    found = coach.library.questions(role=role, kind=kind, stage=stage, competency=competency)
    page = pager.page_of(found)
    return pager.render(page, lambda rq: question_dict(*rq))


@router.get("/questions/{question_id}")
def get_question(coach: CoachDep, question_id: str) -> dict[str, Any]:
    """One question and its role, as stored in the pack."""
    r, q = coach.library.question(question_id)
    return question_dict(r, q)


@router.get("/search")
def search(
    coach: CoachDep,
    q: str = Query(..., max_length=2000),
    role: str | None = None,
    limit: int = Query(10, ge=1, le=100),
) -> list[dict[str, Any]]:
    """Search what the packs say (questions, follow-ups, cases, guidance), best match first."""
    return [h.to_dict() for h in coach.search(q, role=role, limit=limit)]
