"""Typed ids: plain strings at run time, distinct types for the type checker."""

from typing import NewType

RoleId = NewType("RoleId", str)
StageId = NewType("StageId", str)
QuestionId = NewType("QuestionId", str)
CaseId = NewType("CaseId", str)
CompetencyId = NewType("CompetencyId", str)
