"""User-facing errors: one class, a stable code, and a message that says what to do.

`assert` is for our own bugs; anything a user can cause raises `LoopcoachError`.
"""

from __future__ import annotations


class LoopcoachError(Exception):
    """An error the user can fix. `str(err)` is one line that names the problem and the fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class PackError(LoopcoachError):
    """A role pack failed to load or validate. `problems` lists every message found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid pack"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__("pack-invalid", first + more)


class NotFound(LoopcoachError):
    """An id the user gave does not exist."""

    def __init__(self, kind: str, ident: str, hint: str = "") -> None:
        msg = f"unknown {kind} '{ident}'"
        if hint:
            msg += f": {hint}"
        super().__init__(f"{kind}-not-found", msg)
