"""Pure value objects and typed ids shared by every layer. Imports nothing of ours."""

from loopcoach.domain.ids import CaseId, QuestionId, RoleId, StageId

__all__ = ["CaseId", "QuestionId", "RoleId", "StageId"]
