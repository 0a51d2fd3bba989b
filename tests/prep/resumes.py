"""Paths to the fixture résumés and a loader (shared by the prep and CLI tests)."""

from __future__ import annotations

from pathlib import Path

from loopcoach.prep.history import WorkHistory
from loopcoach.prep.importers import parse_history

RESUMES = Path(__file__).parents[1] / "fixtures" / "resumes"
BROKEN = RESUMES / "broken"


def load_resume(name: str) -> WorkHistory:
    path = RESUMES / name
    return parse_history(path.read_bytes(), path.name)
