"""Small parsing and output helpers shared by the practice, progress and export commands."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from loopcoach.errors import LoopcoachError


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise LoopcoachError(
            "bad-date", f"{option} {value!r} is not a date: use YYYY-MM-DD"
        ) from None


def parse_when(value: str | None) -> datetime:
    """`--at` for scripts and tests: an ISO date-time (UTC when no offset); default: now."""
    if not value:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise LoopcoachError(
            "bad-date", f"--at {value!r} is not a date-time: use e.g. 2026-03-02T09:00:00Z"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def split_stages(value: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (value or "").split(",") if s.strip())


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LoopcoachError("write-failed", f"cannot write {path}: {exc.strerror}") from None


def note(text: str) -> None:
    """A side message (files written): on standard error, so --json output stays clean."""
    sys.stderr.write(text + "\n")
