"""The one shape every exercise checker reports in: `{"code", "line", "message"}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str  # stable, kebab-case: "no-timeout", "horizontal-slice", "missing-goals"
    message: str  # one sentence: what is missing or wrong, and what to write instead
    line: int | None = None  # 1-based line in the candidate's file, when there is one

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "line": self.line, "message": self.message}
