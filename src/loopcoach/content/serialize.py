"""Plain-data views of pack objects, shared by the CLI's --json and the JSON API."""

from __future__ import annotations

from typing import Any

from loopcoach.content.library import RolePack
from loopcoach.content.schema import Question


def question_dict(role: RolePack, q: Question) -> dict[str, Any]:
    data = q.model_dump(mode="json")
    data["framework"] = q.expected_framework
    return {"id": q.id, "role": role.id, **{k: v for k, v in data.items() if k != "id"}}


def role_summary(role: RolePack) -> dict[str, Any]:
    return {
        "id": role.id,
        "name": role.info.name,
        "summary": role.info.summary,
        "stages": len(role.stages),
        "questions": len(role.questions),
        "cases": len(role.cases),
    }


ROLE_SECTIONS = (
    "stages",
    "formats",
    "screens_for",
    "red_flags",
    "dimensions",
    "levels",
    "competencies",
    "skills",
    "mistakes",
    "cases",
    "plans",
    "ask_interviewer",
)


def role_dict(role: RolePack) -> dict[str, Any]:
    return {
        "id": role.id,
        "info": role.info.model_dump(mode="json"),
        **{s: [x.model_dump(mode="json") for x in getattr(role, s)] for s in ROLE_SECTIONS},
        "checklist": list(role.checklist),
        "questions": [q.id for q in role.questions],
    }
