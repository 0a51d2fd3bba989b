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
        super().__init__(f"{kind.replace(' ', '-')}-not-found", msg)


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and a database driver's error inside them."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        cur = todo.pop()
        if not isinstance(cur, BaseException) or any(cur is s for s in seen):
            continue
        seen.append(cur)
        todo.extend([cur.__cause__, cur.__context__, getattr(cur, "orig", None)])
    return seen


def environment_error(exc: BaseException) -> LoopcoachError | None:
    """The user's version of a failure caused by the machine or the input's shape, not a bug:
    a full disk, a read-only data directory, input nested too deeply, memory, a NUL byte."""
    import errno

    for cur in _causes(exc):
        text = str(cur).lower()
        number = cur.errno if isinstance(cur, OSError) else None
        if number == errno.ENOSPC or "disk is full" in text or "no space left" in text:
            return LoopcoachError(
                "disk-full",
                "the disk is full, so this was not saved; free some space and try again",
            )
        if number == errno.EROFS or "readonly database" in text:
            return LoopcoachError(
                "read-only",
                "the data directory is read-only, so this was "
                "not saved; make it writable or set LOOPCOACH_DATA_DIR",
            )
        if number in (errno.EACCES, errno.EPERM):
            where = f" for {cur.filename}" if isinstance(cur, OSError) and cur.filename else ""
            return LoopcoachError(
                "permission-denied",
                f"permission denied{where}; check who "
                "owns it, or set LOOPCOACH_DATA_DIR to a place you can write",
            )
        if isinstance(cur, RecursionError):
            return LoopcoachError(
                "too-deep", "the input is nested too deeply to read; flatten it to a few levels"
            )
        if isinstance(cur, MemoryError):
            return LoopcoachError(
                "too-large", "the input needs more memory than loopcoach allows; use a smaller file"
            )
        if "nul (0x00)" in text or "null character" in text:
            return LoopcoachError(
                "nul-byte", "the text contains a NUL character (\\0); remove it and try again"
            )
    return None
