"""Fixtures for practice tests: the pack library, fixture attempts and stories, hand-made analyses,
and a stand-in for the prep pack's story store."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from loopcoach.content.library import Library, RolePack
from loopcoach.domain.analysis import Analysis, DimensionScore, QuestionRef
from loopcoach.domain.practice import Attempt
from loopcoach.domain.stories import Story

PRACTICE = Path(__file__).parents[1] / "fixtures" / "practice"


@pytest.fixture(scope="session")
def tpm(library: Library) -> RolePack:
    return library.role("tpm")


def load_attempts() -> list[Attempt]:
    rows = json.loads((PRACTICE / "attempts.json").read_text(encoding="utf-8"))
    return [Attempt.from_dict(r) for r in rows]


def story_rows() -> list[dict[str, Any]]:
    return json.loads((PRACTICE / "stories.json").read_text(encoding="utf-8"))


@pytest.fixture
def attempts() -> list[Attempt]:
    return load_attempts()


@pytest.fixture
def stories() -> list[Story]:
    return [Story.from_dict(r) for r in story_rows()]


PITCH = "I run programs that cross five or more teams; two results: ..."


@pytest.fixture
def with_stories(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Pretend the prep pack is installed and holds the fixture stories and a pitch."""
    from loopcoach.store import practice as S

    rows = story_rows()
    fake = SimpleNamespace(list_stories=lambda conn: rows, get_pitch=lambda conn: PITCH)
    monkeypatch.setattr(S, "_stories_module", lambda: fake)
    return rows


def make_analysis(
    question_id: str,
    score: int,
    *,
    role: str = "tpm",
    rubric: str = "pack",
    dims: dict[str, float] | None = None,
) -> Analysis:
    """An Analysis built by hand: store tests need scores, not the embedding model."""
    dims = dims or {
        "structure": 2.0,
        "coverage": 2.0,
        "specificity": 2.0,
        "ownership": 2.0,
        "red_flags": 4.0,
        "delivery": 2.0,
    }
    return Analysis(
        question=QuestionRef(
            question_id, f"prompt of {question_id}", "behavioural", role, "star", rubric
        ),
        score=score,
        dimensions={k: DimensionScore(k, v, "") for k, v in dims.items()},
        points_made=(),
        points_missed=(),
        red_flags=(),
        word_count=100,
        estimated_seconds=40.0,
        target_seconds=120,
        sentences=(),
    )


@pytest.fixture
def analysis_of() -> Any:
    return make_analysis
